"""Coachsite settings.

One file for every environment: each deploy difference is an environment
variable, parsed strictly so a malformed value stops start-up with a message
naming the variable (see README.md, "Configuration").
"""

import datetime
import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# Required when debug is off. It is not demanded at import, so management
# commands that never sign anything (makemigrations, collectstatic) run with a
# bare environment; serving does demand it: coachsite/wsgi.py and asgi.py stop
# start-up without it, and `check --deploy` reports it (interviews/lib/checks.py).
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The public address of the site, used in links inside emails
# (invitations, assignments, password resets sent outside a request).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://; got {SITE_URL!r}.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    # Before django_tasks_db: its db_worker command is extended by ours
    # (interviews/management/commands/db_worker.py) to start the reminder sweep.
    "interviews",
    "django_tasks",
    "django_tasks_db",
    # Two-factor login (interviews/twofactor.py): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Login lockouts (see "Throttles" below).
    "axes",
]

MIDDLEWARE = [
    # First: answers /healthz without touching sessions or users.
    "interviews.middleware.HealthCheckMiddleware",
    # Next: a GET or HEAD cut off by a dropped database connection runs again
    # on a new one (a database restart costs no failed reads).
    "interviews.middleware.RetryOnDroppedConnectionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses HTML and other responses (static files come compressed from
    # whitenoise); Django pads each response against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Adds request.user.is_verified(): has this session passed the code step?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # With COACHSITE_REQUIRE_2FA on: coaches and staff set it up before anything else.
    "interviews.twofactor.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "interviews.middleware.SecurityHeadersMiddleware",
    # Inside the messages (it says why a session ended) and the headers (its
    # redirect carries them too).
    "interviews.middleware.SessionLimitsMiddleware",
    "interviews.middleware.UserTimezoneMiddleware",
    # Last: turns a login that django-axes refused into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coachsite.urls"
WSGI_APPLICATION = "coachsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "interviews.context_processors.choices",
                "interviews.context_processors.unread_notifications",
            ],
            # In every template without {% load %}: the readiness meter and status
            # badge; interview times with their zone.
            "builtins": ["interviews.templatetags.meters", "interviews.templatetags.when"],
        },
    },
]

# Database: a SQLite file by default so `make run` needs nothing installed;
# PostgreSQL (psycopg 3) through DATABASE_URL in CI and production.
_database_url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    _db = dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
# How a persistent PostgreSQL connection is checked before a request reuses
# it: "poll" looks at its socket (no round trip; coachsite/postgresql/base.py),
# "query" is Django's SELECT 1 (also finds a server that vanished without
# closing the connection; README, "Performance").
DATABASE_HEALTH_CHECK = env_str("DATABASE_HEALTH_CHECK", "poll")
if DATABASE_HEALTH_CHECK not in ("poll", "query"):
    raise ImproperlyConfigured(
        f'DATABASE_HEALTH_CHECK must be "poll" or "query", not {DATABASE_HEALTH_CHECK!r}.'
    )
if _db["ENGINE"] == "django.db.backends.postgresql" and DATABASE_HEALTH_CHECK == "poll":
    _db["ENGINE"] = "coachsite.postgresql"
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite connections are cheap; persistent ones only hold file locks.
    _db["CONN_MAX_AGE"] = 0
    # The embedded default must hold with the worker polling beside the web
    # server (README, "The embedded default"):
    # - WAL: readers never wait for the writer, nor the writer for readers;
    #   synchronous=NORMAL is safe with WAL (a power cut may lose the last
    #   commits, never corrupt the file) and spares an fsync per commit.
    # - IMMEDIATE: a transaction takes the write lock when it begins. SQLite's
    #   default (DEFERRED) starts as a reader and upgrades on its first write;
    #   when another connection wrote in between, the upgrade fails at once
    #   with "database is locked", whatever the timeout. Taken up front, the
    #   lock is simply waited for.
    # - timeout: how long a connection waits for the write lock before it
    #   gives up with "database is locked".
    _options = _db.setdefault("OPTIONS", {})
    _options.setdefault("transaction_mode", "IMMEDIATE")
    _options.setdefault("timeout", env_int("DATABASE_SQLITE_TIMEOUT", 20, minimum=1))
    _options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
else:
    # PostgreSQL's default random_page_cost (4) prices an index lookup as a
    # spinning disk's seek, so small per-coach lookups lose to scanning every
    # coach's rows. The working set of this app lives in memory or on SSD,
    # where 1.1 is the usual setting; with it, a coach's pages are planned from
    # the coach's own rows (`make benchmark BENCH_ARGS=--explain` shows it).
    # Empty: keep the server's own setting.
    _page_cost = env_str("DATABASE_RANDOM_PAGE_COST", "1.1")
    if _page_cost:
        try:
            if not 0 < float(_page_cost) <= 100:
                raise ValueError
        except ValueError:
            raise ImproperlyConfigured(
                f"DATABASE_RANDOM_PAGE_COST must be a number above 0 and at most 100 "
                f"(or empty), not {_page_cost!r}."
            ) from None
        _options = _db.setdefault("OPTIONS", {})
        _options["options"] = (
            f"{_options.get('options', '')} -c random_page_cost={float(_page_cost)}".strip()
        )
DATABASES = {"default": _db}


def cache_from_url(url: str) -> dict:
    """Django's CACHES["default"] from CACHE_URL. Nothing needs more than the
    default (each process's memory): the calendar feed keeps built feeds there
    and answers unchanged polls without it (README, "Calendar"). The client
    libraries of memcached and Redis are not installed with Coachsite."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ImproperlyConfigured(f"CACHE_URL must look like scheme://…; got {url!r}.")
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": rest or "coachsite",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if scheme == "db" and rest:
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest}
    if scheme == "file" and rest.startswith("/"):
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": rest}
    needs = {"memcached": "pymemcache", "redis": "redis", "rediss": "redis"}
    if scheme in needs and rest:
        try:
            __import__(needs[scheme])
        except ImportError:
            raise ImproperlyConfigured(
                f"CACHE_URL {scheme}://… needs the {needs[scheme]!r} package, which "
                "Coachsite does not install."
            ) from None
        if scheme == "memcached":
            return {
                "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
                "LOCATION": rest.split(","),
            }
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(
        "CACHE_URL must be locmem://, dummy://, db://<table>, file:///<absolute folder>, "
        f"memcached://<host:port,…> or redis://…; got {url!r}."
    )


CACHES = {"default": cache_from_url(env_str("CACHE_URL", "locmem://"))}
# Each prepared read (interviews/lib/prepared.py) also builds its query with
# the ORM and fails unless the SQL and parameters are the prepared ones: on
# in the tests (tests/settings.py), off where speed is the point.
PREPARED_QUERIES_CHECK = False
# Seconds a GET or HEAD cut off by a dropped database connection waits for the
# database to come back before it runs again (0: never run again;
# interviews.middleware.RetryOnDroppedConnectionMiddleware).
DATABASE_RECONNECT_WAIT = env_int("DATABASE_RECONNECT_WAIT", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "interviews.User"
# Axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
# Two-factor login is offered to coaches and staff; on, it is required of them
# (and the admin asks for it) before any other page.
COACHSITE_REQUIRE_2FA = env_bool("COACHSITE_REQUIRE_2FA", False)
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = "Coachsite"
# django-otp's doubling wait after each wrong code would let anyone who has the
# password lock the owner out of a right code; wrong codes are throttled per
# login and per account instead (interviews/throttle.py, CODE_ACCOUNT).
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE is not a known time zone: {TIME_ZONE!r}.") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Private files (evidence on checklist items): a storage of their own, the
# "private" alias, never served as static or media; only views that run the
# access helper first hand its files out (README, "Private files"). The local
# file system by default; an S3-compatible object store through django-storages
# when PRIVATE_FILES_S3_BUCKET is set, so several app servers share the files.
PRIVATE_FILES_DIR = Path(env_str("PRIVATE_FILES_DIR", str(BASE_DIR / "private-files")))
PRIVATE_FILES_S3_BUCKET = env_str("PRIVATE_FILES_S3_BUCKET")
# How long a signed download address stays valid, in seconds.
PRIVATE_FILES_URL_SECONDS = env_int("PRIVATE_FILES_URL_SECONDS", 60, minimum=5)
if PRIVATE_FILES_S3_BUCKET:
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PRIVATE_FILES_S3_BUCKET,
            "endpoint_url": env_str("PRIVATE_FILES_S3_ENDPOINT_URL") or None,
            "region_name": env_str("PRIVATE_FILES_S3_REGION") or None,
            "access_key": env_str("PRIVATE_FILES_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("PRIVATE_FILES_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("PRIVATE_FILES_S3_PREFIX"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": PRIVATE_FILES_URL_SECONDS,
            # Keys are random and never reused: an existing key is never overwritten.
            "file_overwrite": False,
        },
    }
else:
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: the directory is never served; files leave only through views.
        "OPTIONS": {"location": PRIVATE_FILES_DIR, "base_url": None},
    }
STORAGES["private"] = _private_storage
# The largest file one upload may be, and the most one candidate record may keep.
PRIVATE_FILE_MAX_BYTES = env_int("PRIVATE_FILE_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
PRIVATE_FILES_QUOTA_BYTES = env_int("PRIVATE_FILES_QUOTA_BYTES", 100 * 1024 * 1024, minimum=1)
# Rehearsal takes older than this are deleted by the worker's sweep, except
# the one sent to the coach while its checklist is open (README, "Rehearsal").
REHEARSAL_RETENTION_DAYS = env_int("REHEARSAL_RETENTION_DAYS", 90, minimum=1)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: the console in development; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Coachsite <noreply@coachsite.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
# Django's file backend (each sent email written to a file; make scale-check
# counts them) needs its folder.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend" and not EMAIL_FILE_PATH:
    raise ImproperlyConfigured(
        "EMAIL_FILE_PATH must name a folder when EMAIL_BACKEND is the file backend."
    )
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)

# The template editor posts about 8 fields per item and a template may have
# 200 items (ChecklistTemplate.MAX_ITEMS): Django's default of 1000 fields
# refused a long template's Save and Move buttons with a 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Security. Cookies are secure and HSTS is on whenever debug is off; the SSL
# redirect can be left to the reverse proxy with DJANGO_SECURE_SSL_REDIRECT=0.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a reverse proxy, client addresses (for the throttles) come from the
# last X-Forwarded-For entry, the one the proxy adds (interviews/throttle.py).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    # The proxy sets X-Forwarded-Proto; only trust it when told there is one.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Health checks from a load balancer come over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Throttles. Every password check (the log-in page, the admin's, the invitation
# pages', and the password typed again to change it, delete an account, erase a
# candidate or switch two-factor off) goes through django-axes with its state in
# the database, shared by every app server: 10 failures for one account (the one
# the typed email logs in to, however it is spelt) from one address lock that
# pair. Axes
# keeps the time of the last failure and forgets the failures 15 minutes after
# it, so the 10 must come with no 15-minute pause between them; the lock then
# lasts 15 minutes from the last failure, and attempts while locked do not
# extend it (so the time the page names holds). A successful login clears the
# count. The hourly limits on password resets, invitation emails and invalid
# invitation links are in interviews/throttle.py.
# Axes's database handler plus the per-account ceiling (50 failures an hour from
# any address) and its emailed unlock link.
AXES_HANDLER = "interviews.throttle.PasswordThrottleHandler"
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "interviews.throttle.axes_username"
AXES_CLIENT_IP_CALLABLE = "interviews.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "interviews.throttle.axes_lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Axes's log of successful logins would keep every user's addresses for good;
# the lockouts need only the failure counts.
AXES_DISABLE_ACCESS_LOG = True

# Sessions live in the database, so app servers keep no state of their own.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A session ends after this many minutes without a request, and in any case
# this many days after signing in (interviews.middleware.SessionLimitsMiddleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 12 * 60, minimum=5)
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME_DAYS", 14, minimum=1)
SESSION_COOKIE_AGE = 60 * 60 * 24 * SESSION_ABSOLUTE_LIFETIME

LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_LEVEL is not a log level: {LOG_LEVEL!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Paths that are credentials (calendar feed, invitation, reset, join,
    # unsubscribe) are redacted before anything is written (README, "Security").
    "filters": {"redact_secrets": {"()": "interviews.lib.redaction.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers (a debug-only console, mail_admins with the
        # whole request) would write paths unredacted: its records go to the
        # console above instead. runserver's request lines likewise.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint (the brief's PDF) logs every rendering step at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        # django-axes logs each login at INFO; failures and lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}

# Background work: Django's tasks API (the django-tasks backport) with the
# database backend; `manage.py db_worker` runs the tasks (README, "Worker").
# Queue state lives in the database, so several workers can run side by side.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# How often the worker runs the reminder sweep.
REMINDER_SWEEP_MINUTES = env_int("REMINDER_SWEEP_MINUTES", 5, minimum=1)
# A task still marked running this long after it started is taken for dead
# (its worker was killed) and run again; so is an email whose send started this
# long ago without being recorded. Keep it above the longest task (README, "Worker").
WORKER_LEASE_MINUTES = env_int("WORKER_LEASE_MINUTES", 15, minimum=1)
# Finished task results are kept this many days; the sweep prunes older ones once a day.
TASK_RESULTS_KEEP_DAYS = env_int("TASK_RESULTS_KEEP_DAYS", 14, minimum=1)

# How long an invitation link stays valid.
INVITATION_TTL_DAYS = 7
