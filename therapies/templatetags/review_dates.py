"""Dates as reviews print them, in words ("December 12, 2023", "September 2021").

The site is written in English only; these format with plain ``strftime`` month names, which
costs far less on every page than Django's localizing ``date`` filter.
"""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def long_date(value) -> str:
    day = _as_date(value)
    return f"{day:%B} {day.day}, {day.year}" if day else ""


@register.filter
def month_year(value) -> str:
    day = _as_date(value)
    return f"{day:%B %Y}" if day else ""


@register.filter
def iso_date(value) -> str:
    day = _as_date(value)
    return day.isoformat() if day else ""
