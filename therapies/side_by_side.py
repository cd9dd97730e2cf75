"""Comparing up to four published therapies side by side on the seven attributes.

Readers choose therapies with ``?therapies=a,b`` or, from the index's checkboxes (no
JavaScript), ``?therapies=a&therapies=b``; both forms may be mixed.

Built to cost little when the page cache misses: plain values rather than model instances,
the chosen therapies and their ratings in one query, and the list of therapies one could add
(every published one) written as ``<option>``s here rather than by a template loop.
"""

import re
from dataclasses import dataclass, field
from html import escape as escape_html

from django.db.models.functions import Length
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from ratings.models import Attribute
from ratings.scale import scale_html

from .models import ReviewVersion, Therapy
from .search import ResultsQuery, therapy_url_maker

MAX_COMPARED = 4
MAX_NAME_LENGTH = 200
SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what the therapy page's <slug:slug> accepts


def requested_slugs(query) -> list[str]:
    """The slugs asked for, in order, each once, without control characters such as NUL."""
    slugs = (
        "".join(char for char in slug if char.isprintable()).strip()
        for value in query.getlist("therapies")
        for slug in value.split(",")
    )
    return list(dict.fromkeys(slug for slug in slugs if slug))


def compare_query(slugs) -> str:
    return urlencode({"therapies": ",".join(slugs)})


@dataclass
class ComparedTherapy:
    slug: str
    name: str
    category: str
    url: str
    # The query string comparing the others without this one.
    compare_without: str = ""
    # {attribute id: (score, evidence level code, evidence level label, has a note)}
    ratings: dict = field(default_factory=dict)

    # The same rule as the model's: "Low-dose naltrexone" reads "low-dose naltrexone".
    name_in_sentence = property(Therapy.name_in_sentence.fget)


@dataclass
class Comparison:
    requested: list[str]
    therapies: list[ComparedTherapy] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    # (attribute, [the markup in each therapy's cell, ...]) in attribute order
    rows: list = field(default_factory=list)
    # A name the reader typed to add, that matched no published therapy
    not_found: str = ""

    @property
    def too_many(self) -> bool:
        return len(self.requested) > MAX_COMPARED

    @property
    def first_allowed_query(self) -> str:
        """The query string comparing the first four therapies asked for."""
        return compare_query(self.requested[:MAX_COMPARED])


def compare_therapies(query) -> Comparison:
    """Load what ``query`` asks to compare: a fixed number of queries, whatever is asked."""
    comparison = Comparison(requested=requested_slugs(query))
    if comparison.too_many:
        return comparison
    wanted = [slug for slug in comparison.requested if SLUG.fullmatch(slug)]
    published = ReviewVersion.objects.published()
    therapy_url = therapy_url_maker()
    found = {}
    # One row per rating of each version asked for (or one without a rating, if it has none).
    for slug, name, category, attribute_id, score, level_code, level_label, note in (
        published.filter(therapy__slug__in=wanted)
        .annotate(note_length=Length("ratings__note_html"))
        .values_list(
            "therapy__slug",
            "therapy__name",
            "therapy__category__name",
            "ratings__attribute_id",
            "ratings__score",
            "ratings__evidence_level__code",
            "ratings__evidence_level__label",
            "note_length",
        )
    ):
        if slug not in found:
            found[slug] = ComparedTherapy(slug, name, category, therapy_url(slug))
        if attribute_id is not None:
            found[slug].ratings[attribute_id] = (score, level_code, level_label, bool(note))
    comparison.therapies = [found[slug] for slug in comparison.requested if slug in found]
    comparison.unknown = [slug for slug in comparison.requested if slug not in found]
    chosen = [therapy.slug for therapy in comparison.therapies]
    for therapy in comparison.therapies:
        therapy.compare_without = compare_query(slug for slug in chosen if slug != therapy.slug)
    if comparison.therapies:
        methodology_url = reverse("ratings:methodology")
        comparison.rows = [
            (
                attribute,
                [cell(attribute, therapy, methodology_url) for therapy in comparison.therapies],
            )
            for attribute in Attribute.objects.values("pk", "code", "label", "short_label")
        ]
    return comparison


def best_match(name: str) -> str | None:
    """The slug of the published therapy a reader most likely meant by ``name``."""
    name = name.replace("\x00", "").strip()[:MAX_NAME_LENGTH]
    if not name:
        return None
    best = ResultsQuery({"q": name}, "relevance").page(offset=0, limit=1)
    return best[0]["slug"] if best else None


def cell(attribute: dict, therapy: ComparedTherapy, methodology_url: str) -> SafeString:
    """What the table's cell shows of ``therapy``'s rating on ``attribute``, as markup.

    Written here rather than in the template, which would look up and escape each value of
    every cell; every value is escaped as the template would.
    """
    score, level_code, level_label, has_note = therapy.ratings.get(
        attribute["pk"], (None, None, None, False)
    )
    html = f'\n  <div class="rating-value">{scale_html(score)}</div>'
    if level_code:
        html += (
            f'\n  <a class="badge" href="{escape_html(methodology_url)}#level-'
            f'{escape_html(level_code)}">{escape_html(level_label)} evidence</a>'
        )
    if has_note:
        why = f"{attribute['label'].lower()} for {therapy.name_in_sentence}"
        html += (
            f'\n  <a class="why" href="{escape_html(therapy.url)}#rating-'
            f'{escape_html(attribute["code"])}">Why this rating<span class="visually-hidden">: '
            f"{escape_html(why)}</span></a>"
        )
    return mark_safe(html + "\n")
