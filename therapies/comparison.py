"""Comparing up to four published therapies side by side on the seven attributes.

Readers choose therapies with ``?therapies=a,b`` or, from the index's checkboxes (no
JavaScript), ``?therapies=a&therapies=b``; both forms may be mixed.

Built to cost little when the page cache misses: the chosen therapies, the attributes and the
ratings in one SQL statement, as plain values, and each cell of the table written here rather
than by a template loop. A therapy is added by typing its name (``best_match``).
"""

import re
from dataclasses import dataclass, field
from html import escape as escape_html

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from ratings.scale import scale_html

from .models import name_in_sentence, published_sql
from .search import ResultsSQL, fetch_rows, searchable, therapy_url_maker

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

    @property
    def name_in_sentence(self) -> str:
        return name_in_sentence(self.name)


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


# Each published version asked for, once per attribute (in the attributes' order), with its
# rating on that attribute if it has one. "LEFT JOIN ... ON true" keeps a row per version
# even if no attribute exists. The LATERAL subquery (kept apart by its LIMIT; there is one
# rating at most) looks each rating up by its unique index, whatever the planner guesses of
# the attribute table, too small for autovacuum ever to analyse.
COMPARED_RATINGS = f"""
SELECT t.slug, v.name, c.name AS category, a.id AS attribute_id, a.code, a.label,
    a.short_label, rating.score, rating.level_code, rating.level_label, rating.has_note
FROM therapies_reviewversion v
    JOIN therapies_therapy t ON t.id = v.therapy_id
    JOIN therapies_category c ON c.id = v.category_id
    LEFT JOIN ratings_attribute a ON true
    LEFT JOIN LATERAL (
        SELECT r.score, e.code AS level_code, e.label AS level_label, r.note_html <> '' AS has_note
        FROM ratings_rating r LEFT JOIN ratings_evidencelevel e ON e.id = r.evidence_level_id
        WHERE r.version_id = v.id AND r.attribute_id = a.id
        LIMIT 1
    ) rating ON true
WHERE {published_sql("v")} AND t.slug = ANY(%s)
ORDER BY a."order", a.id
"""


ATTRIBUTE_COLUMNS = ["code", "label", "short_label"]


def compare_therapies(query) -> Comparison:
    """Load what ``query`` asks to compare: one query (none when too many are asked for).

    SQL rather than a queryset, for the reason ``ResultsSQL`` gives: building the queryset
    cost more than running it.
    """
    comparison = Comparison(requested=requested_slugs(query))
    if comparison.too_many:
        return comparison
    wanted = [slug for slug in comparison.requested if SLUG.fullmatch(slug)]
    therapy_url = therapy_url_maker()
    found, attributes = {}, {}
    for row in fetch_rows(COMPARED_RATINGS, [wanted]):
        slug = row["slug"]
        if slug not in found:
            found[slug] = ComparedTherapy(slug, row["name"], row["category"], therapy_url(slug))
        pk = row["attribute_id"]
        if pk is not None:
            attributes[pk] = {"pk": pk, **{key: row[key] for key in ATTRIBUTE_COLUMNS}}
            found[slug].ratings[pk] = (
                row["score"], row["level_code"], row["level_label"], bool(row["has_note"])
            )  # fmt: skip
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
            for attribute in attributes.values()
        ]
    return comparison


def best_match(name: str) -> str | None:
    """The slug of the published therapy a reader most likely meant by ``name``."""
    name = searchable(name.replace("\x00", "")[:MAX_NAME_LENGTH])
    if not name:
        return None
    best = ResultsSQL({"q": name}, "relevance").page(offset=0, limit=1)
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
