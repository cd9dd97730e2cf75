"""Settings shared by every environment. Environment-specific modules import from here.

Everything that differs between machines comes from the environment: DATABASE_URL,
SECRET_KEY, ALLOWED_HOSTS, DEBUG, REDIS_URL.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from csp.constants import NONE, SELF

from cancerchoices import localdb

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn ``postgres://user:pass@host:port/name?sslmode=require`` into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError("DATABASE_URL must be a postgres:// or postgresql:// URL")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
    }


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "markdownx",
    "simple_history",
    "csp",
    "axes",
    # The background worker's queue (docs/worker.md); before the apps that define tasks.
    "procrastinate.contrib.django",
    "therapies",
    "ratings",
    "people",
]

MIDDLEWARE = [
    # Each request's id, in its log records and its response (X-Request-ID).
    "cancerchoices.requestlog.RequestIdMiddleware",
    # Before the HTTPS redirect and the host validation: the load balancer polls each server
    # by its address over plain HTTP.
    "cancerchoices.health.HealthCheckMiddleware",
    # Before anything reads a request's body.
    "cancerchoices.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication: a cached page is served without touching either.
    "django.middleware.http.ConditionalGetMiddleware",
    "cancerchoices.middleware.PublicPageCacheMiddleware",
    "cancerchoices.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Admin dates and times in the signed-in staff member's own zone (public pages: the site's).
    "therapies.middleware.StaffTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cancerchoices.urls"
WSGI_APPLICATION = "cancerchoices.wsgi.application"

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
                "cancerchoices.context_processors.site_links",
            ],
        },
    },
]

# Seconds (docs/deployment.md, "Database outages"): the longest a request waits for any one
# answer from the database; the longest any statement runs (server side, 0: no limit); the
# longest the readiness check takes.
DATABASE_REQUEST_TIMEOUT = float(os.environ.get("DATABASE_REQUEST_TIMEOUT", "3"))
DATABASE_STATEMENT_TIMEOUT = float(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30"))
READINESS_TIMEOUT = 1.5


def bounded_database(database: dict) -> dict:
    """A DATABASES entry that never leaves a request waiting on a database that is down,
    unreachable or hung (docs/deployment.md, "Database outages")."""
    # Django's backend, with each wait for the server bounded during a request
    # (DATABASE_REQUEST_TIMEOUT, cancerchoices.postgresql).
    database["ENGINE"] = "cancerchoices.postgresql"
    options = database.setdefault("OPTIONS", {})
    # A server that does not complete a new connection within this many seconds is down.
    options.setdefault("connect_timeout", 3)
    # Over TCP (a Unix socket ignores these): a connection to a host that vanished fails
    # within about 25 seconds when idle (keepalives) and 10 seconds when waiting for an
    # acknowledgement (tcp_user_timeout), in every process, the background worker included.
    options.setdefault("keepalives", 1)
    options.setdefault("keepalives_idle", 10)
    options.setdefault("keepalives_interval", 5)
    options.setdefault("keepalives_count", 3)
    options.setdefault("tcp_user_timeout", 10_000)
    # Server side: no statement runs longer than this (0 switches it off, e.g. for a long
    # migration; behind PgBouncer set it on the role instead, docs/deployment.md).
    if DATABASE_STATEMENT_TIMEOUT:
        timeout = f"-c statement_timeout={int(DATABASE_STATEMENT_TIMEOUT * 1000)}"
        options["options"] = f"{options.get('options', '')} {timeout}".strip()
    return database


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": localdb.connection_settings()}
bounded_database(DATABASES["default"])
# Reconnect transparently after a database restart instead of failing the first request.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Public pages run the same few queries over and over: let PostgreSQL plan each once per
# connection (server-side binding, prepared after two runs). Behind a transaction-pooling
# PgBouncer, set DATABASE_PREPARED_STATEMENTS=0.
if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
    DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)
# Seconds: the longest a public request waits for the read replica's first answer (its
# health check, how far it has replayed) before reading from the primary instead; how long a
# process then leaves the replica alone (docs/deployment.md, "Read replicas").
DATABASE_REPLICA_WAIT = 1.0
DATABASE_REPLICA_RETRY = 10.0
if os.environ.get("DATABASE_REPLICA_URL"):
    # Anonymous public reads go to the replica when it has replayed what the current content
    # generation needs; writes, the admin, signed-in users and everything in a transaction stay
    # on the primary (cancerchoices.db_router).
    replica = database_from_url(os.environ["DATABASE_REPLICA_URL"])
    # The shortest libpq allows: a replica that does not answer costs a request this much once
    # (then the process reads from the primary for DATABASE_REPLICA_RETRY seconds).
    replica["OPTIONS"].setdefault("connect_timeout", 2)
    DATABASES["replica"] = {
        **bounded_database(replica),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["cancerchoices.db_router.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(1, "cancerchoices.db_router.PrimaryForWritesMiddleware")
# Seconds a client is told to wait before retrying while the database is down (503 page).
DATABASE_RETRY_AFTER = 30

# One cache shared by every worker process: Redis when REDIS_URL is set (several servers),
# otherwise files under var/cache, shared by the workers of this machine. The public content
# generation (cancerchoices.cache) has a cache of its own, so that culling pages never takes it:
# with Redis the same server, where it is the one key without an expiry (docs/deployment.md).
if os.environ.get("REDIS_URL"):
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        # A Redis outage costs each request at most this long; pages then render uncached.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    CACHES = {"default": redis, "generation": redis}
else:
    cache_dir = Path(os.environ.get("CACHE_DIR", BASE_DIR / "var" / "cache"))
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(cache_dir),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
        "generation": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(cache_dir / "generation"),
        },
    }
# Each release may keep its cached pages under its own keys (RELEASE, e.g. the commit), so that
# during a rolling deploy the new code never serves a page the old code rendered.
for alias in CACHES:
    CACHES[alias] = {**CACHES[alias], "KEY_PREFIX": os.environ.get("RELEASE", "")}
# Anonymous public pages (cancerchoices.middleware): kept in the cache until content changes
# or PUBLIC_CACHE_TIMEOUT passes; browsers and CDNs may reuse them for PUBLIC_CACHE_MAX_AGE.
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", default=True)
PUBLIC_CACHE_TIMEOUT = 600
PUBLIC_CACHE_MAX_AGE = 300

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes): five failures for one username from one address lock that
# pair out for 15 minutes. The axes backend must come first; it needs the request to check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind proxies (the load balancer, a CDN), the address is the one the outermost trusted proxy
# appended to X-Forwarded-For, not the proxy's own (cancerchoices.requestlog.client_ip).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "cancerchoices.requestlog.client_ip"
LOGIN_REDIRECT_URL = "admin:index"  # where a sign-in with an unsafe or missing next= lands

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# The largest body a request may have: an image upload (therapies.images.MAX_IMAGE_BYTES)
# and its form. Larger ones are refused before they are read
# (cancerchoices.middleware.RequestSizeLimitMiddleware); smaller uploads stay in memory,
# never in a temporary file.
MAX_REQUEST_BYTES = 5 * 1024 * 1024 + 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Markdown: one render-and-sanitise function serves saves and the admin preview.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "therapies.markdownx_views.render_preview"
# The editor posts to our staff-only views (therapies.markdownx_views), mounted at these paths.
MARKDOWNX_URLS_PATH = "/admin/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin/markdownx/upload/"

# Content-Security-Policy (django-csp) on every response, the admin's included: only our own
# script and style files (no inline script or style), no plugins, no framing. The admin and
# django-markdownx need nothing more (tests/browser/test_admin_editor.py proves it). JSON-LD
# <script type="application/ld+json"> is a data block, never executed, so script-src does not
# apply to it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

SITE_NAME = "CancerChoices Reviews"
# Absolute address of the site, for links in e-mail and feeds.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "reviews@localhost")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# History is for reading: reverting would bypass the editorial workflow.
SIMPLE_HISTORY_REVERT_DISABLED = True
# Versions in review longer than this show as "stuck" on the admin dashboard.
STUCK_IN_REVIEW_DAYS = 14
# The sample content `manage.py load_demo` loads (demo/README.md); it refuses to run unless an
# environment's settings set DEMO_CONTENT_ALLOWED.
DEMO_CONTENT_DIR = BASE_DIR / "demo"

# The background worker (procrastinate, docs/worker.md). Jobs live in this database, so a job
# queued inside a transaction commits or rolls back with it. Successful jobs are deleted (a
# publish check every minute would pile up); failed ones stay, for the admin to inspect.
PROCRASTINATE_WORKER_DEFAULTS = {
    "delete_jobs": "successful",
    # Each worker records a heartbeat every 10 s; a worker silent for 30 s is taken for dead
    # (killed, or its host lost), and retry_stalled_jobs queues its jobs again.
    "update_heartbeat_interval": 10,
    "stalled_worker_timeout": 30,
}
# How often the worker's clock queues its periodic jobs (cron lines; a sixth field counts
# seconds): the due steps (publish at a set time, withdraw at expiry) and the look for the jobs
# of dead workers.
WORKER_DUE_STEPS_CRON = "* * * * *"
WORKER_STALLED_JOBS_CRON = "*/5 * * * *"
