from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

from .middleware import canonical_path


@cache
def _site_links(script_prefix: str) -> dict[str, str]:
    # The URL configuration does not change while the process runs; reversing the same dozen
    # names on every page is measurable work on the hot path, so it is done once per prefix.
    names = {
        "home": "home",
        "therapies": "therapies:list",
        "cancer_types": "therapies:cancer_types",
        "methodology": "ratings:methodology",
        "glossary": "therapies:glossary",
        "people": "therapies:people",
        "compare": "therapies:compare",
        "about": "about",
        "contact": "therapies:contact",
        "accessibility": "accessibility",
        "privacy": "privacy",
        "favicon": "favicon",
        "updates_feed": "therapies:updates_feed",
    }
    links = {key: reverse(name) for key, name in names.items()}
    # Static files' hashed names are fixed once collectstatic has run.
    for key, path in {
        "css": "css/site.css",
        "print_css": "css/print.css",
        "js": "js/site.js",
        "logo": "img/logo.svg",
        "touch_icon": "img/apple-touch-icon.png",
        "og_image": "img/og-image.png",
    }.items():
        links[key] = static(path)
    return links


def site_links(request):
    """Addresses of the site-wide navigation and assets, as ``links.home``, ``links.css``, ...;
    ``page_url``, the page's address on the public site (for printing); ``canonical_url``, its
    canonical address (for rel="canonical" and sharing), None on a page no view answers; and
    ``og_image``, the site's sharing image."""
    links = _site_links(get_script_prefix())
    canonical_url = None
    if match := request.resolver_match:
        view = getattr(match.func, "view_class", match.func)
        canonical_url = settings.SITE_URL + canonical_path(request, view)
    return {
        "links": links,
        "page_url": settings.SITE_URL + request.get_full_path(),
        "canonical_url": canonical_url,
        "og_image": settings.SITE_URL + links["og_image"],
    }


@receiver(setting_changed)
def _forget_site_links(*, setting, **kwargs):
    # Tests may switch URL configuration or static storage; running sites never do.
    if setting in {"ROOT_URLCONF", "STATIC_URL", "STORAGES"}:
        _site_links.cache_clear()
