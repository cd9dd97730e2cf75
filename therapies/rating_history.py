"""Each rating's history: every published change of an attribute's score and evidence level,
read at request time from the versions the public saw and their ratings (nothing stored twice).

A change is a version, from the first published on, whose score or evidence level for an
attribute differs from the version published before it. Drafts, versions in review and
discarded ones never count: only ``public_history`` versions do."""

from dataclasses import dataclass

from django.db.models import Prefetch

from ratings.models import Attribute, Rating

from .models import ReviewVersion


def rating_words(rating: Rating | None) -> str:
    """A rating in words: "3 of 5, Modest evidence", or "Not rated yet" (not the same as 0)."""
    if rating is None:
        return "Not rated yet"
    if rating.evidence_level_id:
        return f"{rating.score_text}, {rating.evidence_level.badge}"
    return rating.score_text


def rating_key(rating: Rating | None) -> tuple:
    """What a reader sees of a rating in its history: its score and its evidence level."""
    return (None, None) if rating is None else (rating.score, rating.evidence_level_id)


@dataclass(frozen=True)
class RatingChange:
    """One published change of one attribute's rating: the version that made it, and the
    rating before it (none for the first publication) and after it (None: not rated yet)."""

    attribute: Attribute
    version: ReviewVersion
    before: Rating | None
    after: Rating | None
    is_first: bool

    @property
    def title(self) -> str:
        """ "Safety: 3 of 5 → 4 of 5"; "Safety: 3 of 5 (first published)"."""
        if self.is_first:
            return f"{self.attribute.label}: {rating_words(self.after)} (first published)"
        return f"{self.attribute.label}: {rating_words(self.before)} → {rating_words(self.after)}"


@dataclass(frozen=True)
class Timeline:
    """One attribute's rating now and its published changes, newest first."""

    attribute: Attribute
    current: Rating | None
    changes: list[RatingChange]


# What a history reads of a version: when and how it changed the review, and who approved it.
HISTORY_FIELDS = [
    "therapy__slug", "number", "state", "published_at", "change_kind", "change_summary",
    "approved_by__person__name", "approved_by__person__slug", "approved_by__person__credentials",
]  # fmt: skip


def published_versions_with_ratings(therapy_id: int) -> list[ReviewVersion]:
    """The therapy's versions the public saw, oldest first, each with its ratings (two queries,
    however long the history)."""
    ratings = Rating.objects.select_related("evidence_level").defer("note", "note_html")
    return list(
        ReviewVersion.objects.public_history()
        .filter(therapy=therapy_id)
        .select_related("therapy", "approved_by__person")
        .only(*HISTORY_FIELDS)
        .prefetch_related(Prefetch("ratings", queryset=ratings))
        .order_by("published_at", "number")
    )


def rating_timelines(therapy_id: int) -> list[Timeline]:
    """Every attribute's published rating changes for one therapy, in the attributes' order
    (three queries: the versions, their ratings, the attributes)."""
    versions = published_versions_with_ratings(therapy_id)
    by_version = [
        (version, {rating.attribute_id: rating for rating in version.ratings.all()})
        for version in versions
    ]
    timelines = []
    for attribute in Attribute.objects.all():
        changes, before = [], None
        for position, (version, ratings) in enumerate(by_version):
            after = ratings.get(attribute.pk)
            if position == 0 or rating_key(after) != rating_key(before):
                changes.append(RatingChange(attribute, version, before, after, position == 0))
            before = after
        changes.reverse()
        timelines.append(Timeline(attribute, before, changes))
    return timelines
