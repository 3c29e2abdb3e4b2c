"""Production profile: everything local defaults leave open is closed here."""

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import env

if not env.str("SECRET_KEY", default=""):
    raise ImproperlyConfigured("SECRET_KEY es obligatorio en producción.")
SECRET_KEY = env.str("SECRET_KEY")
DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
WHITENOISE_USE_FINDERS = False
# Load balancers and monitoring call the nodes directly over HTTP (HAProxy terminates TLS):
# the health checks and the metrics are not redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz", r"^metrics$"]
# Structured logs (ecuapass.ops.jsonlog) unless LOG_FORMAT says otherwise.
if env.str("LOG_FORMAT", default="json") == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
    LOGGING.setdefault("formatters", {})["json"] = {"()": "ecuapass.ops.jsonlog.JsonFormatter"}  # noqa: F405
    LOGGING["loggers"].update(SHIPPED_LOGGERS)  # noqa: F405 - the audit trail, shipped
# Database connections (issue 16 §3): a new PostgreSQL connection per request cost ~6 ms.
# By default each process keeps its connection (CONN_MAX_AGE, DB_CONN_MAX_AGE seconds, 600;
# health-checked, so one broken by a restart is replaced). DB_POOL=1 uses Django's psycopg 3
# connection pool instead (needs the psycopg_pool package; DB_POOL_MIN/DB_POOL_MAX per
# process) — then CONN_MAX_AGE must be 0. Autovacuum must be on: the planner's statistics of
# the e-doc and buzón tables come from it (see docs/performance.md).
for _database in DATABASES.values():  # noqa: F405 - the primary and the replica alike
    if _database["ENGINE"] != POSTGRESQL_ENGINE:  # noqa: F405
        continue
    if env.str("DB_POOL", default="") == "1":
        _database["CONN_MAX_AGE"] = 0
        _database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN", default=2),
            "max_size": env.int("DB_POOL_MAX", default=10),
            "timeout": 10,
        }
    else:
        _database["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=600)
# A worker that claims a batch of e-docs under half full waits this long (seconds) for the
# submissions arriving meanwhile, then claims again: fuller batches pay their ~35 per-batch
# look-ups (catalogs, risk facts, claim, numbering) for more documents (ADR 0021). 0.1 s gave
# batches of ~13 under the bench's load, 0.3 s ~27 and ~10 % less worker CPU per DAI. Adds up
# to that much to a document's processing when few arrive. 0: never wait (the local default).
ECUAPASS_EDOCS_BATCH_LINGER = env.float("EDOCS_BATCH_LINGER", default=0.3)
