"""Settings read from the environment (12-factor, django-environ).

The defaults give the embedded installation: an SQLite file under ``data/`` and Celery tasks that run
in-process. Set ``DATABASE_URL`` and ``REDIS_URL`` for PostgreSQL and a real broker. ``DEBUG`` is off
unless the environment turns it on; the demo's settings (``config.settings.local``) turn it on, and
``config.settings.production`` refuses it.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / "data"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# How many reverse proxies of our own stand in front of Fondos: the client's address is read that many
# places from the right of X-Forwarded-For (security/client.py); 0 ignores the header.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "organizations",
    "funds",
    "applications",
    "disbursements",
    "letters",
    "notifications",
    "reporting",
    "portal",
    "listing",
    "security",
    "backups",
    "opendata",
    "calls",
    "dashboard",
    "donors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "security.middleware.SecurityHeadersMiddleware",
    # Static files are served by the application itself (from STATIC_ROOT, filled by collectstatic), so
    # a deployment needs no separate web server; the two middleware above set their headers too.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "security.middleware.NoStoreWhenAuthenticatedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organizations.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "security.middleware.TwoFactorMiddleware",
    "donors.permissions.DonorPagesMiddleware",
    "security.middleware.DatabaseUnavailableMiddleware",
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
            ],
        },
    },
]

EMBEDDED_DATABASE_URL = f"sqlite:///{DATA_DIR / 'fondos.sqlite3'}"


def database(url: str) -> dict:
    """Django's settings for the database at ``url``, tuned for its engine."""
    config = environ.Env.db_url_config(url)
    config["ATOMIC_REQUESTS"] = False
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL and a busy timeout let the web process and in-process tasks share the file safely.
        config.setdefault("OPTIONS", {}).update(
            {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
        )
    else:
        config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database(env.str("DATABASE_URL", default=EMBEDDED_DATABASE_URL))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
# Django's password check, locked out after repeated failures (organizations/accounts.py).
AUTHENTICATION_BACKENDS = ["organizations.accounts.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Roles whose holders must use two-factor sign-in (security/two_factor.py); empty: nobody must.
FONDOS_TWO_FACTOR_REQUIRED_ROLES = env.list("FONDOS_TWO_FACTOR_ROLES", default=["administrator", "finance"])
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "es"
LANGUAGES = [
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="America/Tegucigalpa")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded documents and letters live outside the web root and are served only by permission-checked
# views, so MEDIA_URL is never routed.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=DATA_DIR / "media")
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_PERMISSIONS = 0o640
# Where `manage.py backup` (bin/backup) writes when not told otherwise; keep it off the web root.
BACKUP_DIR = env.path("BACKUP_DIR", default=DATA_DIR / "backups")
# Set, backups are encrypted with it (GnuPG, AES-256) and restores decrypt with it: docs/operations.md.
BACKUP_PASSPHRASE = env.str("BACKUP_PASSPHRASE", default="")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FONDOS_MAX_UPLOAD_BYTES = env.int("FONDOS_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Fondos CLAC <fondos@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's public address, for links in e-mails (invitations, password reset, verification).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Open data (opendata/): the 360Giving identifier prefix CLAC registered with 360Giving (grant and
# organisation identifiers start with it), the IATI organisation identifier of the reporting
# organisation (every IATI activity identifier starts with it) and the publisher's name.
FONDOS_OPEN_DATA_PREFIX = env.str("FONDOS_OPEN_DATA_PREFIX", default="360G-CLAC")
FONDOS_IATI_ORGANISATION_ID = env.str("FONDOS_IATI_ORGANISATION_ID", default="XM-CLAC")
FONDOS_OPEN_DATA_PUBLISHER = env.str(
    "FONDOS_OPEN_DATA_PUBLISHER",
    default="Coordinadora Latinoamericana y del Caribe de Pequeños Productores y Trabajadores "
    "de Comercio Justo",
)

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without a broker, tasks run in the calling process (after the transaction commits), so the embedded
# installation needs no server; with REDIS_URL a real worker runs them.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated call gets 401 with WWW-Authenticate, not 403.
        "organizations.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        # A donor's reader reaches its own report only: anywhere else is 404.
        "donors.permissions.DonorReadsOwnReportOnly",
    ],
    # A body that is not a JSON object is a 400 on every endpoint.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_RATES": {"token": "10/min"},
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fondos API",
    "DESCRIPTION": "CLAC's fund management API: funds, organisations, applications, decisions, "
    "disbursements, loans and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The API docs load Swagger UI from Fondos' own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "FundCodeEnum": "funds.models.FundCode",
        "ProductEnum": "organizations.choices.Product",
        "CountryEnum": "organizations.choices.Country",
        "ApplicationStatusEnum": "applications.workflow.Status",
        "LanguageEnum": "organizations.choices.Language",
        "NotificationKindEnum": "notifications.kinds.Kind",
        "LetterStatusEnum": "letters.models.LetterStatus",
        "ProjectReportStatusEnum": "reporting.workflow.ReportStatus",
        "ProjectReportKindEnum": "reporting.workflow.ReportKind",
        "ReportAttachmentKindEnum": "reporting.models.AttachmentKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every rendering step at INFO; only its problems are worth a log line.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
