"""Health checks for the load balancer and the process supervisor."""

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def live(request):
    """The process answers requests. No I/O, so a database outage never restarts workers."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def ready(request):
    """The database answers within a short statement timeout: send this server traffic."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                [f"{settings.READINESS_TIMEOUT_MS}ms"],
            )
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
