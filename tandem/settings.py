"""Tandem's settings: one module, every value from the environment with a safe default.

SQLite is the embedded default (``var/tandem.sqlite3``); ``DATABASE_URL`` switches to PostgreSQL.
``TANDEM_ENV=production`` turns on the production checks: there, a missing ``SECRET_KEY`` is a
start-up error rather than a silently insecure default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


PRODUCTION = env_str("TANDEM_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production (TANDEM_ENV=production) Tandem refuses to start "
            "without a secret key: set the SECRET_KEY environment variable to a long random string."
        )
    # Only ever used on a developer's machine or in tests; never in production (see above).
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "tandem.core",
    "tandem.onboarding",
    "tandem.intake",
    "tandem.matching",
    "tandem.privacy",
    "tandem.journal",
    "tandem.support",
    "tandem.outcomes",
    # After Tandem's apps, so Tandem's templates and wording take precedence over allauth's.
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, Permissions-Policy, no caching of signed-in pages
    # (see "Production security" below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tandem.core.middleware.SecurityHeadersMiddleware",
    # Before the session is read: a NUL in a cookie, the path or a form field is refused here.
    "tandem.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tandem.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: sends idle sessions to the log-in page and staff without a second factor
    # to its set-up, each with a message (see "Accounts and security" below).
    "tandem.core.middleware.AccountSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tandem.urls"
WSGI_APPLICATION = "tandem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tandem.core.context_processors.tandem",
            ],
        },
    },
]

VAR_DIR = BASE_DIR / "var"
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'tandem.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker use the file at the same time.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("de", _("German")),
]
LANGUAGE_COOKIE_NAME = "tandem_language"
TIME_ZONE = env_str("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
FORMAT_MODULE_PATH = ["tandem.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- E-mail and links ---------------------------------------------------------------------------
# Django 6.1 reads the mail server from MAILERS["default"]["OPTIONS"]; the old EMAIL_HOST-style
# settings are ignored once MAILERS exists, so every variable is mapped here. (Naming only the
# SMTP backend used to crash with "OPTIONS must define 'host'".)
EMAIL_BACKEND_SHORTHANDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def mailers_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """``MAILERS`` from the environment: ``EMAIL_BACKEND`` is ``smtp``, ``console`` (the default
    unless ``EMAIL_HOST`` is set), ``locmem``, ``dummy`` or a dotted path; SMTP takes
    ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``,
    ``EMAIL_USE_TLS`` (STARTTLS, usually port 587), ``EMAIL_USE_SSL`` (usually port 465) and
    ``EMAIL_TIMEOUT`` (seconds, default 30)."""

    def get(name: str, default: str = "") -> str:
        return environ.get(name, default).strip()

    def flag(name: str) -> bool:
        return get(name).lower() in {"1", "true", "yes", "on"}

    name = get("EMAIL_BACKEND") or ("smtp" if get("EMAIL_HOST") else "console")
    backend = EMAIL_BACKEND_SHORTHANDS.get(name.lower(), name)
    if backend != EMAIL_BACKEND_SHORTHANDS["smtp"]:
        return {"default": {"BACKEND": backend}}
    if flag("EMAIL_USE_TLS") and flag("EMAIL_USE_SSL"):
        raise ImproperlyConfigured(
            "EMAIL_USE_TLS and EMAIL_USE_SSL are both set: use TLS (STARTTLS, usually port 587) "
            "or SSL (usually port 465), not both."
        )
    options: dict[str, Any] = {
        "host": get("EMAIL_HOST", "localhost"),
        "username": get("EMAIL_HOST_USER"),
        "password": environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": flag("EMAIL_USE_TLS"),
        "use_ssl": flag("EMAIL_USE_SSL"),
        # A mail server that does not answer must not hold a background worker forever.
        "timeout": int(get("EMAIL_TIMEOUT") or 30),
    }
    if get("EMAIL_PORT"):
        options["port"] = int(get("EMAIL_PORT"))  # else 25, or 587 with TLS, 465 with SSL
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


MAILERS = mailers_from_env(os.environ)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tandem <no-reply@tandem.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address every e-mailed link starts with (invitations, consent, matches, certificates):
# background tasks have no request to take it from. `make demo PORT=…` sets it to its port.
SITE_URL = env_str("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL is not set. In production (TANDEM_ENV=production) every link in an e-mail "
        "starts with it: set SITE_URL to the address people open Tandem at, e.g. "
        "https://tandem.example.org."
    )
# --- end of e-mail and links ----------------------------------------------------------------------

# Background work goes through django.tasks. The database backend needs no extra service; the
# `make demo` server runs a worker beside it. Tests switch to the immediate backend (conftest).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
# An uploaded import file waits this long for its confirmation, then it is deleted.
IMPORT_BATCH_VALID_HOURS = env_int("IMPORT_BATCH_VALID_HOURS", 24)

# --- Privacy (docs/privacy.md) --------------------------------------------------------------------
# A guardian's consent link works this long after it was sent (a new one is a click away).
CONSENT_LINK_VALID_DAYS = env_int("CONSENT_LINK_VALID_DAYS", 30)
# Finished background tasks (sent e-mails, with their addresses) are deleted after this many days
# by `manage.py apply_retention`.
TASK_RESULTS_KEEP_DAYS = env_int("TASK_RESULTS_KEEP_DAYS", 7)
# Every erasure is also written here (ids only, no personal data), outside the database, so that
# after restoring a backup `manage.py replay_erasures` erases again whoever was erased since.
# Keep it on other storage than the database's backups; empty turns it off.
ERASURE_LOG = env_str("ERASURE_LOG", str(VAR_DIR / "erasures.jsonl"))
# --- end of privacy -------------------------------------------------------------------------------

# --- Rate limits of public forms (tandem/core/ratelimit.py; docs/security.md, "Bad input") -------
# Public forms (volunteer application, learner self-registration, guardian's consent): submissions
# per client IP per hour, and valid submissions naming the same e-mail address per day. Over it: a
# 429 page. They count in the cache (CACHES below); the client IP is read as allauth reads it
# (TRUSTED_PROXY_COUNT).
PUBLIC_FORM_LIMIT_PER_IP = env_int("PUBLIC_FORM_LIMIT_PER_IP", 30)
PUBLIC_FORM_LIMIT_PER_ADDRESS = env_int("PUBLIC_FORM_LIMIT_PER_ADDRESS", 3)
# Reads of one private calendar link per hour (tandem.core.calendar; apps poll, people do not).
CALENDAR_FEED_LIMIT_PER_HOUR = env_int("CALENDAR_FEED_LIMIT_PER_HOUR", 60)
# --- end of rate limits of public forms ----------------------------------------------------------


# --- Production security (docs/security.md, "Production") ----------------------------------------
# With TANDEM_ENV=production and the documented variables, `manage.py check --deploy
# --fail-level WARNING` passes with no warning (tandem/core/tests/test_deploy.py).


def proxy_ssl_header_from_env(value: str) -> tuple[str, str] | None:
    """``SECURE_PROXY_SSL_HEADER`` from ``"HEADER,value"``, e.g. ``X-Forwarded-Proto,https`` or
    ``HTTP_X_FORWARDED_PROTO,https``; empty means no proxy header is trusted. Set it only when
    a proxy in front of Tandem always sets (or strips) that header itself."""
    if not value.strip():
        return None
    header, sep, expected = (part.strip() for part in value.partition(","))
    if not sep or not header or not expected or "," in expected:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be a header name and its value separated by a comma, "
            f"e.g. X-Forwarded-Proto,https (got {value!r})."
        )
    header = header.upper().replace("-", "_")
    if not header.startswith("HTTP_"):
        header = f"HTTP_{header}"
    return (header, expected)


SECURE_PROXY_SSL_HEADER = proxy_ssl_header_from_env(env_str("SECURE_PROXY_SSL_HEADER"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# HSTS: browsers refuse plain HTTP for this long once they have seen the site over HTTPS.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything from Tandem's own address; no inline script, style or event handler anywhere
# (tandem/core/tests/test_naming.py). JSON data blocks (<script type="application/json">) are
# never executed, so they need no exception; the QR code of the second-factor set-up is a data:
# image. In development too, so a violation shows up before it reaches production.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features no page of Tandem uses, refused for every page (SecurityHeadersMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
# --- end of production security -------------------------------------------------------------------

# --- Accounts and security (docs/security.md) ----------------------------------------------
# Log-in, password reset and change, e-mail verification, rate limits and the second factor
# are django-allauth's; Tandem adds the roles that must use a second factor, idle session
# expiry and the log-in history (tandem/core/accounts.py, tandem/core/middleware.py).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

ACCOUNT_ADAPTER = "tandem.core.accounts.AccountAdapter"
MFA_ADAPTER = "tandem.core.accounts.MFAAdapter"
MFA_FORMS = {
    "authenticate": "tandem.core.accounts.AuthenticateForm",
    "activate_totp": "tandem.core.accounts.ActivateTOTPForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
# Log-ins exist only through invitations (which verify the address) or an administrator; an
# address added or changed later must be confirmed from its mailbox before it counts.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # the reset form sends nothing to unknown addresses
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tandem] "
ACCOUNT_EMAIL_NOTIFICATIONS = True  # "your password was changed", "a second factor was added"
ACCOUNT_SESSION_REMEMBER = False  # sessions end after inactivity, never "remember me"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60) * 60  # reset links work an hour
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Failed log-ins: LOGIN_MAX_FAILURES wrong passwords (or second-factor codes) for one account
# within LOGIN_LOCKOUT_MINUTES lock that account's log-in for the rest of the window, even with
# the right password; 10 failures a minute from one IP address lock that address.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"10/m/ip,{LOGIN_MAX_FAILURES}/{LOGIN_LOCKOUT_MINUTES}m/key",
    "reset_password": "20/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
}
# Honour X-Forwarded-For only behind that many trusted proxies (0: use the socket address).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Tandem")
MFA_TOTP_TOLERANCE = 1  # one 30-second step either side, for phones whose clock drifts
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # security keys on http://127.0.0.1 in development
# Roles that must use a second factor before seeing any page (tandem.core.accounts.STAFF_ROLES):
# organisation admins and coordinators see minors' data. TANDEM_DEMO_MFA_OPTIONAL=1 (set by
# `make demo` only) makes it optional so the printed demo log-ins work; refused in production.
TANDEM_MFA_REQUIRED = not env_bool("TANDEM_DEMO_MFA_OPTIONAL")
if PRODUCTION and not TANDEM_MFA_REQUIRED:
    raise ImproperlyConfigured(
        "TANDEM_DEMO_MFA_OPTIONAL is for the demo only; unset it when TANDEM_ENV=production."
    )

# Sessions end after this much inactivity; shorter for organisation admins and coordinators.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 8 * 60)
SESSION_IDLE_MINUTES_STAFF = env_int("SESSION_IDLE_MINUTES_STAFF", 30)
SESSION_COOKIE_AGE = 60 * max(SESSION_IDLE_MINUTES, SESSION_IDLE_MINUTES_STAFF)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Log-in history kept per user (successes and failures), shown on the account page.
LOGIN_HISTORY_DAYS = env_int("LOGIN_HISTORY_DAYS", 90)

# The one cache: log-in rate limits and used one-time codes (allauth), and the public forms' rate
# limits (PUBLIC_FORM_LIMIT_* above). One process: the default in-memory cache is enough; several
# web processes or machines must share Redis (REDIS_URL or CACHE_URL), or each counts on its own.
CACHE_URL = env_str("CACHE_URL") or env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
         "KEY_PREFIX": "tandem"}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tandem"}
    )
}
# --- end of accounts and security ------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Running for real (docs/deploy.md): task backend, static files, logs, health ---------------
# One block, applied over the values above.

# Background tasks: the database backend (default; `make demo`, one machine) or Redis through
# django-tasks-rq (several workers on several machines). Workers: `manage.py run_worker`.
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "tandem.core.task_backends.RedisBackend",  # django-tasks-rq, see that module
}
_tasks_backend = env_str("TASKS_BACKEND", "database").strip()
TASKS["default"]["BACKEND"] = TASKS_BACKENDS.get(_tasks_backend.lower(), _tasks_backend)
TASKS_REDIS_URL = env_str("TASKS_REDIS_URL") or env_str("REDIS_URL") or "redis://127.0.0.1:6379/0"
# RQ stops a job after DEFAULT_TIMEOUT seconds: a national matching round may take many minutes.
RQ_QUEUES = {
    queue: {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": env_int("TASKS_TIMEOUT", 3600),
            "DEFAULT_RESULT_TTL": 86400,
            # keeps the enqueuing request's id in the job (core.task_backends)
            "QUEUE_CLASS": "tandem.core.task_backends.Queue"}
    for queue in TASKS["default"]["QUEUES"]
}
INSTALLED_APPS += ["django_rq"]  # `manage.py rqworker`, used by run_worker on Redis

# Static files: WhiteNoise serves them from the web processes (no separate file server needed),
# in production with content-hashed names (cached for a year) and gzip + Brotli copies made by
# `manage.py collectstatic`.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
if not DEBUG:  # with DEBUG on (development), runserver serves them from the apps' folders
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Every request gets an id (X-Request-ID, taken from a trusted proxy or made up), answered in the
# response and written in every log line of that request. First, so that every log line has it.
MIDDLEWARE.insert(0, "tandem.core.observability.RequestIdMiddleware")

# Logs: JSON lines in production (one object per line, for a log collector), plain text in
# development; LOG_FORMAT=json|text overrides. No personal data: no query strings, form data,
# names or e-mail addresses (tandem/core/observability.py).
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
LOG_REQUESTS = env_bool("LOG_REQUESTS", default=PRODUCTION)  # one line per request
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "tandem.core.observability.ContextFilter"}},
    "formatters": {
        "json": {"()": "tandem.core.observability.JsonFormatter"},
        "text": {"()": "tandem.core.observability.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Through the root's handler only (Django's own would print a second, unfiltered copy).
        "django": {"handlers": [], "level": env_str("LOG_LEVEL", "WARNING")},
        "tandem": {"level": env_str("TANDEM_LOG_LEVEL", "INFO")},
        # A line as each background task starts and ends (its id, path and state, never its
        # arguments), with the id of the request that enqueued it: Django's tasks on the
        # database backend, the django-tasks backport's on Redis.
        "django.tasks": {"level": env_str("TANDEM_LOG_LEVEL", "INFO")},
        "django_tasks": {"level": env_str("TANDEM_LOG_LEVEL", "INFO")},
    },
}

# /healthz/: 503 when the database or the cache does not answer, or when the oldest task waiting
# in the queue has waited longer than this (no worker running, or too few).
HEALTHZ_TASK_BACKLOG_SECONDS = env_int("HEALTHZ_TASK_BACKLOG_SECONDS", 600)
# --- end of running for real ---------------------------------------------------------------------
