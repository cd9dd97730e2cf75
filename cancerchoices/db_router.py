"""Read replicas: active only when DATABASE_REPLICA_URL is set (see settings and
docs/deployment.md).

Public reads go to the ``replica`` database. Writes always go to the primary (``default``),
and so do all reads of a request that may write or needs what it just wrote: the admin,
signed-in users, and every request that is not a GET or HEAD. Reads inside a transaction on
the primary stay there too, so ``select_for_update`` and read-then-write services work.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.urls import reverse

_primary_only = ContextVar("primary_only", default=False)

PRIMARY = "default"
REPLICA = "replica"


@contextmanager
def use_primary():
    """Send every read in this block to the primary (management commands, services)."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if _primary_only.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one data set, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class PrimaryForWritesMiddleware:
    """Keeps the admin, signed-in users and unsafe methods on the primary for the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in {"GET", "HEAD"}
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or request.path.startswith(reverse("admin:index"))
        ):
            with use_primary():
                return self.get_response(request)
        return self.get_response(request)
