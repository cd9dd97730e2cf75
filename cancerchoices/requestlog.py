"""Request ids, structured logs, and the client's address behind the load balancer.

Every request gets an id: the one the load balancer sent in ``X-Request-ID`` when it looks like
one, else a new one. The response carries it back in ``X-Request-ID`` (gunicorn's access log
prints it too), and every log record written while the request is handled carries it, so the
traceback of a 500 can be found from the id a reader or the load balancer reports.

In production the logs are JSON lines on stderr (``LOGGING`` in the production settings): one
object per record, with its time, level, logger, message, request id, and traceback if any.
"""

import contextvars
import ipaddress
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest

REQUEST_ID_HEADER = "X-Request-ID"
# Ids from the load balancer are kept when they are plain tokens (UUIDs, AWS trace ids, ...).
ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:;=+/-]{1,200}")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


class RequestIdMiddleware:
    """Gives each request its id (``request.request_id``), for the logs and the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = given if ACCEPTED_ID.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record: that of the request being handled, or of the
    request the record is about (Django logs a request's error status after its middleware)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            entry["method"] = request.method
            entry["path"] = request.path
        if getattr(record, "status_code", None):
            entry["status"] = record.status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def client_ip(request) -> str | None:
    """The reader's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies (the
    load balancer, a CDN), the address the outermost of them saw and appended to
    ``X-Forwarded-For``. Entries left of it are whatever the client sent, and never trusted.

    Used by the sign-in lockout (django-axes' ``AXES_CLIENT_IP_CALLABLE``).
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote  # not through every proxy: only the peer's address is known
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
