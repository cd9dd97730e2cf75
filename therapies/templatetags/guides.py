"""Which way a finding points, as the cancer-type guides and the index show it: in words with an
icon."""

from django import template

from therapies.guides import direction_html

register = template.Library()


@register.filter
def direction(value: str):
    """Which way a finding points: its icon and its words ("No benefit")."""
    return direction_html(value)
