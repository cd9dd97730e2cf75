"""Dates and times in the admin in each staff member's own time zone."""

import zoneinfo

from django.urls import reverse
from django.utils import timezone

from .models import StaffSettings


class StaffTimeZoneMiddleware:
    """Activates the time zone a staff member chose (``StaffSettings``) for their admin
    requests, so every date and time the admin shows or reads is in it. Other pages, and the
    public page cache, keep the site's zone (``settings.TIME_ZONE``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(reverse("admin:index")):
            return self.get_response(request)
        user = request.user
        zone = None
        if user.is_authenticated and user.is_staff:
            zone = (
                StaffSettings.objects.filter(user=user).values_list("time_zone", flat=True).first()
            )
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        except (TypeError, ValueError, zoneinfo.ZoneInfoNotFoundError):
            return self.get_response(request)  # none chosen, or one this server lost: the site's
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
