"""Settings for ECUAPASS, read from the environment.

Local defaults need nothing: SQLite under ``var/``, a secret key generated once
and kept under ``var/``, mail to the console. ``config.settings_production``
hardens these for deployment.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ECUAPASS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret_key() -> str:
    """A key generated on first use and kept under var/ (local use only)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ecuapass.accounts.session_lifetime.SessionLifetimeMiddleware",  # SESSION_ABSOLUTE_HOURS
    "django_otp.middleware.OTPMiddleware",
    "ecuapass.officers.middleware.SecondFactorMiddleware",  # the OTP step after the password
    "ecuapass.registro.middleware.AnnualUpdateMiddleware",  # overdue annual update: confirm first
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
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
            "string_if_invalid": os.environ.get("TEMPLATE_STRING_IF_INVALID", ""),
        },
    }
]

# --- Database -----------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "ecuapass.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ---------------------------------------------------------
# The job row is written by the ORM in the same transaction as the document it
# processes (ADR 0002); `manage.py run_worker` runs them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "edocs", "notifications"],
    }
}
# Workers (`manage.py run_worker`) beat every few seconds; one silent for longer than
# WORKER_STALE_SECONDS (or stopped) is dead and the job it held goes back to the queue.
# Jobs failed for a transient reason are retried up to JOB_MAX_ATTEMPTS times; /healthz
# answers 503 when no worker is fresh or a ready job waits longer than QUEUE_MAX_AGE_SECONDS.
ECUAPASS_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "5"))
ECUAPASS_WORKER_STALE_SECONDS = float(os.environ.get("WORKER_STALE_SECONDS", "30"))
ECUAPASS_WORKER_RECOVERY_SECONDS = float(os.environ.get("WORKER_RECOVERY_SECONDS", "10"))
ECUAPASS_UNTRACKED_JOB_SECONDS = 600  # a RUNNING job of a worker without heartbeat (db_worker)
ECUAPASS_JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "5"))
ECUAPASS_QUEUE_MAX_AGE_SECONDS = float(os.environ.get("QUEUE_MAX_AGE_SECONDS", "300"))
ECUAPASS_JOB_RECOVERY_HOOKS = ["ecuapass.edocs.recovery.recover_stalled"]
# DAI prints (dai.pdf, liquidacion.pdf) of more items than this are rendered by a worker, never
# in a web request (WeasyPrint lays out a page in a fraction of a second to a second): the page
# says "Generando…" and serves the file once ready, from PRINTS_DIR (no URL serves that folder).
ECUAPASS_PDF_SYNC_MAX_ITEMS = int(os.environ.get("PDF_SYNC_MAX_ITEMS", "25"))
ECUAPASS_PRINTS_DIR = Path(os.environ.get("ECUAPASS_PRINTS_DIR", VAR_DIR / "impresiones"))

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
REQUIRE_TOTP_FOR_REPRESENTATIVES = env_bool("REQUIRE_TOTP_FOR_REPRESENTATIVES", False)
OTP_TOTP_ISSUER = "ECUAPASS"

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
# Idle timeout: a request extends the session when its last renewal is older than
# SESSION_TOUCH_SECONDS (accounts.session_lifetime), not with an UPDATE on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = int(os.environ.get("SESSION_TOUCH_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_WARNING_SECONDS = int(os.environ.get("SESSION_IDLE_WARNING_SECONDS", "120"))
# Absolute lifetime: a session ends this long after its login however active it is
# (accounts.session_lifetime).
SESSION_ABSOLUTE_HOURS = float(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))

# The client's address (rate limits, login lockout): X-Forwarded-For is believed only from
# these proxies (addresses or networks, comma-separated), see core.client_ip.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# django-axes: the lockout is the user's (RUC + ID Usuario), whatever the address the attempts
# come from, see accounts.lockout. Addresses are limited apart: LOGIN_ADDRESS_LIMIT failed
# logins per LOGIN_ADDRESS_WINDOW_MINUTES from one client address, whatever the user.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
LOGIN_ADDRESS_LIMIT = int(os.environ.get("LOGIN_ADDRESS_LIMIT", "20"))
LOGIN_ADDRESS_WINDOW_MINUTES = int(os.environ.get("LOGIN_ADDRESS_WINDOW_MINUTES", "15"))
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
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ECUAPASS <no-responder@ecuapass.local>")

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
        "public": os.environ.get("API_PUBLIC_RATE", "120/min"),
        "operator": os.environ.get("API_OPERATOR_RATE", "600/min"),
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
if os.environ.get("REDIS_URL"):
    # Redis away: reads miss and writes are dropped, the portal goes on (ecuapass.ops.cache).
    CACHES["default"] = {
        "BACKEND": "ecuapass.ops.cache.ResilientRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "OPTIONS": {
            "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
            "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
        },
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # LOG_FORMAT=json: one JSON object per line with the request id / job id (ecuapass.ops).
    "formatters": {"json": {"()": "ecuapass.ops.jsonlog.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if os.environ.get("LOG_FORMAT") == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"django_tasks": {"level": "INFO"}},
}

# Product settings.
ECUAPASS_SAMPLE_TARIFF_LABEL = _("tarifa de muestra — no oficial")
ADMIN_URL = os.environ.get("ADMIN_URL", "backoffice/")

# Despacho and aforo (ecuapass.despacho): the plazo of an aforo in business days per canal
# (weekends and Ecuador's public holidays do not count), the operators' digitised documents
# (PDF/JPEG/PNG, stored outside the web root).
ECUAPASS_AFORO_PLAZOS = {
    "electronico": int(os.environ.get("AFORO_PLAZO_ELECTRONICO", "1")),
    "documental": int(os.environ.get("AFORO_PLAZO_DOCUMENTAL", "1")),
    "fisico_no_intrusivo": int(os.environ.get("AFORO_PLAZO_FISICO_NO_INTRUSIVO", "2")),
    "fisico_intrusivo": int(os.environ.get("AFORO_PLAZO_FISICO_INTRUSIVO", "2")),
}
ECUAPASS_AFORO_PLAZO_DEFAULT = 2
ECUAPASS_UPLOADS_DIR = Path(os.environ.get("ECUAPASS_UPLOADS_DIR", VAR_DIR / "uploads"))
ECUAPASS_SOPORTE_MAX_BYTES = int(float(os.environ.get("SOPORTE_MAX_MB", "10")) * 1024 * 1024)
# Operators see the officer's role on the trámite's timeline; the name only when this is on.
ECUAPASS_OPERATORS_SEE_OFFICER_NAMES = env_bool("OPERATORS_SEE_OFFICER_NAMES", False)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "ResultadoAforoEnum": "ecuapass.despacho.models.Resultado",
        "ResultadoInspeccionEnum": "ecuapass.despacho.models.Inspection.Outcome",
    }
)
# Corrections requested by the operator (ecuapass.correcciones): the term, in days from the
# levante (salida autorizada), within which a declaración sustitutiva may be filed.
ECUAPASS_SUSTITUTIVA_PLAZO_DIAS = int(os.environ.get("SUSTITUTIVA_PLAZO_DIAS", "365"))
WHITENOISE_USE_FINDERS = True  # local: serve app static files without collectstatic
