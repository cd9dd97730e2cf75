"""Atom feeds of review updates: one for the whole site, one per therapy."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import ReviewVersion

NEWEST_FIRST = [
    F("published_at").desc(nulls_last=True),
    F("last_updated").desc(nulls_last=True),
    "name",
]


def absolute(path: str) -> str:
    """The site's own address for ``path``: never the Host a request came with."""
    return settings.SITE_URL + path


class VersionFeed(Feed):
    """Entries are review versions; each has its own Atom id, so a new version is a new entry."""

    feed_type = Atom1Feed

    def item_title(self, version):
        return version.name

    def item_description(self, version):
        return version.summary

    def item_link(self, version):
        return absolute(version.therapy.get_absolute_url())

    def item_updateddate(self, version):
        return version.public_modified

    def item_extra_kwargs(self, version):
        return {"version_number": version.number}

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Every version of a therapy links to the same page; the id tells them apart.
        for entry in feed.items:
            entry["unique_id"] = f"{entry['link']}#version-{entry['version_number']}"
        return feed


class UpdatesFeed(VersionFeed):
    title = f"{settings.SITE_NAME}: review updates"
    subtitle = "Reviews of complementary cancer therapies, newest updates first."

    def link(self):
        return absolute(reverse("home"))

    def feed_url(self):
        return absolute(reverse("therapies:updates_feed"))

    def items(self):
        return (
            ReviewVersion.objects.published().select_related("therapy").order_by(*NEWEST_FIRST)[:50]
        )


class TherapyFeed(VersionFeed):
    """One therapy's published versions; the feed is named as its published version names it."""

    def get_object(self, request, slug):
        return get_object_or_404(
            ReviewVersion.objects.published().select_related("therapy"), therapy__slug=slug
        )

    def title(self, version):
        return f"{version.name}: review updates from {settings.SITE_NAME}"

    def subtitle(self, version):
        return f"Each published version of our review of {version.name_in_sentence}."

    def link(self, version):
        return absolute(version.therapy.get_absolute_url())

    def feed_url(self, version):
        return absolute(reverse("therapies:therapy_feed", args=[version.therapy.slug]))

    def items(self, version):
        # The versions a therapy's feed may list (published and superseded), in one place.
        return (
            ReviewVersion.objects.public_history()
            .filter(therapy=version.therapy_id)
            .select_related("therapy")
            .order_by(*NEWEST_FIRST)
        )
