"""Public page cache and database outage handling.

``PublicPageCacheMiddleware`` serves anonymous GET and HEAD requests from the shared cache (see
``cancerchoices.cache``). It sits before the session and authentication middleware, so a hit
touches neither the session nor the database. ``ConditionalGetMiddleware``, just outside it,
answers ``If-None-Match`` and ``If-Modified-Since`` with 304 from the headers stored here.
A cached page is the same bytes for every reader: public templates must not hold per-request
values (CSRF tokens, CSP nonces); a response that sets a cookie is never stored.

A page is cached under its canonical address only, so that no reader can grow the cache or
plant a variant in it: the path and the query parameters its view names in ``cached_query``,
in that order, without empty values. Any other query string is answered with a 301 to the
canonical address; a request carrying one of the view's ``uncached_query`` parameters (a
search) is rendered but never stored. The host is not part of the key: absolute addresses in
pages come from ``SITE_URL``, never from the request.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import (
    cc_delim_re,
    patch_cache_control,
    set_response_etag,
)
from django.utils.encoding import escape_uri_path
from django.utils.http import http_date, urlencode

from .cache import Generation, current_generation, with_replica
from .db_router import reads_must_include
from .health import database_unavailable
from .postgresql.base import wait_limit

logger = logging.getLogger(__name__)

SAFE_METHODS = {"GET", "HEAD"}


def is_anonymous_read(request) -> bool:
    return request.method in SAFE_METHODS and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _cache_control_forbids_sharing(response) -> bool:
    header = response.get("Cache-Control", "")
    directives = {d.split("=")[0].strip().lower() for d in cc_delim_re.split(header)}
    return bool(directives & {"private", "no-store", "no-cache"})


def _drop_vary_cookie(response) -> None:
    fields = [f.strip() for f in cc_delim_re.split(response.get("Vary", "")) if f.strip()]
    kept = [f for f in fields if f.lower() != "cookie"]
    if kept:
        response["Vary"] = ", ".join(kept)
    elif "Vary" in response:
        del response["Vary"]


# A request whose answer is never stored (a search: its text is whatever the reader typed).
SEARCH = object()


def canonical_address(request):
    """The canonical path and query string of the page ``request`` asks for; ``SEARCH`` for
    a search; None when no view answers the path."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    view = getattr(view, "view_class", view)
    if any(request.GET.get(name, "").strip() for name in getattr(view, "uncached_query", ())):
        return SEARCH
    return canonical_path(request, view)


def canonical_path(request, view) -> str:
    """The path of ``request`` with only the query parameters ``view`` names in
    ``cached_query``: the page's address in the cache, and its rel="canonical" (a search's is
    the page it searched, without the words)."""
    pairs = [
        (name, value)
        for name in getattr(view, "cached_query", ())
        for value in request.GET.getlist(name)
        if value.strip()
    ]
    path = escape_uri_path(request.path)
    return f"{path}?{urlencode(pairs)}" if pairs else path


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def admin_prefix(self) -> str:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        return self._admin_prefix

    def __call__(self, request):
        if not is_anonymous_read(request) or request.path.startswith(self.admin_prefix()):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        request.get_host()  # a Host not allowed gets its 400 here, never a cached page
        address = canonical_address(request)
        if address is None:  # not a page of ours: 404, handled downstream
            return self.get_response(request)
        if address is not SEARCH and address != request.get_full_path():
            return HttpResponsePermanentRedirect(address)
        storable = settings.PUBLIC_PAGE_CACHE and address is not SEARCH
        generation = self.generation() if storable or with_replica() else None
        # With a replica: what this request reads must include all the generation names.
        reads_must_include(generation.wal_position if generation else None)
        key = self.page_key(address, generation.number) if storable and generation else None
        if key:
            cached = self._cache_get(key)
            if cached is not None:
                content, headers = cached
                response = HttpResponse(content, headers=headers)
                response["X-Cache"] = "hit"
                return response

        response = self.get_response(request)
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or _cache_control_forbids_sharing(response)
        ):
            return response
        _drop_vary_cookie(response)
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
        if not response.has_header("ETag"):
            set_response_etag(response)
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(time.time())
        if key:
            self._cache_set(key, (response.content, dict(response.items())))
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def generation() -> Generation | None:
        try:
            return current_generation()
        except Exception:
            logger.exception("Page cache unavailable; serving uncached")
            return None

    @staticmethod
    def page_key(address: str, generation: int) -> str:
        return f"page:{generation}:{hashlib.sha256(address.encode()).hexdigest()}"

    @staticmethod
    def _cache_get(key):
        try:
            return cache.get(key)
        except Exception:
            logger.exception("Page cache unavailable; serving uncached")
            return None

    @staticmethod
    def _cache_set(key, value) -> None:
        try:
            cache.set(key, value, timeout=settings.PUBLIC_CACHE_TIMEOUT)
        except Exception:
            logger.exception("Could not store a page in the cache")


class DatabaseUnavailableMiddleware:
    """Answers 503 with Retry-After, from a template that needs no database, while it is down.

    Every wait for the database during the request is bounded by DATABASE_REQUEST_TIMEOUT
    (cancerchoices.postgresql), so a hung database is down too, not a hung request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with wait_limit(settings.DATABASE_REQUEST_TIMEOUT):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        return database_unavailable(request)


class RequestSizeLimitMiddleware:
    """Refuses a request whose body is larger than MAX_REQUEST_BYTES with 413, before anything
    reads it, whoever sends it and wherever to.

    Django reads no more of a body than its Content-Length declares (a body without one reads
    as empty), and nothing before this middleware reads it. Later, the CSRF check reads the
    whole body of any POST looking for its token, writing file parts of any size to disk,
    before it can refuse a request without a valid one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # what Django reads of it
        if length > settings.MAX_REQUEST_BYTES:
            limit = settings.MAX_REQUEST_BYTES / 1024 / 1024
            return HttpResponse(
                f"The request is too large: the limit is {limit:.0f} MB.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
