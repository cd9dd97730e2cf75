"""Django's PostgreSQL backend, with every wait for the server bounded during a request.

psycopg waits for the server's answer for as long as it takes. A server that hangs (its
processes stopped, swapping, stuck on storage) keeps its connections open, and its kernel keeps
acknowledging what is sent, so neither TCP keepalives nor ``tcp_user_timeout`` notice anything
and the server-side ``statement_timeout`` never fires: a request would wait until gunicorn kills
its worker. Inside ``wait_limit(seconds)`` (``DatabaseUnavailableMiddleware`` wraps every
request in it, with ``DATABASE_REQUEST_TIMEOUT``) each wait for the server ends after that
long: the connection, caught mid-exchange, is closed, and ``OperationalError`` is raised, which
the middleware answers with 503. Outside it (management commands, the background worker),
waits are as psycopg makes them, bounded by the libpq options in the settings.

Connecting is bounded by ``connect_timeout`` (libpq's own, at least 2 seconds) everywhere.

This relies on psycopg 3.3's ``Connection.wait(timeout=...)`` and its ``_WaitTimeout``
(requirements.txt pins 3.3.9); tests/test_health.py fails if either changes.
"""

import contextvars
from contextlib import contextmanager

import psycopg
from django.db import OperationalError
from django.db.backends.postgresql import base
from psycopg.connection import _WAIT_INTERVAL
from psycopg.errors import _WaitTimeout

# A health check (CONN_HEALTH_CHECKS, or after an error) outside any limit waits this long.
HEALTH_CHECK_LIMIT = 5.0

_limit: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "database_wait_limit", default=None
)


@contextmanager
def wait_limit(seconds: float | None):
    """Within the block, each wait for the server ends after ``seconds`` (None: no limit)."""
    token = _limit.set(seconds or None)
    try:
        yield
    finally:
        _limit.reset(token)


class ServerDidNotAnswer(psycopg.OperationalError):
    """The server did not answer within the limit; the connection has been closed."""


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose waits for the server honour ``wait_limit``."""

    timed_out = False

    def wait(self, gen, interval: float = _WAIT_INTERVAL, timeout: float | None = None):
        limit = _limit.get()
        if timeout is not None or limit is None:
            return super().wait(gen, interval=interval, timeout=timeout)
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        except _WaitTimeout:
            # Caught mid-exchange, the connection is in an unknown state: never use it again.
            # Closing only writes a goodbye the kernel buffers; it does not wait for the server.
            self.timed_out = True
            self.close()
            raise ServerDidNotAnswer(f"The database did not answer within {limit:g} s.") from None


class _Psycopg:
    """The psycopg module as Django's backend reaches it (``DatabaseWrapper.Database``),
    except that ``connect`` makes a ``BoundedConnection``."""

    connect = BoundedConnection.connect

    def __getattr__(self, name):
        return getattr(psycopg, name)


class DatabaseWrapper(base.DatabaseWrapper):
    Database = _Psycopg()

    def is_usable(self) -> bool:
        with wait_limit(_limit.get() or HEALTH_CHECK_LIMIT):
            return super().is_usable()

    def close_if_health_check_failed(self) -> None:
        """Django replaces a connection that fails its health check with a new one. When the
        check failed because the server did not answer, it is hung, and connecting would only
        add the connect timeout to the wait: fail now instead."""
        connection = self.connection
        super().close_if_health_check_failed()
        if getattr(connection, "timed_out", False):
            raise OperationalError("The database did not answer its health check in time.")
