"""Portal KLA settings, read from the environment (see .env.example for every variable)."""

from pathlib import Path

import environ
import xstatic.pkg.bootstrap as xstatic_bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kla_portal.client_address import trusted_proxies_parse

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only"  # noqa: S105 - DEBUG on only
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) refuses to start without it; "
            "set SECRET_KEY in the environment or in .env (see .env.example)."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and SECRET_KEY.startswith("django-insecure-"):
    # A key copied from a development setup or a tutorial is public: sessions could be forged.
    raise ImproperlyConfigured(
        "SECRET_KEY is a development key. Production (DEBUG off) refuses to start with it; "
        "generate a new one (see .env.example)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "kla_portal.apps.PortalAdminConfig",  # django.contrib.admin with the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks.backends.database",
    "clusters",
    "indicators",
    "facilities",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "verification",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Ours (kla_portal/middleware.py): every page is private to its reader (outermost, so
    # refusals are too), a NUL in the address is a 400 before any view runs, and a 403 or 400
    # is logged in one line.
    "kla_portal.middleware.PrivatePagesMiddleware",
    "kla_portal.middleware.RefuseNulMiddleware",
    "kla_portal.middleware.RefusalLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kla_portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Answers 429 to a login refused by the per-address throttle (kla_portal/accounts.py).
    "kla_portal.accounts.LoginThrottleMiddleware",
    # Last, as django-axes asks: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kla_portal.urls"
WSGI_APPLICATION = "kla_portal.wsgi.application"

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

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Reusing PostgreSQL connections is worth ~7x throughput on a small server (DESIGN 6).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Checked before use only after an idle spell (kla_portal/db_health.py), not on every request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DB_HEALTH_CHECK_IDLE_SECONDS = env.int("DB_HEALTH_CHECK_IDLE_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # A per-address check of recent failures, before ModelBackend hashes anything.
    "kla_portal.accounts.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "indicators:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True
# Numbers are grouped the language's way (8.102 / 11.334 in Indonesian) where they are shown:
# indicators.answers.format_number and the `floatformat:"2g"` filter force grouping. Turning
# USE_THOUSAND_SEPARATOR on instead would also group years and ids ("2.026", "?year=2.026").
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic_bootstrap.BASE_DIR)]

# Evidence lives outside any public URL: MEDIA_URL is never routed, files go out only through
# the permission-checked download view.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640

# ---- Evidence quotas (indicators/evidence.py `evidence_add`) ----------------------------------
# Files one submission may carry, and bytes one agency may upload in one period (all its items
# together): a runaway script or a careless operator cannot fill the disk or the bucket.
# Certificates of the register that end within this many days are shown on the supplying
# agency's home and the dashboard, and in the reminders.
FACILITY_EXPIRY_ALERT_DAYS = env.int("FACILITY_EXPIRY_ALERT_DAYS", default=90)
EVIDENCE_MAX_FILES_PER_SUBMISSION = env.int("EVIDENCE_MAX_FILES_PER_SUBMISSION", default=20)
EVIDENCE_MAX_BYTES_PER_AGENCY_PERIOD = env.int(
    "EVIDENCE_MAX_BYTES_PER_AGENCY_PERIOD", default=2 * 1024 * 1024 * 1024
)
if EVIDENCE_MAX_FILES_PER_SUBMISSION < 1 or EVIDENCE_MAX_BYTES_PER_AGENCY_PERIOD < 1:
    raise ImproperlyConfigured(
        "EVIDENCE_MAX_FILES_PER_SUBMISSION and EVIDENCE_MAX_BYTES_PER_AGENCY_PERIOD must be "
        "at least 1."
    )
# ---- end of evidence quotas -------------------------------------------------------------------

# Findings of the ministry's verifiers (verification/): the default time to act, in hours, per
# stage (VL leaves 2x24 hours to upload what is missing), and how long before the due time the
# one reminder goes out.
FINDING_DUE_HOURS = {"vl": 48}
FINDING_DUE_HOURS_DEFAULT = env.int("FINDING_DUE_HOURS_DEFAULT", default=7 * 24)
FINDING_REMINDER_HOURS = env.int("FINDING_REMINDER_HOURS", default=12)
if FINDING_DUE_HOURS_DEFAULT < 1 or FINDING_REMINDER_HOURS < 1:
    raise ImproperlyConfigured("FINDING_DUE_HOURS_DEFAULT and FINDING_REMINDER_HOURS must be >= 1.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files under MEDIA_ROOT; MEDIA_URL is never served, so no evidence has a public URL.
    "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}


def evidence_s3_storage(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    region_name: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    addressing_style: str | None = None,
    expire_seconds: int = 300,
) -> dict:
    """The `evidence` storage on S3-compatible object storage: private objects, short links."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Objects are private; a link handed out is signed and dies after a few minutes.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": expire_seconds,
            "signature_version": "s3v4",
            "file_overwrite": False,
            # A file read (a download, a verification pack) is buffered in memory up to 2 MiB,
            # on the temporary disk beyond: the default keeps whole objects in memory.
            "max_memory_size": 2 * 1024 * 1024,
            # Empty means AWS itself; MinIO, Ceph or a provider's S3 need their URL here.
            "endpoint_url": endpoint_url or None,
            "region_name": region_name or None,
            # None lets boto3 find keys itself (instance roles, ~/.aws) when none are given.
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "addressing_style": addressing_style or None,
        },
    }


EVIDENCE_S3_BUCKET = env.str("EVIDENCE_S3_BUCKET", default="")
if EVIDENCE_S3_BUCKET:
    STORAGES["evidence"] = evidence_s3_storage(
        bucket=EVIDENCE_S3_BUCKET,
        endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default=""),
        region_name=env.str("AWS_S3_REGION_NAME", default=""),
        access_key=env.str("AWS_ACCESS_KEY_ID", default=""),
        secret_key=env.str("AWS_SECRET_ACCESS_KEY", default=""),
        addressing_style=env.str("AWS_S3_ADDRESSING_STYLE", default=""),
        expire_seconds=env.int("AWS_QUERYSTRING_EXPIRE", default=300),
    )

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Portal KLA <noreply@localhost>")
# Shown on the login page: whose portal this is (empty: the region's name when there is only
# one) and whom to ask for help (empty: no helpdesk line), e.g. "DP3AKB, 0542-123456".
PORTAL_REGION_NAME = env.str("PORTAL_REGION_NAME", default="")
HELPDESK_CONTACT = env.str("HELPDESK_CONTACT", default="")


def redis_caches(url: str, *, key_prefix: str = "kla") -> dict:
    """CACHES on Redis with Django's own backend; several sites may share one Redis by prefix."""
    return {
        "default": {
            # Django's backend, with one client per connection pool (kla_portal/redis_cache.py).
            "BACKEND": "kla_portal.redis_cache.PooledRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            # A stalled Redis must fail a request (and /healthz) quickly, not hang a worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = redis_caches(REDIS_URL, key_prefix=env.str("CACHE_KEY_PREFIX", default="kla"))
    # Sessions in Redis so any app server can serve any request.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a computed score stays cached; any change to the period's data replaces it at once.
# Off (0) without Redis: local memory is one cache per gunicorn worker, and a write served by
# one worker would leave another worker's snapshot stale.
SCORE_CACHE_SECONDS = env.int("SCORE_CACHE_SECONDS", default=60 * 60 if REDIS_URL else 0)

# Security (DESIGN 7). HTTPS is on by default in production; off only for plain-HTTP serving.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe /healthz over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No page of the portal is meant to be framed (clickjacking on the review buttons).
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Accounts and abuse (issue 11): client address, lockouts, login throttle, password reset.
# Which proxies' X-Forwarded-For is believed (kla_portal/client_address.py); empty: none, the
# connection's address is the client. A bad entry stops the start-up.
TRUSTED_PROXIES = trusted_proxies_parse(env.str("TRUSTED_PROXIES", default=""))
# axes locks a user name from one client address, never the user everywhere; the address is
# the one the trusted proxies vouch for, not the proxy's own.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours: a locked-out user may try again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "kla_portal.client_address.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
# Failed passwords per client address, whatever the user name, before logins from there are
# refused without hashing for the rest of the window (kla_portal/accounts.py).
LOGIN_THROTTLE_FAILURES = env.int("LOGIN_THROTTLE_FAILURES", default=20)
LOGIN_THROTTLE_SECONDS = env.int("LOGIN_THROTTLE_SECONDS", default=15 * 60)
# Password reset requests per hour: per client address, and mails per email address.
RESET_THROTTLE_PER_ADDRESS = env.int("RESET_THROTTLE_PER_ADDRESS", default=5)
RESET_THROTTLE_PER_EMAIL = env.int("RESET_THROTTLE_PER_EMAIL", default=3)
PASSWORD_RESET_TIMEOUT = 60 * 60  # the reset mail and pages say "one hour"
# Mail that is not delivered (printed, written to files, kept in memory, dropped) would put
# working password-reset links in the server log or nowhere: production refuses it unless
# EMAIL_ALLOW_CONSOLE says so (make serve on loopback does).
UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
EMAIL_ALLOW_CONSOLE = env.bool("EMAIL_ALLOW_CONSOLE", default=False)
if (
    not DEBUG
    and not EMAIL_ALLOW_CONSOLE
    and EMAIL_CONFIG["EMAIL_BACKEND"] in UNDELIVERED_EMAIL_BACKENDS
):
    raise ImproperlyConfigured(
        f"EMAIL_URL sends no mail ({EMAIL_CONFIG['EMAIL_BACKEND']}). Production (DEBUG off) "
        "refuses to start with it: password-reset links would land in the log. Set EMAIL_URL "
        "to your SMTP "
        "server (see .env.example), or EMAIL_ALLOW_CONSOLE=on for a server on loopback only."
    )
# End of accounts and abuse.

# Audit history is for reading: no Revert button (kla_portal/history_admin.py refuses the POST).
SIMPLE_HISTORY_REVERT_DISABLED = True

LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "kla_portal.logging.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "kla_portal.logging.JsonFormatter"},
    },
    # The visitor's address (behind TRUSTED_PROXIES) on every record that carries a request.
    "filters": {"client": {"()": "kla_portal.logging.ClientAddressFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["client"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Background jobs (django-tasks): the verification pack is built by the worker
# (`manage.py db_worker`, a systemd unit in docs/DEPLOY.md; `make run` and `make serve` start
# one), never in the request. TASKS_IMMEDIATE=on runs jobs in the request instead (tests).
TASKS_IMMEDIATE = env.bool("TASKS_IMMEDIATE", default=False)
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASKS_IMMEDIATE
        else "django_tasks.backends.database.DatabaseBackend"
    }
}
# Days a verification pack stays downloadable before it is deleted (indicators/services/packs.py).
VERIFICATION_PACK_DAYS = env.int("VERIFICATION_PACK_DAYS", default=7)
if VERIFICATION_PACK_DAYS < 1:
    raise ImproperlyConfigured("VERIFICATION_PACK_DAYS must be at least 1.")
# The API (issue 20, api/): tokens only (session only for the docs page), JSON only, every error
# as problem details (api/exceptions.py), limits per user and per open-data client address.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.SignedIn", "api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.TokenUserThrottle",
        "api.throttling.WriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api": env.str("API_RATE", default="1200/hour"),
        "api_write": env.str("API_WRITE_RATE", default="120/hour"),
        "open_data": env.str("OPEN_DATA_RATE", default="600/hour"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Page",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal KLA API",
    "DESCRIPTION": "Edisi instrumen, wilayah dan periode, isian dan data dukung, nilai setiap "
    "basis, kesiapan, pengiriman nilai dengan aturan impor, dan data terbuka. Lihat docs/API.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its page are for signed-in people (session) and token holders.
    "SERVE_AUTHENTICATION": [
        "api.authentication.TokenAuthentication",  # first, so a visitor without either gets 401
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SERVE_PERMISSIONS": ["api.permissions.SignedIn"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 0, "maximum": 999999999999999999}
    },
    "ENUM_NAME_OVERRIDES": {"SubmissionStatus": "indicators.models.Submission.Status"},
}

# Signs of copied or doubtful data (indicators/selectors/flags.py): a value that moved from last
# year by more than this share (0.5 = 50 %) of last year's, or a percentage by more points.
KLA_FLAG_RELATIVE_CHANGE = env.float("KLA_FLAG_RELATIVE_CHANGE", default=0.5)
KLA_FLAG_PERCENT_POINTS = env.float("KLA_FLAG_PERCENT_POINTS", default=20.0)
