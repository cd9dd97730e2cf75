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

from django.db import connections
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from ratings.models import Attribute
from ratings.scale import scale_html

from .models import ReviewVersion, Therapy
from .search import therapy_url_maker

MAX_COMPARED = 4
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
    # <option>s of the published therapies that could be added
    addable_options: SafeString = ""

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
    if len(comparison.therapies) < MAX_COMPARED:
        addable = (
            published.exclude(therapy__slug__in=chosen)
            .order_by("therapy__name")
            .values_list("therapy__slug", "therapy__name")
        )
        comparison.addable_options = options_html(addable)
    return comparison


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


# What django.utils.html.escape replaces, in the same order ("&" first).
HTML_ESCAPES = [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")]


def sql_escape_html(column: str) -> str:
    """SQL that escapes the text in ``column`` as ``django.utils.html.escape`` does."""
    for char, entity in HTML_ESCAPES:
        literal = char.replace("'", "''")  # a quote is doubled in an SQL string
        column = f"replace({column}, '{literal}', '{entity}')"
    return column


def options_html(choices) -> SafeString:
    """``<option>``s for a ``values_list(value, label)`` queryset, in label order, every value
    and label escaped.

    There may be a thousand, so the database writes them into one string: building them
    from a thousand rows costs more in Python than the rest of the page.
    """
    sql, params = choices.query.sql_with_params()
    option = (
        f"""'<option value="' || {sql_escape_html("value")} || '">' || """
        f"""{sql_escape_html("label")} || '</option>'"""
    )
    with connections[choices.db].cursor() as cursor:
        cursor.execute(
            f"SELECT string_agg({option}, '' ORDER BY label) FROM ({sql}) AS choices(value, label)",
            params,
        )
        return mark_safe(cursor.fetchone()[0] or "")
