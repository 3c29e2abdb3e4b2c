"""Settings for ECUAPASS, read from the environment.

Local defaults need nothing: SQLite under ``var/``, a secret key generated once
and kept under ``var/``, mail to the console. ``config.settings_production``
hardens these for deployment.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Every setting read from the environment goes through django-environ (typed, one parser).
env = environ.Env()
VAR_DIR = Path(env.path("ECUAPASS_VAR_DIR", default=BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """A key generated on first use and kept under var/ (local use only)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = [
    item.strip()
    for item in env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    if item.strip()
]
CSRF_TRUSTED_ORIGINS = [
    item.strip() for item in env.list("CSRF_TRUSTED_ORIGINS", default=[]) if item.strip()
]

INSTALLED_APPS = [
    "ecuapass.accounts.apps.BackOfficeAdminConfig",  # django.contrib.admin, OTP-gated
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes of the second factor (ecuapass.registro)
    # Bounded contexts, in dependency order (reference and demo loaders follow it).
    "ecuapass.core",
    "ecuapass.ratelimit",
    "ecuapass.accounts",
    "ecuapass.notifications",
    "ecuapass.portal",
    "ecuapass.tariff",
    "ecuapass.edocs",
    "ecuapass.customs",
    "ecuapass.officers",
    "ecuapass.risk",
    "ecuapass.despacho",
    "ecuapass.correcciones",
    "ecuapass.exportacion",
    "ecuapass.carga",
    "ecuapass.obligaciones",
    "ecuapass.banca",
    "ecuapass.vue",
    "ecuapass.registro",
    "ecuapass.mipagina",
    "ecuapass.api",
    "ecuapass.ops",
]

MIDDLEWARE = [
    "ecuapass.ops.middleware.RequestIdMiddleware",  # request id, latency by view (metrics)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ecuapass.core.middleware.ChosenLanguageMiddleware",
    "ecuapass.core.middleware.RejectNulMiddleware",
    "ecuapass.core.uploads.UploadLimitMiddleware",  # oversize bodies: 413 before any read
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user row read in the session's own query (accounts.sessions).
    "ecuapass.accounts.sessions.AuthenticationMiddleware",
    "ecuapass.accounts.session_lifetime.SessionLifetimeMiddleware",  # SESSION_ABSOLUTE_HOURS
    "ecuapass.accounts.sessions.OTPMiddleware",  # django_otp's, one lazy user (accounts.sessions)
    "ecuapass.officers.middleware.SecondFactorMiddleware",  # the OTP step after the password
    "ecuapass.registro.middleware.AnnualUpdateMiddleware",  # overdue annual update: confirm first
    "ecuapass.core.middleware.LazyMessageMiddleware",  # Django's, storage built on first use
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ecuapass.core.middleware.CSPMiddleware",  # django-csp's, the settings' header built once
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ecuapass.core.context_processors.frame",
            ],
            # Tests turn this on (see conftest) so an undefined variable fails.
            "string_if_invalid": env.str("TEMPLATE_STRING_IF_INVALID", default=""),
        },
    }
]

# --- Database -----------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "ecuapass.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=env.int("DB_CONN_MAX_AGE", default=0),
        # A persistent connection broken by a database restart is replaced, not reused.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# A PostgreSQL streaming replica (docs/deploy.md): only the views marked
# @ops.replica.reads_from_replica read from it (1.3, 2.11, the tariff search); all else and
# every write use "default". Unset: one database, the router changes nothing.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = dj_database_url.parse(
        env.str("DATABASE_REPLICA_URL"),
        conn_max_age=env.int("DB_CONN_MAX_AGE", default=0),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# PostgreSQL through Django's backend with JSON values written by orjson
# (ecuapass/core/postgresql, issue 16).
POSTGRESQL_ENGINE = "ecuapass.core.postgresql"
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database["ENGINE"] = POSTGRESQL_ENGINE
# PostgreSQL: parameters bound by the server and a statement prepared once it has run
# DB_PREPARE_THRESHOLD times on a connection (psycopg 3), so PostgreSQL parses and plans the
# screens' and the pipeline's repeated statements once per connection (issue 16: about a third
# less of its CPU per query). 0 turns it off (a pooler in transaction mode; docs/deploy.md).
DB_PREPARE_THRESHOLD = env.int("DB_PREPARE_THRESHOLD", default=5)
for _database in DATABASES.values():
    if _database["ENGINE"] == POSTGRESQL_ENGINE and DB_PREPARE_THRESHOLD > 0:
        _database.setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=DB_PREPARE_THRESHOLD
        )
DATABASE_ROUTERS = ["ecuapass.ops.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ---------------------------------------------------------
# The job row is written by the ORM in the same transaction as the document it
# processes (ADR 0002); `manage.py run_worker` runs them.
TASKS = {
    "default": {
        "BACKEND": "ecuapass.core.tasks_backend.DatabaseBackend",
        "QUEUES": ["default", "edocs", "notifications"],
    }
}
# Workers (`manage.py run_worker`) beat every few seconds; one silent for longer than
# WORKER_STALE_SECONDS (or stopped) is dead and the job it held goes back to the queue.
# Jobs failed for a transient reason are retried up to JOB_MAX_ATTEMPTS times; /healthz
# answers 503 when no worker is fresh or a ready job waits longer than QUEUE_MAX_AGE_SECONDS.
ECUAPASS_WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=5)
ECUAPASS_WORKER_STALE_SECONDS = env.float("WORKER_STALE_SECONDS", default=30)
ECUAPASS_WORKER_RECOVERY_SECONDS = env.float("WORKER_RECOVERY_SECONDS", default=10)
ECUAPASS_UNTRACKED_JOB_SECONDS = 600  # a RUNNING job of a worker without heartbeat (db_worker)
ECUAPASS_JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=5)
ECUAPASS_QUEUE_MAX_AGE_SECONDS = env.float("QUEUE_MAX_AGE_SECONDS", default=300)
ECUAPASS_JOB_RECOVERY_HOOKS = ["ecuapass.edocs.recovery.recover_stalled"]
# DAI prints (dai.pdf, liquidacion.pdf) of more items than this are rendered by a worker, never
# in a web request (WeasyPrint lays out a page in a fraction of a second to a second): the page
# says "Generando…" and serves the file once ready, from PRINTS_DIR (no URL serves that folder).
ECUAPASS_PDF_SYNC_MAX_ITEMS = env.int("PDF_SYNC_MAX_ITEMS", default=25)
ECUAPASS_PRINTS_DIR = Path(env.path("ECUAPASS_PRINTS_DIR", default=VAR_DIR / "impresiones"))

# --- Authentication ----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ecuapass.accounts.backends.RucUserBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {
            "user_attributes": (
                "username",
                "login_ruc",
                "first_name",
                "last_name",
                "email",
                "id_number",
            )
        },
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Second factor (TOTP, django-otp; ecuapass.officers.second_factor): mandatory for SENAE
# officers, optional for operators, mandatory for representatives when this is on.
REQUIRE_TOTP_FOR_REPRESENTATIVES = env.bool("REQUIRE_TOTP_FOR_REPRESENTATIVES", default=False)
OTP_TOTP_ISSUER = "ECUAPASS"

# The database, one row per session with its user's id: a request reads both in one query
# (accounts.sessions, ADR 0020).
SESSION_ENGINE = "ecuapass.accounts.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
# Idle timeout: a request extends the session when its last renewal is older than
# SESSION_TOUCH_SECONDS (accounts.session_lifetime), not with an UPDATE on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = env.int("SESSION_TOUCH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_WARNING_SECONDS = env.int("SESSION_IDLE_WARNING_SECONDS", default=120)
# Absolute lifetime: a session ends this long after its login however active it is
# (accounts.session_lifetime).
SESSION_ABSOLUTE_HOURS = env.float("SESSION_ABSOLUTE_HOURS", default=12)

# The client's address (rate limits, login lockout): X-Forwarded-For is believed only from
# these proxies (addresses or networks, comma-separated), see core.client_ip.
TRUSTED_PROXIES = [item.strip() for item in env.list("TRUSTED_PROXIES", default=[]) if item.strip()]

# django-axes: the lockout is the user's (RUC + ID Usuario), whatever the address the attempts
# come from, see accounts.lockout. Addresses are limited apart: LOGIN_ADDRESS_LIMIT failed
# logins per LOGIN_ADDRESS_WINDOW_MINUTES from one client address, whatever the user.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
LOGIN_ADDRESS_LIMIT = env.int("LOGIN_ADDRESS_LIMIT", default=20)
LOGIN_ADDRESS_WINDOW_MINUTES = env.int("LOGIN_ADDRESS_WINDOW_MINUTES", default=15)
# axes warns when its lock ignores the address (W006): here that is the design — the lock is
# the user's, and addresses are limited apart by LOGIN_ADDRESS_LIMIT (accounts.lockout).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "ecuapass.accounts.lockout.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ecuapass.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "ecuapass.core.client_ip.client_ip"  # the API throttle's rule
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Guayaquil"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Request bodies and uploads (ecuapass.core.uploads) ---------------------
# Fields other than files: a 999-item DAI with 500-character descriptions is about 3 MB of
# XML; the portal's 999-row item grid posts about 15,000 fields (Django's default is 1,000).
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
# A file: the largest a view accepts unless it declares its own (@upload_limit); larger file
# parts stop being stored at the limit and the form says so on its field.
ECUAPASS_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "ecuapass.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Static files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- E-mail ------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ECUAPASS <no-responder@ecuapass.local>")

# --- Security (local defaults; production hardens in settings_production) ----
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ecuapass.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["ecuapass.api.parsers.SafeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "ecuapass.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["ecuapass.api.throttling.ApiThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "public": env.str("API_PUBLIC_RATE", default="120/min"),
        "operator": env.str("API_OPERATOR_RATE", default="600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ECUAPASS API",
    "DESCRIPTION": "API de la ventanilla única aduanera para el software de los OCE.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Shared by every web and worker process (unread badges): the database by default, Redis
# when REDIS_URL is set. Rate-limit counters (ratelimit.windows) use Redis too when it is set,
# otherwise their own table (the database cache cannot increment atomically).
CACHES = {
    "default": {
        # Django's database cache with one statement per write (core.cache).
        "BACKEND": "ecuapass.core.cache.DatabaseCache",
        "LOCATION": "ecuapass_cache",
    }
}
if env.str("REDIS_URL", default=""):
    # Redis away: reads miss and writes are dropped, the portal goes on (ecuapass.ops.cache).
    CACHES["default"] = {
        "BACKEND": "ecuapass.ops.cache.ResilientRedisCache",
        "LOCATION": env.str("REDIS_URL"),
        "OPTIONS": {
            "socket_connect_timeout": env.float("REDIS_TIMEOUT", default=0.5),
            "socket_timeout": env.float("REDIS_TIMEOUT", default=0.5),
        },
    }

# Structured logs ship the audit trail (status changes, sign-ins, failed sign-ins, back office
# changes) and the job/request correlation lines (ops.observability) whatever LOG_LEVEL; the
# local console (plain format) keeps them out.
SHIPPED_LOGGERS = {"ecuapass.audit": {"level": "INFO"}, "ecuapass.ops": {"level": "INFO"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # LOG_FORMAT=json: one JSON object per line with the request id / job id (ecuapass.ops).
    "formatters": {"json": {"()": "ecuapass.ops.jsonlog.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if env.str("LOG_FORMAT", default="") == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "django_tasks": {"level": "INFO"},
        **(SHIPPED_LOGGERS if env.str("LOG_FORMAT", default="") == "json" else {}),
    },
}

# --- Operations (ecuapass.ops) -----------------------------------------------
# /metrics: straight from these networks, or with «Authorization: Bearer METRICS_TOKEN».
METRICS_ALLOWED_NETWORKS = [
    item.strip()
    for item in env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
    if item.strip()
]
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Errors to Sentry when a DSN is set (web and worker), no personal data.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)

# Product settings.
ECUAPASS_SAMPLE_TARIFF_LABEL = _("tarifa de muestra — no oficial")
ADMIN_URL = env.str("ADMIN_URL", default="backoffice/")
# Public tariff reads (search API, 2.1.1) re-read the tariff's version at most this often
# (seconds): a change made by another process shows there within it (tariff.version).
ECUAPASS_TARIFF_VERSION_MAX_AGE = env.float("TARIFF_VERSION_MAX_AGE", default=2)

# Despacho and aforo (ecuapass.despacho): the plazo of an aforo in business days per canal
# (weekends and Ecuador's public holidays do not count), the operators' digitised documents
# (PDF/JPEG/PNG, stored outside the web root).
ECUAPASS_AFORO_PLAZOS = {
    "electronico": env.int("AFORO_PLAZO_ELECTRONICO", default=1),
    "documental": env.int("AFORO_PLAZO_DOCUMENTAL", default=1),
    "fisico_no_intrusivo": env.int("AFORO_PLAZO_FISICO_NO_INTRUSIVO", default=2),
    "fisico_intrusivo": env.int("AFORO_PLAZO_FISICO_INTRUSIVO", default=2),
}
ECUAPASS_AFORO_PLAZO_DEFAULT = 2
ECUAPASS_UPLOADS_DIR = Path(env.path("ECUAPASS_UPLOADS_DIR", default=VAR_DIR / "uploads"))
ECUAPASS_SOPORTE_MAX_BYTES = int(env.float("SOPORTE_MAX_MB", default=10) * 1024 * 1024)
# Operators see the officer's role on the trámite's timeline; the name only when this is on.
ECUAPASS_OPERATORS_SEE_OFFICER_NAMES = env.bool("OPERATORS_SEE_OFFICER_NAMES", default=False)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "ResultadoAforoEnum": "ecuapass.despacho.models.Resultado",
        "ResultadoInspeccionEnum": "ecuapass.despacho.models.Inspection.Outcome",
    }
)
# Corrections requested by the operator (ecuapass.correcciones): the term, in days from the
# levante (salida autorizada), within which a declaración sustitutiva may be filed.
ECUAPASS_SUSTITUTIVA_PLAZO_DIAS = env.int("SUSTITUTIVA_PLAZO_DIAS", default=365)
WHITENOISE_USE_FINDERS = True  # local: serve app static files without collectstatic
