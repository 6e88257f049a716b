"""Django settings for commonweal, configured by environment variables.

Defaults are safe for production (DEBUG off, no hosts allowed, secure cookies);
`commonweal run` / `make run` sets the demo-mode variables explicitly.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# pytest (>= 8.2) sets PYTEST_VERSION for the run.
TESTING = env_bool("COMMONWEAL_TESTING", False) or "PYTEST_VERSION" in os.environ

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-demo-key-never-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )

# Old keys, comma-separated, kept for a while after a rotation (Django's setting): signed
# cookies and the registrations' derived private links keep working (docs/programs.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Where SQLite databases, reports and uploads live unless told otherwise.
DATA_DIR = Path(os.environ.get("COMMONWEAL_DATA_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "commonweal.accounts",
    "commonweal.directory",
    "commonweal.referrals",
    "commonweal.screening",
    "commonweal.insights",
    "commonweal.partnerships",
    "commonweal.programs",
    "commonweal.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "commonweal.web.database_down.DatabaseDownMiddleware",  # 503 + crisis lines, no DB
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "commonweal.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "commonweal.web.idle_sessions.IdleSessionMiddleware",
    "csp.middleware.CSPMiddleware",
    "commonweal.web.security_headers.PermissionsPolicyMiddleware",
    "commonweal.db_router.InsightsReadReplicaMiddleware",  # their reads to a replica, if any
]

ROOT_URLCONF = "commonweal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commonweal.web.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "commonweal.wsgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Seconds a web or worker process keeps its database connection open between requests;
# checked before reuse (CONN_HEALTH_CHECKS), so a restarted database server costs one
# failed check, not a failed request.
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "60"))
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "commonweal.sqlite3",
            # WAL lets readers go on while the worker or an import writes;
            # IMMEDIATE transactions avoid "database is locked" on lock upgrade.
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

# A read replica (PostgreSQL streaming replication) for the heavy reads: directory search
# and insights go there, everything else and every write to the primary
# (commonweal/db_router.py). READ_REPLICA is its alias, empty when there is none.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
READ_REPLICA = ""
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
    )
    # Tests see one database: the replica stands for the primary there.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    READ_REPLICA = "replica"
DATABASE_ROUTERS = ["commonweal.db_router.ReadReplicaRouter"]


def cache_from_url(url: str, *, default_locmem: bool) -> dict[str, object]:
    """The CACHES["default"] entry for CACHE_URL: `db://[table]`, `redis://…`,
    `rediss://…`, `locmem://`, or empty for the default (locmem in demo mode and tests,
    the database otherwise)."""
    scheme, _, rest = url.partition("://")
    scheme = scheme.lower()
    if not url:
        scheme = "locmem" if default_locmem else "db"
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme == "db":
        return {
            "BACKEND": "commonweal.lib.database_cache.DatabaseCache",
            "LOCATION": rest.strip("/") or "commonweal_cache",
            # Django's default (300) culls a third of the rows once reached: rate-limit
            # counts of busy addresses would be forgotten early.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    # Only the scheme: the rest may hold a password.
    raise ImproperlyConfigured(
        f"CACHE_URL: unknown scheme {scheme!r}; use db://, redis://, rediss:// or locmem://."
    )


# Rate limits (lib/rate_limit, the API's anonymous throttle) count in the cache, so every
# web process must share it: a per-process memory cache would let each process count alone.
# The database cache needs its table: `commonweal createcachetable` (serve runs it).
CACHES = {
    "default": cache_from_url(os.environ.get("CACHE_URL", ""), default_locmem=DEBUG or TESTING)
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing cost is not what the tests measure; argon2 stays the production hasher.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login rate limit: after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is locked out for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_TIME", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False  # never store passwords or usernames beyond the lockout

# Two-step sign-in (TOTP) for everyone who can see person data (accounts/two_factor.py).
# The demo logins are exempt in demo mode only, and every page says so there.
COMMONWEAL_REQUIRE_2FA = env_bool("COMMONWEAL_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = os.environ.get("SITE_NAME", "commonweal")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
# The directory's local time zone: HSDS schedules without an offset are read in it.
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
# commonweal/static (site CSS, vendored htmx) is not an app's static folder, so list it.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    # WhiteNoise warns on every start when STATIC_ROOT is missing; in demo mode and tests
    # files come from the finders, so an empty folder is all it needs.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# Production hardening: on unless DEBUG; `SECURE_SSL_REDIRECT=false` behind a proxy
# that already redirects.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not (DEBUG or TESTING))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG or TESTING else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not (DEBUG or TESTING)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# A load balancer probes the web servers over plain http (commonweal/web/health.py).
SECURE_REDIRECT_EXEMPT = [r"^(livez|readyz|healthz)$"]
# How many reverse proxies (each appending to X-Forwarded-For) stand in front of the
# server; the client address for the audit log, the login lockout and API throttling
# is read that many hops from the right.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1" if BEHIND_PROXY else "0"))
AXES_CLIENT_IP_CALLABLE = "commonweal.accounts.audit.client_ip"
NINJA_NUM_PROXIES = TRUSTED_PROXY_COUNT
# HSTS preload is a one-way commitment for the whole domain: a deployment opts in itself.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end after inactivity, not after a fixed time: every request renews the cookie.
# SESSION_COOKIE_AGE is the idle limit for residents' own accounts; anyone who can see
# person data (staff roles, superusers) is signed out after SESSION_IDLE_SECONDS idle
# (commonweal/web/idle_sessions.py).
SESSION_SAVE_EVERY_REQUEST = True
# Sessions live in the database; with Redis as the cache,
# `django.contrib.sessions.backends.cached_db` reads them from the cache first.
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.db")
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 8)))
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
# htmx sends the token from the forms' {% csrf_token %} field, never from the cookie,
# so scripts need not read it.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# "Use my location" on the search page needs geolocation on our own origin; nothing else.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self)"
# No inline script or style anywhere: htmx is told not to inject its indicator style and
# never to evaluate code (base.html). Django's admin complies as it is, and the API docs are
# our own page, so no view needs an override (tests/e2e/test_content_security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Error reports (mail to ADMINS, DEBUG off) show no request data or local variables:
# they may hold a person's name, notes or answers (commonweal/web/log_privacy.py).
DEFAULT_EXCEPTION_REPORTER = "commonweal.web.log_privacy.PersonSafeExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "commonweal.web.log_privacy.PersonSafeReporterFilter"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "commonweal@localhost")
# The SMTP server (Django's settings of the same names).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Who gets the (person-free) error reports, and the address they come from.
ADMINS = [(address, address) for address in env_list("ADMINS")]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

SITE_NAME = os.environ.get("SITE_NAME", "commonweal")
# Where people report an accessibility barrier (/accessibility/): an email address or a URL.
COMMONWEAL_ACCESSIBILITY_CONTACT = os.environ.get("COMMONWEAL_ACCESSIBILITY_CONTACT", "")

# Requests per address that an anonymous caller may make to the public HSDA API.
HSDA_ANON_RATE = os.environ.get("HSDA_ANON_RATE", "100000/min" if TESTING else "300/min")

# A folder of local questionnaire definitions (JSON) added beside the bundled instruments.
COMMONWEAL_INSTRUMENTS_DIR = os.environ.get("COMMONWEAL_INSTRUMENTS_DIR") or None

# Texting a list of services to a client (commonweal/lib/sms.py): "console" (masked, the
# default in DEBUG and tests), "file", "twilio", or "" (off: the pages do not offer it).
COMMONWEAL_SMS_BACKEND = os.environ.get(
    "COMMONWEAL_SMS_BACKEND", "console" if DEBUG or TESTING else ""
)
COMMONWEAL_SMS_FILE_PATH = os.environ.get("COMMONWEAL_SMS_FILE_PATH", str(DATA_DIR / "sms"))
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")

# Semantic matching fused with the text rank: needs `pip install commonweal[semantic]`.
# Off by default: on the labelled set it lowers Spanish relevance (benchmarks/RESULTS.md).
COMMONWEAL_SEMANTIC_SEARCH = env_bool("COMMONWEAL_SEMANTIC_SEARCH", False)

# The gap analysis map (insights/gaps): a Leaflet tile URL template such as
# "https://{s}.tile.example.org/{z}/{x}/{y}.png" adds streets under the server-drawn map
# when JavaScript is on; empty (the default) means no tiles and no third-party request.
# Its attribution (HTML, as the tile provider's terms require) is shown on the map.
COMMONWEAL_MAP_TILE_URL = os.environ.get("COMMONWEAL_MAP_TILE_URL", "")
COMMONWEAL_MAP_TILE_ATTRIBUTION = os.environ.get("COMMONWEAL_MAP_TILE_ATTRIBUTION", "")
# The kinds of service whose least-served areas the partnership report shows (taxonomy codes;
# Open Eligibility's Food, Housing and Health by default).
COMMONWEAL_REPORT_GAP_CATEGORIES = [
    code.strip()
    for code in os.environ.get("COMMONWEAL_REPORT_GAP_CATEGORIES", "1102,1103,1106").split(",")
    if code.strip()
]

# Field encryption at rest (commonweal/lib/encryption.py): comma-separated Fernet keys,
# newest first. Empty in DEBUG or tests means a development key derived from SECRET_KEY;
# empty in production is a system check error (commonweal.E001).
ENCRYPTION_KEYS = env_list("COMMONWEAL_ENCRYPTION_KEYS")

# Hours within which a navigator must follow up a screening that started the safety protocol.
COMMONWEAL_SAFETY_FOLLOW_UP_HOURS = int(os.environ.get("COMMONWEAL_SAFETY_FOLLOW_UP_HOURS", "24"))
COMMONWEAL_AGREEMENT_WARNING_DAYS = int(os.environ.get("COMMONWEAL_AGREEMENT_WARNING_DAYS", "60"))
COMMONWEAL_FUNDING_WARNING_DAYS = int(os.environ.get("COMMONWEAL_FUNDING_WARNING_DAYS", "90"))
# What one volunteer hour is worth in the resource ledger (US dollars): logged volunteer
# hours become in-kind contributions at this rate (programs/volunteers.py). Default: the
# national value of volunteer time for 2024, $34.79 an hour, published in April 2025 by
# Independent Sector with the University of Maryland's Do Good Institute (average hourly
# earnings of non-farm, non-supervisory workers, BLS, plus 12% for benefits). Update it
# each April, or use your state's figure from the same source.
COMMONWEAL_VOLUNTEER_HOUR_VALUE = os.environ.get("COMMONWEAL_VOLUNTEER_HOUR_VALUE", "34.79")

# A sent referral with no answer after this many days, or an accepted one with no progress,
# comes first on the navigator's worklist as overdue.
REFERRAL_NO_RESPONSE_DAYS = int(os.environ.get("REFERRAL_NO_RESPONSE_DAYS", "3"))
REFERRAL_NO_PROGRESS_DAYS = int(os.environ.get("REFERRAL_NO_PROGRESS_DAYS", "14"))

# Retention (referrals/retention.py, daily in the worker): closed referrals and screenings
# are deleted this many days after they closed / were taken, leaving de-identified counts.
# Seven years by default, the longest common US record-keeping rule; 0 keeps them for ever.
RETENTION_CLOSED_REFERRAL_DAYS = int(os.environ.get("RETENTION_CLOSED_REFERRAL_DAYS", "2555"))
RETENTION_SCREENING_DAYS = int(os.environ.get("RETENTION_SCREENING_DAYS", "2555"))

# The site's own address, for links in emails and texts sent by the worker (no request there).
COMMONWEAL_SITE_URL = os.environ.get("COMMONWEAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The outbox (referrals/outbox.py): first retry after this many seconds, doubling; give up
# after this many attempts; a message caught mid-send longer than the lease is "unknown".
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "6"))
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))

# Request logs name a path, never a query string or a path's own words (a search, a name):
# the filter rewrites them to the URL pattern before any handler, and the admin-mail
# handler is declared here so it gets the filter too.
# When a handler fails (a malformed log call, a closed stream), Python's logging prints the
# record's message *and arguments* and a stack to stderr: that can carry person data past
# every filter. Outside DEBUG a failing handler stays silent instead, as Python's docs
# advise for production.
logging.raiseExceptions = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_person_data": {"()": "commonweal.web.log_privacy.RedactRequestDetails"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_person_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["no_person_data"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "no_person_data"],
        },
    },
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # Its DEBUG records dump whole template contexts (the request, a person's record).
        "django.template": {"level": "INFO"},
        "django.request": {"filters": ["no_person_data"]},
        "django.security.csrf": {"filters": ["no_person_data"]},
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["no_person_data"],
            "level": "INFO",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
