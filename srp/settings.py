"""srp settings: one module, read from the environment (see .env.example)."""

from __future__ import annotations

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from srp.site_url import site_url_from

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def env_switch(name: str, *, default: bool) -> bool:
    """A true/false setting that protection depends on.

    Unset means the default. django-environ reads an empty value, or a typo such as "ture", as
    false, which would silently turn the protection off; here both are refused instead.
    """
    raw = env.ENVIRON.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"true", "1", "yes", "on"}:
        return True
    if value in {"false", "0", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} is set to {raw!r}: write true or false, or remove the line to use the "
        f"default ({str(default).lower()})."
    )


def env_count(name: str, *, default: int) -> int:
    """A whole number (0 or more) that protection depends on; empty or unclear is refused."""
    raw = env.ENVIRON.get(name)
    if raw is None:
        return default
    value = raw.strip()
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(
            f"{name} is set to {raw!r}: write a whole number, or remove the line to use the "
            f"default ({default})."
        )
    return int(value)


DEBUG = env.bool("DEBUG", default=False)
# A development key is only acceptable while DEBUG is on; production must set SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "dev-only-insecure-key-srp"  # noqa: S105 - used only with DEBUG on
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Emails, QR codes and PDFs link here: SITE_URL when set, else http://HOST:PORT, where
# `make run` serves (srp/site_url.py).
SITE_URL = site_url_from(env.ENVIRON)
SITE_NAME = env.str("SITE_NAME", default="School Safety Program")

INSTALLED_APPS = [
    "srp.apps.SrpAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "srp.apps.SrpConfig",
    "sis",
    "agreements",
    "complaints",
    "incidents",
    "notices",
    "reports",
    "notifications",
    "retention",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (srp/logging.py), and one access line.
    "srp.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "srp.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # A NUL byte or invalid UTF-8 anywhere in the request: 400, before the session is read.
    "srp.hostile_input.HostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "srp.middleware.ScopeMiddleware",
    "srp.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Answers a @ratelimit(block=True) refusal with RATELIMIT_VIEW (429), not a bare 403.
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "srp.urls"
WSGI_APPLICATION = "srp.wsgi.application"
ASGI_APPLICATION = "srp.asgi.application"

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
                "srp.context_processors.srp",
                "notifications.context_processors.waiting",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "srp.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "srp:dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Lockout after repeated failures (SPEC R-24).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Failures are counted per account *and* client address (srp/client_ip.py, which the rate limits
# read too), so guesses from elsewhere never lock the real user out.
AXES_CLIENT_IP_CALLABLE = "srp.client_ip.client_ip"

OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="srp")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploads are private: there is no MEDIA_URL route; every file is served by a checked view.
STORAGES = {
    "default": {
        "BACKEND": env.str(
            "DEFAULT_FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": {},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# Without collectstatic (development, tests) WhiteNoise serves straight from static/.
WHITENOISE_USE_FINDERS = not env.bool("STATIC_MANIFEST", default=not DEBUG)
if STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage":
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Sessions live in the database so that any app server can answer any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 10
# Per-process by default: fine for one server process; set CACHE_URL (database or Redis) for
# several (rate limits, cached figures; see srp/cache.py).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://srp")}
if CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] in {"LocMemCache", "DatabaseCache"}:
    # Django's default of 300 entries is a few pages' worth of cached figures and rows.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault(
        "MAX_ENTRIES", env.int("CACHE_MAX_ENTRIES", default=50_000)
    )

# Email: every message is written to the outbox table in the request's transaction and sent
# later by `manage.py send_queued_email` through the delivery backend (SPEC R-27).
EMAIL_BACKEND = "srp.outbox.OutboxEmailBackend"
SRP_DELIVERY_EMAIL_BACKEND = env.str(
    "DELIVERY_EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="srp@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# Sent emails that hold a private link (a complaint's status link, a password link) have their
# text removed this many days after sending.
OUTBOX_PURGE_DAYS = env.int("OUTBOX_PURGE_DAYS", default=30)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers. HTTPS settings are on whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# An empty or unclear value is refused (env_switch, env_count) rather than read as "off".
SECURE_SSL_REDIRECT = env_switch("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_switch("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_switch("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_count("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_switch("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_switch("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Probes from the load balancer or orchestrator speak plain HTTP to the app server itself.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
BEHIND_PROXY = env_switch("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# How many reverse proxies stand in front of the app, each setting or appending X-Forwarded-For;
# the client address is read that many entries from the header's right (srp/client_ip.py).
# 0 ignores the header (anyone could send it). The app must not be reachable around the proxy.
TRUSTED_PROXY_COUNT = env_count("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)

# Content Security Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Public forms: per-IP limits (SPEC R-25); the benchmark raises them through the environment.
RATELIMIT_ENABLE = env_switch("RATELIMIT_ENABLE", default=True)
RATELIMIT_PUBLIC_POST = env.str("RATELIMIT_PUBLIC_POST", default="10/h")
RATELIMIT_PUBLIC_GET = env.str("RATELIMIT_PUBLIC_GET", default="120/m")
# Password reset: per address asked for (whether or not an account has it) and per client.
RATELIMIT_PASSWORD_RESET_EMAIL = env.str("RATELIMIT_PASSWORD_RESET_EMAIL", default="3/h")
RATELIMIT_PASSWORD_RESET_IP = env.str("RATELIMIT_PASSWORD_RESET_IP", default="20/h")
# Second-factor codes: per signed-in user and per client, on top of django-otp's own back-off.
RATELIMIT_SECOND_FACTOR = env.str("RATELIMIT_SECOND_FACTOR", default="10/15m")
RATELIMIT_VIEW = "srp.views.ratelimited"
# The same client address as the sign-in lockout; never a raw header that could fail to parse.
RATELIMIT_IP_META_KEY = "srp.client_ip.client_ip"

# manage.py run_worker: the daily reminders from this local time; emails sent per pass.
WORKER_REMINDERS_AT = env.str("WORKER_REMINDERS_AT", default="06:15")
try:
    datetime.time.fromisoformat(WORKER_REMINDERS_AT)
except ValueError as exc:
    raise ImproperlyConfigured(
        f"WORKER_REMINDERS_AT is {WORKER_REMINDERS_AT!r}: write a time such as 06:15."
    ) from exc
WORKER_BATCH_SIZE = env_count("WORKER_BATCH_SIZE", default=50)

# /health/ready reports the outbox as stale when an unsent email is older than this.
HEALTH_OUTBOX_MAX_AGE_SECONDS = env_count("HEALTH_OUTBOX_MAX_AGE_SECONDS", default=1800)

# The benchmark's floor view is served only when this is set (see bench/).
BENCHMARK_FLOOR_VIEW = env.bool("BENCHMARK_FLOOR_VIEW", default=False)

# One JSON object per line (or text with LOG_FORMAT=text, the default with DEBUG on), each with
# the request's id; email addresses and telephone numbers are scrubbed on the way out. Code logs
# record numbers and counts, never names, addresses, narratives or student numbers.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT is {LOG_FORMAT!r}: write json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "srp.logging.RequestIdFilter"},
        "personal_data": {"()": "srp.logging.PersonalDataFilter"},
    },
    "formatters": {
        "json": {"()": "srp.logging.JsonFormatter"},
        "text": {"()": "srp.logging.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One line per request; LOG_REQUESTS=false leaves them to nginx's access log.
        "srp.request": {"level": "INFO" if env.bool("LOG_REQUESTS", default=True) else "WARNING"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        # 403 and 404 are answers, not faults; real errors (500) are still logged.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
    },
}

# Error reports to Sentry (pip install '.[sentry]'): personal data off, events scrubbed by
# srp.logging.sentry_before_send.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from srp.logging import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=None),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
