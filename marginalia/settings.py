"""Settings for Marginalia, read from the environment.

`make run` needs no environment at all: SQLite in the project folder, DEBUG on,
a development secret key. Production refuses to start on that key.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-not-secret-marginalia"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "DEBUG is off but SECRET_KEY is the development key (or shorter than 32 characters). "
            "Set SECRET_KEY in the environment."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DEBUG is off: set ALLOWED_HOSTS (comma-separated host names).")

# The canonical address of this instance, used for absolute links in exports
# when there is no request to build them from (management commands).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "corpus",
    "annotations",
    "analysis",  # agreement, adjudication, the discourse network; depends on annotations, never the reverse
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into our login page with the reason (security block).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marginalia.urls"
WSGI_APPLICATION = "marginalia.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the reader keep serving while an import writes. IMMEDIATE transactions take the write
    # lock when they begin, so two saves at once wait for each other (up to `timeout` seconds) instead
    # of one failing with "database is locked" when it upgrades a read lock.
    # Writers wait for each other in a kernel queue rather than in SQLite's sleeps (marginalia/sqlite).
    DATABASES["default"]["ENGINE"] = "marginalia.sqlite"
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Checks a kept connection's health by its socket, not a round trip each request (marginalia/postgresql).
    DATABASES["default"]["ENGINE"] = "marginalia.postgresql"
    postgres_options = DATABASES["default"].setdefault("OPTIONS", {})
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Parameters bound by the server, and a statement run five times on a connection kept prepared
        # there (psycopg's automatic preparation): PostgreSQL stops parsing and planning a save's dozen
        # small statements each time. 4 clients' saves 115-153 -> 168-197 per second, the database's
        # CPU a save 4-5 -> 2 ms (bench/load.py, A/B, 2026-11-29). Behind a pooler in transaction mode
        # that does not keep prepared statements (PgBouncer before 1.21), set DATABASE_PREPARED_STATEMENTS=0.
        postgres_options.update({"server_side_binding": True, "prepare_threshold": 5})
    if not env_bool("DATABASE_JIT", False):
        # PostgreSQL's JIT compiles a query to machine code when the planner's estimate of its cost
        # passes 100,000: the visibility rules' nested conditions on tables whose statistics are stale
        # (or not yet gathered) crossed that, and one such query took 8.6 s to compile for a few rows
        # (the test suite, 2026-11-29). Marginalia's queries are short and indexed, and the heaviest
        # gain nothing from it: bench/scale.py at a million passages, A/B twice (13:58), Annotations
        # screen 76-81 ms without JIT and 82-86 ms with it, a text found in a third of the passages
        # 1,251-1,313 ms against 1,392-1,499. DATABASE_JIT=1 leaves the server's own setting.
        postgres_options["options"] = f"{postgres_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "corpus:article-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Security: login throttling and HTTPS (issue 7; README "Production") -----------------------------
# Login throttling with django-axes: 10 failed log-ins for one username from one address lock that pair
# out for 15 minutes; the login page says so (registration/login.html, rendered with axes' context).
# Unlock early with `manage.py axes_reset_username NAME` (or axes_reset_ip / axes_reset); lockouts are
# listed in the admin under "Access attempts".
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading each request's user by a compiled query (ops/auth.py).
    "ops.auth.ModelBackend",
]
# Django's database sessions, read by a compiled query (ops/sessions.py).
SESSION_ENGINE = "ops.sessions"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/login.html"
AXES_VERBOSE = False

# HTTPS. Production runs behind TLS: with DEBUG off, plain http is redirected to https, browsers are told
# to use https only (HSTS, a year, subdomains included, preload allowed), and the session and CSRF
# cookies are Secure. Each is overridable from the environment (e.g. SECURE_SSL_REDIRECT=0 to try the
# production settings on a laptop; README "Try the production settings locally").
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# BEHIND_PROXY=1: a reverse proxy (nginx, Caddy, a load balancer) terminates TLS and is the only way in.
# Then X-Forwarded-Proto tells Django the request was https, and X-Forwarded-For gives axes the client's
# address (the proxy must set both and overwrite whatever the client sent). Never set it without such a
# proxy: a client could then claim https, or another client's address.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# --- End of the security block ------------------------------------------------------------------------

# Import limits and the spaCy pipeline.
MARGINALIA_MAX_IMPORT_BYTES = int(os.environ.get("MARGINALIA_MAX_IMPORT_BYTES", 5 * 1024 * 1024))
# Name of an installed spaCy model (e.g. "en_core_web_sm"); empty means spacy.blank("en").
MARGINALIA_SPACY_MODEL = os.environ.get("MARGINALIA_SPACY_MODEL", "")
# Underline the vocabulary's names found in the reader's text; analysts can still hide them.
MARGINALIA_SUGGESTIONS = env_bool("MARGINALIA_SUGGESTIONS", True)

# --- Cache shared by every process (suggestions per article): Redis when CACHE_URL or REDIS_URL
# is set (redis://, rediss:// or unix://), local memory of each process otherwise. ---
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// URL, not {CACHE_URL!r}.")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "marginalia"),
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# --- Background jobs (imports of uploads, large exports, article analysis) -------------------------
# django-tasks (Django 6's django.tasks API) with its database queue: SQLite or PostgreSQL, nothing else
# to run but `manage.py db_worker` (make run starts it). Several workers on several hosts share the
# queue through PostgreSQL; a team on Celery or RQ swaps the BACKEND here, not the code.
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "jobs"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Finished exports wait here for their download (a folder every web process can read).
MARGINALIA_JOB_FILES = Path(os.environ.get("MARGINALIA_JOB_FILES", BASE_DIR / "job-files"))
# A running job whose worker sent no news for this long was killed: `resume_jobs` and its page resume it.
MARGINALIA_JOB_STALE_SECONDS = int(os.environ.get("MARGINALIA_JOB_STALE_SECONDS", 60))
# Uploads up to this size are stored by the upload's own request (their articles listed at once; 1,000
# articles of JSONL, 4 MB, in about 0.3 s); larger ones by the worker. An HTML page counts four times
# its size. 0 sends every upload to the worker.
MARGINALIA_IMPORT_STORE_HERE_BYTES = int(os.environ.get("MARGINALIA_IMPORT_STORE_HERE_BYTES", 6_000_000))
# Seconds between storing imported articles and the start of their analysis (the database queue waits
# that long): the pages the import answers with are served first. 0 starts it at once.
MARGINALIA_ANALYSIS_DELAY_SECONDS = float(os.environ.get("MARGINALIA_ANALYSIS_DELAY_SECONDS", 1))
# Exports of more passages than this are written by a worker, then downloaded from the job's page.
MARGINALIA_EXPORT_JOB_PASSAGES = int(os.environ.get("MARGINALIA_EXPORT_JOB_PASSAGES", 50_000))
# --- end of background jobs -------------------------------------------------------------------------


# --- Operations (ops/): request ids and logging, bad input refused, honest answers after a commit. ---
INSTALLED_APPS += ["ops"]
# Outermost: the request id and the one log line see everything, 500s included.
MIDDLEWARE.insert(0, "ops.requestlog.RequestLogMiddleware")
# After authentication (an upload page knows its user), before any view or the CSRF check reads input.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "ops.inputs.InputGuardMiddleware",
)
# Before the log-in check reads the session: a view's reads sent ahead go with it (ops/compiled.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.LoginRequiredMiddleware"),
    "ops.compiled.ReadsAheadMiddleware",
)
# Innermost: knows whether the view committed a change, whatever it raised afterwards.
MIDDLEWARE.append("ops.saving.SaveTrackingMiddleware")
# A pooled connection that died with a database restart is replaced before the request uses it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.requestlog.RequestIdFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        # stderr: gunicorn and systemd collect it; tracebacks of errors follow their line.
        "stderr": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "line"},
    },
    "loggers": {
        # Our request lines, refusals and after-commit failures; they reach stderr through the root.
        "marginalia": {"level": os.environ.get("LOG_LEVEL", "INFO")},
        # Django logs each 500 with its traceback here; our request line already says 4xx.
        "django.request": {"level": "ERROR"},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
# --- end of the operations block ---
