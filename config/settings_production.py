"""Production profile: everything local defaults leave open is closed here."""

import os

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY es obligatorio en producción.")
SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
WHITENOISE_USE_FINDERS = False
# Load balancers and monitoring call the nodes directly over HTTP (HAProxy terminates TLS):
# the health checks and the metrics are not redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz", r"^metrics$"]
# Structured logs (ecuapass.ops.jsonlog) unless LOG_FORMAT says otherwise.
if os.environ.get("LOG_FORMAT", "json") == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
    LOGGING.setdefault("formatters", {})["json"] = {"()": "ecuapass.ops.jsonlog.JsonFormatter"}  # noqa: F405
