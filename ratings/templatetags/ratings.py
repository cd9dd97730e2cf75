from django import template
from django.utils.safestring import mark_safe

from ratings.scale import ICONS, badge_html, scale_html

register = template.Library()


@register.filter
def rating_scale(rating):
    """The five-segment scale and the score in words for a Rating (or None: not rated yet),
    drawn for the direction of its evidence (no benefit and harm look different)."""
    if rating is None:
        return scale_html(None)
    level = rating.evidence_level if rating.evidence_level_id else None
    return scale_html(rating.score, level.direction if level else "")


@register.simple_tag
def evidence_badge(level, href="", css_class="badge", words="", direction=""):
    """An EvidenceLevel's badge (nothing without one), linked to its definition at ``href``.
    ``words`` and ``direction`` say it otherwise: a research finding's badge gives the strength
    of evidence and which way it points ("Good evidence of no benefit")."""
    if not level:
        return ""
    return badge_html(
        level.code, words or level.badge, direction or level.direction, href, css_class
    )


@register.simple_tag
def level_icon(direction):
    """The icon a badge of evidence pointing ``direction`` carries (for the key to the scale)."""
    return mark_safe(ICONS.get(direction, ""))
