"""Read replicas: active only when DATABASE_REPLICA_URL is set (see settings and
docs/deployment.md, "Read replicas").

Only an anonymous public request (GET or HEAD, no session cookie, not the admin) may read from
the ``replica`` database, and only if the replica has replayed the primary's WAL up to where
it was when the current content generation started (``cancerchoices.cache``): the page cache
names that position for the request (``reads_must_include``) before the view reads anything.
The first read of the request decides: the replica when it answers within
DATABASE_REPLICA_WAIT seconds and has replayed that far, otherwise the primary for the whole
request. So a page is never read, nor cached under a generation, from data older than the
change that started the generation.

A replica that fails (refuses, errors, or does not answer in time) is skipped by this process
for DATABASE_REPLICA_RETRY seconds, then tried again; a request it fails mid-way is answered
again from the primary. Writes always go to the primary (``default``), and so do all reads of
the admin, signed-in users, every request that is not a GET or HEAD, anything outside a
request (management commands, the background worker), and reads inside a transaction on the
primary, so ``select_for_update`` and read-then-write services work.
"""

import logging
import time
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections
from django.urls import reverse

from cancerchoices.postgresql.base import wait_limit

logger = logging.getLogger(__name__)

_primary_only = ContextVar("primary_only", default=False)

PRIMARY = "default"
REPLICA = "replica"


@dataclass
class PublicRead:
    """One anonymous public request: where its reads go, decided at its first read."""

    # The primary's WAL position the data read must include; None: not known (primary).
    required: str | None = None
    choice: str | None = None


_public_read: ContextVar[PublicRead | None] = ContextVar("public_read", default=None)

# This process skips the replica until then (time.monotonic()), after it failed.
_replica_down_until = 0.0


@contextmanager
def use_primary():
    """Send every read in this block to the primary (management commands, services)."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)


@contextmanager
def public_read():
    """Reads in this block may go to the replica, once ``reads_must_include`` has said how
    far it must have replayed. Yields the request's ``PublicRead``."""
    state = PublicRead()
    token = _public_read.set(state)
    try:
        yield state
    finally:
        _public_read.reset(token)


def reads_must_include(wal_position: str | None) -> None:
    """The data this request reads must include the primary's WAL up to ``wal_position``
    (that of the content generation its page is cached under). None: to be safe, the primary."""
    state = _public_read.get()
    if state is not None and state.choice is None:
        state.required = wal_position


def wal_position_value(position: str) -> int:
    """A WAL position as PostgreSQL writes it ("16/B374D848"), as a number to compare."""
    high, low = position.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def replica_down() -> bool:
    return time.monotonic() < _replica_down_until


def mark_replica_down(reason) -> None:
    """Skip the replica in this process for DATABASE_REPLICA_RETRY seconds."""
    global _replica_down_until
    _replica_down_until = time.monotonic() + settings.DATABASE_REPLICA_RETRY
    logger.warning(
        "Read replica unavailable, reading from the primary for %g s: %s",
        settings.DATABASE_REPLICA_RETRY,
        str(reason).strip(),
    )
    with suppress(Exception):
        connections[REPLICA].close()


def replica_replayed() -> str | None:
    """How far the replica has replayed the primary's WAL (None: it is no standby). Each wait
    is bounded by DATABASE_REPLICA_WAIT; raises DatabaseError if it fails."""
    replica = connections[REPLICA]
    with wait_limit(settings.DATABASE_REPLICA_WAIT):
        # The connection's health check (CONN_HEALTH_CHECKS) happens here, within the limit.
        replica.close_if_health_check_failed()
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
            return cursor.fetchone()[0]


def _replica_has(required: str) -> bool:
    """The replica answers and has replayed up to ``required``. A position seen once on a
    connection holds for as long as that connection lasts (replay only moves forward), so a
    replica known to be far enough costs only the connection's health check."""
    replica = connections[REPLICA]
    needed = wal_position_value(required)
    try:
        with wait_limit(settings.DATABASE_REPLICA_WAIT):
            replica.close_if_health_check_failed()
            replica.ensure_connection()
        seen = getattr(replica.connection, "replayed", None)
        if seen is not None and seen >= needed:
            return True
        position = replica_replayed()
    except DatabaseError as error:
        mark_replica_down(error)
        return False
    if position is None:
        return False  # not a standby (recovery ended): nothing says what it holds
    replica.connection.replayed = wal_position_value(position)
    return replica.connection.replayed >= needed


def _choose(state: PublicRead) -> str:
    if state.required is None or replica_down():
        return PRIMARY
    return REPLICA if _replica_has(state.required) else PRIMARY


def replica_failed(state: PublicRead) -> bool:
    """The request read from the replica, and its connection broke (or timed out) since."""
    if state.choice != REPLICA:
        return False
    connection = connections[REPLICA].connection
    return connection is None or connection.closed or connection.broken


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _public_read.get()
        if state is None or _primary_only.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if state.choice is None:
            state.choice = _choose(state)
        return state.choice

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one data set, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class PrimaryForWritesMiddleware:
    """Keeps the admin, signed-in users and unsafe methods on the primary for the request; lets
    anonymous public reads use the replica, and answers one again from the primary when the
    replica fails it."""

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
        with public_read() as state:
            response = self.get_response(request)
        if getattr(response, "database_unavailable", False) and replica_failed(state):
            mark_replica_down("it failed a request; answering it from the primary")
            with use_primary():
                return self.get_response(request)
        return response
