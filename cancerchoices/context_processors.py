from functools import cache

from django.urls import get_script_prefix, reverse


@cache
def _site_links(script_prefix: str) -> dict[str, str]:
    # The URL configuration does not change while the process runs; reversing the same dozen
    # names on every page is measurable work on the hot path, so it is done once per prefix.
    names = {
        "home": "home",
        "therapies": "therapies:list",
        "methodology": "ratings:methodology",
        "glossary": "therapies:glossary",
        "people": "people:list",
        "about": "about",
        "updates_feed": "therapies:updates_feed",
    }
    return {key: reverse(name) for key, name in names.items()}


def site_links(request):
    """Addresses of the site-wide navigation, as ``links.home``, ``links.about``, ..."""
    return {"links": _site_links(get_script_prefix())}
