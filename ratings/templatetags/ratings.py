from django import template

from ratings.scale import scale_html

register = template.Library()


@register.filter
def rating_scale(rating):
    """The five-segment scale and the score in words for a Rating (or None: not rated yet)."""
    return scale_html(rating.score if rating else None)
