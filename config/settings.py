"""Settings for Fachtag. Every value that differs between machines comes from the environment.

There is one settings module: development, tests and production run the same code paths.
`.env.example` lists every variable.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.logs import logging_config

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean strictly: a typo such as DEBUG=Flase stops the app instead of meaning False."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
        raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")
    return raw in {"true", "1", "yes", "on"}


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return env.str(name, default=default)


DEBUG = env_bool("DEBUG")
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set SECRET_KEY (or SECRET_KEY_FILE), or DEBUG=true."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105
# Rotating the key: put the new one in SECRET_KEY and the old one here (comma-separated, or one a line in
# SECRET_KEY_FALLBACKS_FILE). Personal links, check-in codes and sessions signed with the old key keep working
# until it is removed from this list.
SECRET_KEY_FALLBACKS = [
    key.strip() for key in env_secret("SECRET_KEY_FALLBACKS").replace("\n", ",").split(",") if key.strip()
]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute links in e-mails and calendar invites: tasks have no request to build them from.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The name account mails (allauth) and authenticator apps show for this site.
SITE_NAME = "Fachtag"

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "fachtag",
    "registrations",
    "notifications",
    "pages",
    "mediators",
    "backoffice",
    "feedback",
]

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",  # first: answers /healthz before host checks and redirects
    "config.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.StaffPagesNotStoredMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.RememberLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.StaffLanguageMiddleware",  # after authentication: the staff member's own language
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.mfa.StaffAreaNeedsSecondFactor",
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

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
                "config.context_processors.site",
            ],
        },
    },
]

# --- Database: SQLite under var/ for the quick start, PostgreSQL in production and in the tests.
DATABASES = {
    "default": env.db_url_config(env_secret("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock at BEGIN, so concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # How long a statement waits for a row lock before giving up (registrations' services answer "busy,
    # try again"): long enough for a queue of simultaneous sign-ups to drain. Set once per connection.
    DATABASE_LOCK_TIMEOUT = env.str("DATABASE_LOCK_TIMEOUT", default="10s")
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c lock_timeout={DATABASE_LOCK_TIMEOUT}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache. Without it tasks run in-process, so `make run` needs no services.
REDIS_URL = env_secret("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Per process ({% cache %} uses this alias): the empty sign-up form's fields, kept SIGNUP_FORM_CACHE_SECONDS,
# so a new release never serves the old release's markup and a Redis outage never breaks the page.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
}
# Per process: the rows of the programme the sign-up pages show (registrations.selectors.programme), plain
# values kept SIGNUP_FORM_CACHE_SECONDS.
CACHES["programme"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "programme"}

CELERY_BROKER_URL = env_secret("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# On a lost broker connection, running late-ack tasks are cancelled and redelivered (they are idempotent).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fix-up closes the database connections after every task unless they may be reused this many
# times; config/celery.py closes them as Django would (CONN_MAX_AGE, health checks) instead. A connection per
# mail meant a new PostgreSQL backend per mail, started and torn down on the database's cores while the
# sign-ups need them (bench/README.md has the cost).
CELERY_DB_REUSE_MAX = 1000
# Keep publishing short when Redis is away: the outbox sweep sends what could not be queued.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 1,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = "Europe/Berlin"
# The worker and beat log through LOGGING (time, level, logger, task id) like the web server.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "expire-offers": {"task": "registrations.tasks.expire_offers", "schedule": 60.0},
    "release-unconfirmed": {"task": "registrations.tasks.release_unconfirmed", "schedule": 300.0},
    "promote-waiting-lists": {"task": "registrations.tasks.promote_waiting_lists", "schedule": 300.0},
    "send-due-reminders": {"task": "registrations.tasks.send_due_reminders", "schedule": 300.0},
    "send-session-reminders": {"task": "mediators.tasks.send_session_reminders", "schedule": 900.0},
    # Re-opens expired mail claims: a dead worker's message goes out within the lease plus this (two minutes).
    "send-unsent-messages": {
        "task": "notifications.tasks.send_unsent_messages",
        "schedule": float(env.int("OUTBOX_SWEEP_SECONDS", default=30)),
    },
    "check-mail-queue": {"task": "notifications.tasks.check_queue", "schedule": 300.0},
    # Daily jobs at a time of day (Europe/Berlin, CELERY_TIMEZONE), not every 24 hours from beat's start: a
    # restart of beat must never postpone them.
    "anonymise-due-events": {
        "task": "registrations.tasks.anonymise_due_events",
        "schedule": crontab(hour=3, minute=15),
    },
    "forget-old-audit-ips": {
        "task": "backoffice.tasks.forget_old_audit_ips",
        "schedule": crontab(hour=3, minute=45),
    },
    # Feedback: a survey opens the morning after its Fachtag (FEEDBACK_OPENS_HOUR); its mails go out on the next run.
    "open-feedback-surveys": {"task": "feedback.tasks.open_due_surveys", "schedule": 900.0},
}
FEEDBACK_OPENS_HOUR = env.int("FEEDBACK_OPENS_HOUR", default=9)
FEEDBACK_OPEN_DAYS = env.int("FEEDBACK_OPEN_DAYS", default=14)

# --- E-mail: default writes each message as an .eml file under var/mail/ so a newcomer can read it.
EMAIL_URL = env_secret("EMAIL_URL")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "config.mail.EmlFileBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
# Messages a minute per worker process (the worker runs two), for a relay with a sending limit; 0 = no pause.
EMAIL_MAX_PER_MINUTE = env.int("EMAIL_MAX_PER_MINUTE", default=0)
# Every step of an SMTP conversation gives up after this many seconds (a hanging relay must not outlast a claim).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# A claim on an outgoing message holds this long (one rendering and one SMTP conversation take seconds); then
# the sweep takes it for the message of a dead worker and sends it again (notifications/outbox.py).
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=90)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Fachtag <fachtag@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The office's functional mailbox: organiser of calendar invites, reply address of messages.
ORGANISER_EMAIL = env.str("ORGANISER_EMAIL", default="migration@example.org")
ORGANISER_NAME = env.str("ORGANISER_NAME", default="Fachtag – Referat für Migration und Integration")
# The controller named in the privacy notice, imprint and accessibility statement.
OFFICE_NAME = env.str("OFFICE_NAME", default="Stadt Leipzig, Referat für Migration und Integration")
OFFICE_ADDRESS = env.str("OFFICE_ADDRESS", default="Martin-Luther-Ring 4–6, 04109 Leipzig")
OFFICE_PHONE = env.str("OFFICE_PHONE", default="+49 341 123-0")
DATA_PROTECTION_OFFICER_EMAIL = env.str("DATA_PROTECTION_OFFICER_EMAIL", default="datenschutz@example.org")

# --- Accounts (django-allauth): e-mail is the login, no usernames.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_ADAPTER = "registrations.account_adapter.AccountAdapter"
LOGIN_REDIRECT_URL = "/"
# Brute-force protection: allauth counts in the cache (Redis in production, shared by every gunicorn
# worker; see the deploy check in accounts/checks.py). The admin login goes through allauth's login
# (config/urls.py), so these limits cover it too. "key" is the address tried, "ip" her connection.
ACCOUNT_RATE_LIMITS = {
    # 5 wrong passwords for one address from one connection within 15 minutes lock that connection out of
    # it for the rest of the window, even with the right password (the key is address and connection:
    # registrations/account_adapter.py), while she signs in from her own; 10 a minute from one connection
    # stop someone trying many addresses.
    "login_failed": "10/m/ip,5/15m/key",
    "login": "30/m/ip",
    # Password reset mails: a few per address and hour, so nobody floods someone's mailbox.
    "reset_password": "10/m/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Two-factor sign-in (an authenticator app's one-time codes, plus recovery codes) for everyone who works in
# the staff area or the admin: they see personal and special-category data (accounts/mfa.py).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_TOTP_ISSUER = "Fachtag"
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", default=not DEBUG)  # off for the local quick start
# The client's address for rate limits and the audit log (as registrations.ratelimit): by default the socket's,
# X-Forwarded-For ignored, since anyone can send that header to a server that faces the network itself. Behind
# N proxies of ours that each append to it, TRUSTED_PROXY_COUNT=N takes the entry our outermost proxy wrote.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time. German is the default and the fallback of every translated text.
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("tr", _("Turkish")),
    ("pl", _("Polish")),
    ("ro", _("Romanian")),
    ("vi", _("Vietnamese")),
    # Plain German (Einfache Sprache) for the participant-facing pages and messages; every string it
    # does not rewrite falls back to standard German.
    ("de-simple", _("Plain German")),
]
# The back office speaks these (Plain German is written for participants only).
STAFF_LANGUAGES = [(code, name) for code, name in LANGUAGES if code != "de-simple"]
LANG_INFO["de-simple"] = {
    "bidi": False,
    "code": "de-simple",
    "name": "Plain German",
    "name_local": "Einfache Sprache",
}
# Our catalogues first; overrides/ re-words third-party strings (allauth's German "du" → "Sie", password
# messages Django lacks in some languages).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "overrides" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)

# --- Static files: our own origin only (whitenoise), hashed names in production.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security. Production runs behind TLS (HTTPS=true, the default with DEBUG off); the quick start and
# the test servers run on plain HTTP on loopback.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# "__Host-" cookies are bound to this exact host, Path=/ and HTTPS; browsers refuse them over plain HTTP.
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A signed-in session (staff, mediators) lasts one working day at most, "remember me" or not; without it
# the session also ends when the browser closes.
SESSION_COOKIE_AGE = 10 * 3600
# No script reads the CSRF token: every form posts it as a hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# A refused form (expired page, lost cookie) answers the site's own translated page, not Django's bare English one.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Personal links (manage, confirm, unsubscribe, check-in code) stop working this long after the event.
PERSONAL_LINK_DAYS_AFTER_EVENT = 14
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Check-in at the door: open from this many hours before the event's start until its end (an organiser
# may check someone in outside it anyway).
CHECKIN_OPENS_HOURS_BEFORE = env.int("CHECKIN_OPENS_HOURS_BEFORE", default=3)
if not 0 <= CHECKIN_OPENS_HOURS_BEFORE <= 24 * 7:
    raise ImproperlyConfigured("CHECKIN_OPENS_HOURS_BEFORE must be between 0 and 168 hours")

# --- Sign-up form anti-bot measures. Both stay on in production; a load test on loopback relaxes them.
# A form sent back sooner than this after it was shown is taken for a bot (signed time in the form).
SIGNUP_MIN_FILL_SECONDS = env.int("SIGNUP_MIN_FILL_SECONDS", default=3)
# Sign-up attempts per minute from one address (client IP) before a "please wait" answer.
SIGNUP_RATE_LIMIT_PER_MINUTE = env.int("SIGNUP_RATE_LIMIT_PER_MINUTE", default=10)
# A published event's programme is read from the database once per this many seconds and process, and the
# empty sign-up form's fields (with the workshops and their free seats) are rendered once per this many seconds,
# process and language for anonymous visitors, so a rush does not read and render them for every visitor.
# Organisers' changes and free seats shown may lag that long; places are always decided on locked rows
# (0 = always read and render).
SIGNUP_FORM_CACHE_SECONDS = env.int("SIGNUP_FORM_CACHE_SECONDS", default=3)

# Time, level, logger and request id on every line; LOG_FORMAT=json for one JSON object a line (config/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, got {LOG_FORMAT!r}")
LOGGING = logging_config(level=env.str("LOG_LEVEL", default="INFO"), json_lines=LOG_FORMAT == "json")
# Optional error reporting (config/sentry.py): no personal data is sent.
SENTRY_DSN = env_secret("SENTRY_DSN")
if SENTRY_DSN:
    from config import sentry

    sentry.init(SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production"))
