"""Comparing up to four published therapies side by side on the seven attributes.

Readers choose therapies with ``?therapies=a,b`` or, from the index's checkboxes (no
JavaScript), ``?therapies=a&therapies=b``; both forms may be mixed. ``CompareForm`` reads the
choices; ``compare_therapies`` loads what they name in three queries (the published versions,
their ratings, the attributes); the template writes every cell.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import BooleanField, ExpressionWrapper, F, Prefetch, Q
from django.db.models.functions import Greatest
from django.utils.http import urlencode

from ratings.models import Attribute, Rating

from .models import ReviewVersion

MAX_COMPARED = 4
# Slugs looked up at most: unknown ones do not count toward the four, but a query string of
# thousands is not worth reading.
MAX_ASKED = 12
MAX_NAME_LENGTH = 200
# A name typed to add matches a published therapy's name or other names when this close
# (pg_trgm's word similarity: misspelt names score 0.6 or more, unrelated ones up to about 0.4).
NAME_SIMILARITY = 0.6
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8


def printable(text: str) -> str:
    """``text`` without control characters such as NUL, stripped."""
    return "".join(char for char in text if char.isprintable()).strip()


def compare_query(slugs) -> str:
    """The query string comparing ``slugs``."""
    return urlencode({"therapies": ",".join(slugs)})


class SlugListField(forms.Field):
    """Therapy addresses, from repeated values and comma-separated lists alike, in the order
    given, each once."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        slugs = (printable(slug) for item in value for slug in str(item).split(","))
        return list(dict.fromkeys(slug for slug in slugs if slug))


class TypedNameField(forms.CharField):
    """A name as typed, without control characters (NUL included: never refused, dropped)
    and no longer than ``MAX_NAME_LENGTH``."""

    def to_python(self, value) -> str:
        return printable(super().to_python(value))[:MAX_NAME_LENGTH]


class CompareForm(forms.Form):
    """What a reader asks to compare: ``therapies`` chosen, and perhaps a name to ``add``."""

    therapies = SlugListField(required=False)
    add = TypedNameField(
        label="Add a therapy to compare",
        required=False,
        widget=forms.SearchInput(
            attrs={
                "maxlength": MAX_NAME_LENGTH,
                "placeholder": "Type its name, e.g. melatonin",
                "autocomplete": "off",
            }
        ),
    )

    def with_added(self, slug: str) -> str:
        """The query string comparing the therapies asked for and then ``slug``."""
        asked = self.cleaned_data["therapies"]
        return compare_query([s for s in asked if s != slug] + [slug])

    def comparison(self) -> "Comparison":
        """What the page shows of the therapies asked for (the first ``MAX_ASKED``)."""
        asked = self.cleaned_data["therapies"]
        comparison = compare_therapies(asked[:MAX_ASKED])
        comparison.asked_count = len(asked)
        comparison.not_found = self.cleaned_data["add"]
        return comparison


@dataclass
class ComparedTherapy:
    version: ReviewVersion
    # The query string comparing the others without this one.
    compare_without: str = ""

    def __post_init__(self):
        # Read in every cell: looked up once here rather than by the template each time.
        self.slug = self.version.therapy.slug
        self.name = self.version.name
        self.name_in_sentence = self.version.name_in_sentence
        self.url = self.version.therapy.get_absolute_url()


@dataclass
class Comparison:
    # How many therapies the reader asked for, and how many of them were looked up.
    asked_count: int = 0
    looked_up: int = 0
    # A name the reader typed to add that matched no published therapy
    not_found: str = ""
    therapies: list[ComparedTherapy] = field(default_factory=list)
    # Slugs of no published review: named on the page, not counted toward the four.
    unknown: list[str] = field(default_factory=list)
    # Published therapies asked for after the first four.
    left_out: list[ComparedTherapy] = field(default_factory=list)
    # [(attribute, [(therapy, its rating or None), ...]), ...] in the attributes' order
    rows: list = field(default_factory=list)

    @property
    def not_looked_up(self) -> int:
        return self.asked_count - self.looked_up

    @property
    def needs_a_word(self) -> bool:
        """Whether the page explains that something asked for is not shown."""
        return bool(self.unknown or self.left_out or self.not_looked_up or self.not_found)

    @property
    def query(self) -> str:
        """The query string comparing what the page shows."""
        return compare_query(therapy.slug for therapy in self.therapies)


# What a rating's scale and badge read of its evidence level (ratings' template tags).
LEVEL_FIELDS = ["code", "label", "badge_text", "direction"]


def compared_versions(slugs):
    """The published versions of the therapies at ``slugs``, each with its ratings (and their
    evidence levels) and ``has_note`` on each rating: two queries, of the columns shown."""
    ratings = (
        Rating.objects.select_related("evidence_level")
        .only(
            "version", "attribute", "score", *(f"evidence_level__{name}" for name in LEVEL_FIELDS)
        )
        .annotate(has_note=ExpressionWrapper(~Q(note_html=""), output_field=BooleanField()))
    )
    return (
        ReviewVersion.objects.published()
        .filter(therapy__slug__in=slugs)
        .select_related("therapy", "category")
        .only("name", "therapy__slug", "category__name")
        .prefetch_related(Prefetch("ratings", queryset=ratings))
    )


def compare_therapies(slugs: list[str]) -> Comparison:
    """What comparing ``slugs`` shows: no query when there are none, three otherwise."""
    comparison = Comparison(asked_count=len(slugs), looked_up=len(slugs))
    if not slugs:
        return comparison
    found = {version.therapy.slug: version for version in compared_versions(slugs)}
    known = [ComparedTherapy(found[slug]) for slug in slugs if slug in found]
    comparison.unknown = [slug for slug in slugs if slug not in found]
    comparison.therapies, comparison.left_out = known[:MAX_COMPARED], known[MAX_COMPARED:]
    chosen = [therapy.slug for therapy in comparison.therapies]
    for therapy in comparison.therapies:
        therapy.compare_without = compare_query(slug for slug in chosen if slug != therapy.slug)
    if comparison.therapies:
        ratings = {
            therapy.slug: {rating.attribute_id: rating for rating in therapy.version.ratings.all()}
            for therapy in comparison.therapies
        }
        comparison.rows = [
            (
                attribute,
                [
                    (therapy, ratings[therapy.slug].get(attribute.pk))
                    for therapy in comparison.therapies
                ],
            )
            for attribute in Attribute.objects.only("code", "label", "short_label")
        ]
    return comparison


def best_match(name: str) -> str | None:
    """The slug of the published therapy a reader most likely meant by ``name``: the closest
    by name or other names (a misspelling away at most), else the review that matches the
    words best."""
    if not name:
        return None
    published = ReviewVersion.objects.published()
    closeness = Greatest(
        TrigramWordSimilarity(name, "name"), TrigramWordSimilarity(name, "alternate_names")
    )
    by_name = (
        published.filter(
            Q(name__trigram_word_similar=name) | Q(alternate_names__trigram_word_similar=name)
        )
        .annotate(closeness=closeness)
        .filter(closeness__gte=NAME_SIMILARITY)
        .order_by("-closeness", "name")
    )
    slug = by_name.values_list("therapy__slug", flat=True).first()
    if slug:
        return slug
    # Only the letters and digits of what was typed: a name box takes no search syntax.
    words = " ".join(WORD.findall(name)[:MAX_WORDS])
    if not words:
        return None
    query = SearchQuery(words, search_type="plain", config="english")
    by_text = (
        published.filter(search_document=query)
        .annotate(rank=SearchRank(F("search_document"), query))
        .order_by("-rank", "name")
    )
    return by_text.values_list("therapy__slug", flat=True).first()
