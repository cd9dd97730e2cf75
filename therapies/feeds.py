"""Atom feeds (RFC 4287) of review updates: one for the whole site, one per therapy, and one
of each therapy's rating changes.

Each entry is a published version: who approved it (or the organisation), when, what kind of
change it was and what changed, and the review's summary as its content."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import ReviewVersion
from .rating_history import RatingChange, rating_timelines, rating_words

NEWEST_FIRST = [
    F("published_at").desc(nulls_last=True),
    F("last_updated").desc(nulls_last=True),
    "name",
]

# The kind of each change as the "what changed" page names it (templates/includes/change_kind.html).
CHANGE_LABELS = {
    ReviewVersion.ChangeKind.FULL_REVIEW: "Full literature review",
    ReviewVersion.ChangeKind.UPDATE: "Update",
    ReviewVersion.ChangeKind.CORRECTION: "Correction",
}
FIRST_VERSION = "First published"


def absolute(path: str) -> str:
    """The site's own address for ``path``: never the Host a request came with."""
    return settings.SITE_URL + path


def change_label(version: ReviewVersion) -> str:
    return CHANGE_LABELS.get(version.change_kind, FIRST_VERSION)


def approver_name(version: ReviewVersion) -> str:
    """The clinical consultant who approved the version; the organisation otherwise."""
    person = getattr(version.approved_by, "person", None)
    return person.display_name if person else settings.SITE_NAME


def approver_link(version: ReviewVersion) -> str:
    person = getattr(version.approved_by, "person", None)
    return absolute(person.get_absolute_url() if person else "/")


class PlainTextAtomFeed(Atom1Feed):
    """Atom with a plain-text summary (what changed) and content (the review's summary).

    Django writes the summary as ``type="html"``, which would have readers parse a therapy's
    name or a change summary ("A < B") as markup; here both are text."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        handler.addQuickElement("summary", item["description"], {"type": "text"})
        handler.addQuickElement("content", item["content"], {"type": "text"})


class VersionFeed(Feed):
    """Entries are review versions; each has its own Atom id, so a new version is a new entry."""

    feed_type = PlainTextAtomFeed
    author_name = settings.SITE_NAME

    def author_link(self):
        return absolute("/")

    def item_title(self, version):
        return f"{version.name}: {change_label(version).lower()}"

    def item_description(self, version):
        """What changed, in the words shown on the review's "what changed" page."""
        what = version.change_summary or "First published version of this review."
        return f"{change_label(version)}. {what}"

    def item_link(self, version):
        return absolute(version.therapy.get_absolute_url())

    def item_pubdate(self, version):
        return version.published_at

    def item_updateddate(self, version):
        return version.public_modified

    def item_author_name(self, version):
        return approver_name(version)

    def item_author_link(self, version):
        return approver_link(version)

    def item_extra_kwargs(self, version):
        return {"version_number": version.number, "content": version.summary}

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Every version of a therapy links to the same page; the id tells them apart.
        for entry in feed.items:
            entry["unique_id"] = f"{entry['link']}#version-{entry['version_number']}"
        return feed


def public_versions():
    return ReviewVersion.objects.select_related("therapy", "approved_by__person")


class UpdatesFeed(VersionFeed):
    title = f"{settings.SITE_NAME}: review updates"
    subtitle = "Reviews of complementary cancer therapies, newest updates first."

    def link(self):
        return absolute(reverse("home"))

    def feed_url(self):
        return absolute(reverse("therapies:updates_feed"))

    def feed_guid(self):
        return self.feed_url()

    def items(self):
        return public_versions().published().order_by(*NEWEST_FIRST)[:50]


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

    def feed_guid(self, version):
        return self.feed_url(version)

    def items(self, version):
        # The versions a therapy's feed may list (published and superseded), in one place.
        return (
            public_versions()
            .public_history()
            .filter(therapy=version.therapy_id)
            .order_by(*NEWEST_FIRST)
        )


class RatingFeed(Feed):
    """One therapy's rating changes: an entry for each published change of an attribute's score
    or evidence level, as its page of rating histories lists them."""

    feed_type = PlainTextAtomFeed
    author_name = settings.SITE_NAME

    def get_object(self, request, slug):
        return get_object_or_404(
            ReviewVersion.objects.published().select_related("therapy"), therapy__slug=slug
        )

    def author_link(self):
        return absolute("/")

    def title(self, version):
        return f"{version.name}: rating changes from {settings.SITE_NAME}"

    def subtitle(self, version):
        return f"Each change to our ratings of {version.name_in_sentence}, newest first."

    def link(self, version):
        return absolute(reverse("therapies:ratings", args=[version.therapy.slug]))

    def feed_url(self, version):
        return absolute(reverse("therapies:ratings_feed", args=[version.therapy.slug]))

    def feed_guid(self, version):
        return self.feed_url(version)

    def items(self, version):
        changes = [
            change
            for timeline in rating_timelines(version.therapy_id)
            for change in timeline.changes
        ]
        # Newest first; within one version, in the attributes' order.
        changes.sort(key=lambda change: change.version.published_at, reverse=True)
        return changes

    def item_title(self, change: RatingChange):
        return change.title

    def item_description(self, change: RatingChange):
        """The kind of change and its public summary, as the "what changed" page says them."""
        version = change.version
        what = version.change_summary or "First published version of this review."
        return f"{change_label(version)}. {what}"

    def item_link(self, change: RatingChange):
        page = reverse("therapies:ratings", args=[change.version.therapy.slug])
        return absolute(f"{page}#{change.attribute.code}")

    def item_guid(self, change: RatingChange):
        return f"{self.item_link(change)}-version-{change.version.number}"

    def item_pubdate(self, change: RatingChange):
        return change.version.published_at

    def item_updateddate(self, change: RatingChange):
        return change.version.published_at

    def item_author_name(self, change: RatingChange):
        return approver_name(change.version)

    def item_author_link(self, change: RatingChange):
        return approver_link(change.version)

    def item_extra_kwargs(self, change: RatingChange):
        label, version = change.attribute.label, change.version
        if change.is_first:
            what = (
                f"{label}: rated {rating_words(change.after)} when we first published this review."
            )
        else:
            what = f"{label}: from {rating_words(change.before)} to {rating_words(change.after)}."
        summary = version.change_summary or "First published version of this review."
        return {"content": f"{what} {change_label(version)}: {summary}"}
