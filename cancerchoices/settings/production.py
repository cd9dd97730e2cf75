"""Production: refuses to start without a strong secret key, allowed hosts and the site's
address; logs JSON lines to stderr (docs/deployment.md)."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def weak_secret_key(key: str) -> bool:
    """Django's own measure of a weak key (check --deploy, security.W009), and our other
    environments' keys."""
    return (
        len(key) < 50
        or len(set(key)) < 5
        or key.startswith(("django-insecure-", "local-only", "test-only"))
    )


def site_url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "an absolute http:// or https:// address"
    if parts.path or parts.query or parts.fragment:
        return "the scheme and host only, without a path"
    return None


if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must not be on in production.")
if weak_secret_key(SECRET_KEY):  # noqa: F405
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random value of at least 50 characters (Django's "
        "get_random_secret_key() makes one)."
    )
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the site's host names, comma-separated.")
# Every absolute address (e-mail, feeds, sitemap, robots.txt, og:url, JSON-LD) is built on it.
if not os.environ.get("SITE_URL"):
    raise ImproperlyConfigured(
        "Set SITE_URL to the site's public address, e.g. https://example.org"
    )
if problem := site_url_problem(SITE_URL):  # noqa: F405
    raise ImproperlyConfigured(f"SITE_URL must be {problem}; it is {SITE_URL!r}.")  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)  # noqa: F405
# The load balancer polls the health checks over plain HTTP (cancerchoices.health).
SECURE_REDIRECT_EXEMPT = [r"^healthz/"]
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
DEMO_CONTENT_ALLOWED = False

# JSON lines on stderr, each with the id of the request it was written for
# (cancerchoices.requestlog): a 500 leaves its traceback under the id its response carried.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cancerchoices.requestlog.RequestIdFilter"}},
    "formatters": {"json": {"()": "cancerchoices.requestlog.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["stderr"], "level": "INFO"},
    # Django's own handlers print only with DEBUG or mail ADMINS; everything goes to stderr.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}
