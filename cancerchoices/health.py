"""Health checks for the load balancer and the process supervisor, and the answer every
request gets while the database is unavailable.

The load balancer polls an app server directly, over plain HTTP and by its own address, so
``HealthCheckMiddleware``, first in the stack, answers ``/healthz/*`` before the HTTPS redirect
and the host validation (``ALLOWED_HOSTS``) could refuse it.
"""

import logging
import sys
import threading
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as django_server_error

from cancerchoices.postgresql.base import wait_limit

from .cache import current_generation
from .db_router import replica_replayed, wal_position_value

logger = logging.getLogger(__name__)


@never_cache
def live(request):
    """The process answers requests. No I/O, so a database outage never restarts workers."""
    return HttpResponse("ok", content_type="text/plain")


# One readiness check at a time per process: while one still waits on a hung database, the
# next answers 503 at once instead of starting another.
_checking = threading.Lock()


def _check_database(outcome: dict) -> None:
    try:
        with (
            wait_limit(settings.READINESS_TIMEOUT),
            transaction.atomic(),
            connections["default"].cursor() as cursor,
        ):
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                [f"{int(settings.READINESS_TIMEOUT * 1000)}ms"],
            )
            cursor.execute("SELECT 1")
        outcome["ok"] = True
    except DatabaseError as error:
        outcome["error"] = error
    finally:
        connections.close_all()  # this thread's connection only
        _checking.release()


def _check_replica(outcome: dict) -> None:
    """How the replica is: "ok" (answers, and has replayed as far as the current content
    generation needs: public reads go to it), "lagging" (answers, but not that far: they go
    to the primary) or "down"."""
    try:
        try:
            replayed = replica_replayed()
        except DatabaseError as error:
            outcome["replica"], outcome["replica_error"] = "down", error
            return
        try:
            needed = current_generation().wal_position
        except Exception:  # no generation to compare with: the replica answers, at least
            needed = None
        behind = replayed is None or (
            needed is not None and wal_position_value(replayed) < wal_position_value(needed)
        )
        outcome["replica"] = "lagging" if behind else "ok"
    finally:
        connections.close_all()  # this thread's connections only
        _checking_replica.release()


_checking_replica = threading.Lock()


def _start_check(target, lock, outcome: dict) -> threading.Thread | None:
    """``target`` in a daemon thread of its own, unless the previous one still waits."""
    if not lock.acquire(blocking=False):
        return None
    thread = threading.Thread(target=target, args=[outcome], name="readiness")
    thread.daemon = True
    try:
        thread.start()
    except BaseException:
        lock.release()
        raise
    return thread


@never_cache
def ready(request):
    """The database answers within READINESS_TIMEOUT seconds: send this server traffic.

    The check runs in a thread of its own, on a connection of its own, and this answer never
    waits for it longer than READINESS_TIMEOUT: a hung database is reported as promptly as
    one that refuses connections (psycopg cannot bound a connection attempt under 2 seconds;
    the thread ends by itself within the connect timeout).

    With a read replica, a second thread checks it at the same time, and the answer says how
    it is ("replica: ok", "lagging" or "down") without ever making this server unready: public
    reads go to the primary while the replica cannot serve them.
    """
    outcome: dict = {}
    thread = _start_check(_check_database, _checking, outcome)
    if thread is None:
        return _unready("the previous check is still waiting for the database")
    replica = None
    if "replica" in settings.DATABASES:
        replica = _start_check(_check_replica, _checking_replica, outcome)
    deadline = time.monotonic() + settings.READINESS_TIMEOUT
    thread.join(settings.READINESS_TIMEOUT)
    if replica is not None:
        replica.join(max(0.0, deadline - time.monotonic()))
    lines = []
    if "replica" in settings.DATABASES:
        state = outcome.get("replica", "down")
        lines.append(f"replica: {state}")
        if state == "down":
            reason = outcome.get("replica_error") or "no answer in time"
            logger.warning("Read replica down: %s", str(reason).strip())
    if outcome.get("ok"):
        return HttpResponse("\n".join(["ok", *lines]), content_type="text/plain")
    reason = outcome.get("error") or f"no answer within {settings.READINESS_TIMEOUT:g} s"
    return _unready(str(reason).strip(), lines)


def _unready(reason: str, lines: list[str] = ()) -> HttpResponse:
    logger.warning("Not ready: %s", reason)
    body = "\n".join(["database unavailable", *lines])
    return HttpResponse(body, status=503, content_type="text/plain")


HEALTH_VIEWS = {"/healthz/live": live, "/healthz/ready": ready}


class HealthCheckMiddleware:
    """Answers the health checks first, for any Host and over plain HTTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_VIEWS.get(request.path_info)
        if view is not None and request.method in {"GET", "HEAD"}:
            return view(request)
        return self.get_response(request)


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After, from a template that needs no database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    add_never_cache_headers(response)
    response.database_unavailable = True  # db_router: a replica's failure is answered again
    return response


def server_error(request):
    """The 500 handler: a database error raised outside a view (in a middleware, say) is
    the database being unavailable too, and answered as such."""
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        return database_unavailable(request)
    return django_server_error(request)
