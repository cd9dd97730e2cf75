from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from therapies.models import SEARCH_MARK_START, SEARCH_MARK_STOP

register = template.Library()


@register.filter
def highlighted(headline: str) -> SafeString:
    """Escape a search headline (``ReviewVersionQuerySet.search``), then mark its matches."""
    # Safe: everything but our own markers is escaped first.
    return mark_safe(
        escape(headline).replace(SEARCH_MARK_START, "<mark>").replace(SEARCH_MARK_STOP, "</mark>")
    )
