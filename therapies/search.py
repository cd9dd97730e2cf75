"""The therapy index's search and filters: what the query string asks for, checked.

Everything lives in the URL (a GET form), so a result page can be shared and the back button
works. A value we cannot use (an unknown category, ``min=abc``, a NUL byte) is dropped with a
plain message, and the rest of the request still applies.

The index is read far more than anything else, so it is built to cost little when the page
cache misses: one query for the filters' choices, one SQL statement for a page of results and
their total (``ResultsSQL``), plain values instead of model instances, and the ``<option>``
lists written here rather than by Django's widget templates.
"""

import re
from functools import cached_property
from html import escape as escape_html

from django.db import connections, router
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from ratings.models import Attribute
from ratings.scale import scale_html

from .models import CancerType, Category, ReviewVersion, published_sql

MAX_QUERY_LENGTH = 200

# Around the matched words of a search headline, as PostgreSQL writes it: plain text that no
# summary holds, escaped with the rest and then turned into <mark> (``highlighted``).
SEARCH_MARK_START = "qqmarkstartqq"
SEARCH_MARK_STOP = "qqmarkstopqq"


# A "-" that negates nothing: PostgreSQL's websearch_to_tsquery nests one operator per dash,
# and a few dozen of them overflow its stack ("tsquery stack too small").
IDLE_DASH = re.compile(r"-+(?!\w)")


def searchable(text: str) -> str:
    """The search text as PostgreSQL's websearch_to_tsquery can take any of it: dashes that
    negate no word dropped (``-word`` still excludes a word)."""
    return IDLE_DASH.sub(" ", text).strip()


def highlighted(headline: str) -> SafeString:
    """A search headline, escaped, with its matched words in <mark>."""
    # Safe: everything but our own markers is escaped first.
    return mark_safe(
        escape_html(headline)
        .replace(SEARCH_MARK_START, "<mark>")
        .replace(SEARCH_MARK_STOP, "</mark>")
    )


def filter_lookups() -> tuple[dict, dict, dict]:
    """The filters' choices, in display order, in one query: categories and cancer types as
    {slug: name}, attributes as {code: (id, short label)}."""
    connection = connections[router.db_for_read(Category)]
    quote = connection.ops.quote_name
    order = quote("order")
    sql = (
        f"SELECT 0, {order}, name, slug, id FROM {quote(Category._meta.db_table)} "
        f"UNION ALL SELECT 1, 0, name, slug, id FROM {quote(CancerType._meta.db_table)} "
        f"UNION ALL SELECT 2, {order}, short_label, code, id "
        f"FROM {quote(Attribute._meta.db_table)} "
        "ORDER BY 1, 2, 3"
    )
    categories, cancer_types, attributes = {}, {}, {}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for kind, _, name, slug, pk in cursor.fetchall():
            if kind == 0:
                categories[slug] = name
            elif kind == 1:
                cancer_types[slug] = name
            else:
                attributes[slug] = (pk, name)
    return categories, cancer_types, attributes


def options_html(choices, selected: str) -> SafeString:
    """``<option>``s for (value, label) pairs, the first whose value is ``selected`` selected,
    as Django's ``Select`` widget marks them."""
    options = []
    for value, label in choices:
        value = str(value)
        mark = ""
        if value == selected:
            mark, selected = " selected", None
        options.append(f'<option value="{escape_html(value)}"{mark}>{escape_html(label)}</option>')
    return mark_safe("\n".join(options))


class SearchChoices:
    """The index's search form, bound to a query string: checks each value as a Django form's
    fields would (with the same messages), without a form's per-request cost."""

    SORT_CHOICES = [
        ("", "Suggested order"),
        ("name", "Name, A to Z"),
        ("updated", "Most recently updated"),
        ("relevance", "Best match"),
        ("rating", "Highest rated first"),
    ]
    MIN_CHOICES = [("", "Any score"), *((str(n), f"{n} of 5") for n in range(1, 6))]
    MESSAGES = {
        "q_max_length": f"Searches can be up to {MAX_QUERY_LENGTH} characters long, so we "
        "ignored yours. Try a few key words.",
        "q_null_characters": "Your search contained characters we cannot search for, "
        "so we ignored it.",
        "category": "We have no such category, so we show all of them.",
        "cancer": "We have no such cancer type, so we show all of them.",
        "attribute": "We rate no such attribute, so we left that filter out.",
        "min": "A minimum rating is a whole number from 1 to 5, so we left that filter out.",
        "sort": "We cannot sort that way, so we used our suggested order.",
        "min_without_attribute": "Choose what the minimum rating applies to.",
    }
    max_query_length = MAX_QUERY_LENGTH

    def __init__(self, data):
        self.data = data
        self.category_names, self.cancer_names, self.attributes = filter_lookups()
        self.attribute_labels = {code: label for code, (_, label) in self.attributes.items()}
        self.select_choices = {
            "category": [("", "All categories"), *self.category_names.items()],
            "cancer": [("", "All cancer types"), *self.cancer_names.items()],
            "attribute": [("", "Any attribute"), *self.attribute_labels.items()],
            "min": self.MIN_CHOICES,
            "sort": self.SORT_CHOICES,
        }

    @cached_property
    def errors(self) -> dict[str, list[str]]:
        """{field name: messages} for the values we cannot use; None for the form as a whole."""
        errors = {}
        q = self.data.get("q")
        if q and q.strip():
            q = q.strip()
            if len(q) > MAX_QUERY_LENGTH:
                errors.setdefault("q", []).append(self.MESSAGES["q_max_length"])
            if "\x00" in q:
                errors.setdefault("q", []).append(self.MESSAGES["q_null_characters"])
        for name, choices in self.select_choices.items():
            value = self.data.get(name)
            if value and not any(value == key for key, _ in choices):
                errors[name] = [self.MESSAGES[name]]
        if (
            "min" not in errors
            and self.data.get("min")
            and ("attribute" in errors or not self.data.get("attribute"))
        ):
            errors[None] = [self.MESSAGES["min_without_attribute"]]
        return errors

    @property
    def error_list(self) -> list[tuple[str, str]]:
        """(id, message) for each error, those about the form as a whole first; the first
        message about a field has the id its control's ``aria-describedby`` names, the
        others ""."""
        errors = self.errors
        listed = [("", message) for message in errors.get(None, [])]
        for name in ["q", *self.select_choices]:
            for n, message in enumerate(errors.get(name, [])):
                listed.append(("" if n else f"id_{name}_error", message))
        return listed

    @cached_property
    def choices(self) -> dict:
        """What was asked for and is valid; invalid values are left out."""
        choices = {}
        for name in ["q", *self.select_choices]:
            value = searchable(self.data.get(name) or "") if name == "q" else self.data.get(name)
            if value and name not in self.errors:
                choices[name] = int(value) if name == "min" else value
        return choices

    @property
    def ordering(self) -> str:
        """The sort order in effect: one that cannot apply falls back to the default."""
        choices = self.choices
        sort = choices.get("sort", "")
        if sort == "relevance" and "q" not in choices:
            sort = ""
        if sort == "rating" and "attribute" not in choices:
            sort = ""
        return sort or ("relevance" if "q" in choices else "name")

    @property
    def attribute_label(self) -> str:
        return self.attribute_labels.get(self.choices.get("attribute"), "")

    def active_filters(self) -> list[tuple[str, str]]:
        """(what it is, the query string without it) for each filter in effect."""
        choices = self.choices
        filters = []
        if "q" in choices:
            filters.append((f"Matching “{choices['q']}”", ["q"]))
        if "category" in choices:
            filters.append((f"Category: {self.category_names[choices['category']]}", ["category"]))
        if "cancer" in choices:
            filters.append((f"Cancer type: {self.cancer_names[choices['cancer']]}", ["cancer"]))
        if "attribute" in choices and "min" in choices:
            label = self.attribute_labels[choices["attribute"]]
            filters.append(
                (f"{label}: rated {choices['min']} of 5 or higher", ["attribute", "min"])
            )
        return [(text, self.query_without(*names)) for text, names in filters]

    def query_without(self, *names) -> str:
        """The query string without ``names``, the page number, or empty fields."""
        query = self.data.copy()
        for name in (*names, "page", *(key for key, value in query.items() if not value)):
            query.pop(name, None)
        return f"?{query.urlencode()}"

    @property
    def shows_filters(self) -> bool:
        """Whether the filter panel starts open: something in it is chosen, or went wrong."""
        return bool(self.errors) or any(
            name in self.choices for name in ("category", "cancer", "attribute", "min", "sort")
        )

    @property
    def search_value(self) -> str:
        """What the search box shows: the text as typed, even when it could not be used."""
        return self.data.get("q") or ""

    @cached_property
    def options(self) -> dict[str, SafeString]:
        """Each select's ``<option>``s, the one asked for (as typed) selected."""
        return {
            name: options_html(choices, self.data.get(name) or "")
            for name, choices in self.select_choices.items()
        }

    def results(self) -> "ResultsSQL":
        """The published reviews these choices ask for, in the order in effect."""
        attribute_id = None
        if "attribute" in self.choices:
            attribute_id, _ = self.attributes[self.choices["attribute"]]
        return ResultsSQL(self.choices, self.ordering, attribute_id)


# A search finds the published reviews that mention its words (through the search document's
# GIN index). Only when none does, it finds those whose name or other names are a small
# misspelling away (through the trigram indexes; "<%" is pg_trgm's word similarity above its
# threshold, 0.6 by default: misspelt names score 0.6 or more, unrelated ones sharing a few
# letters up to about 0.4). PostgreSQL decides which once per statement, so a search whose
# words are found never pays for the misspelling check.
TEXT_MATCH = "search_document @@ websearch_to_tsquery('english', %(q)s)"
BY_NAME = (
    "NOT EXISTS (SELECT FROM therapies_reviewversion p "
    f"WHERE {published_sql('p')} AND {TEXT_MATCH})"
)
SEARCH_MATCHES = (
    f"SELECT id FROM therapies_reviewversion WHERE {TEXT_MATCH} "
    "UNION ALL SELECT v.id FROM therapies_reviewversion v "
    f"WHERE ({BY_NAME}) AND (%(q)s <%% v.name OR %(q)s <%% v.alternate_names)"
)
# Higher is better: how well the text matches (names weigh most, then the summary, then the
# text); for matches by name, how close the closest name is.
RELEVANCE = (
    "ts_rank(v.search_document, websearch_to_tsquery('english', %(q)s)) "
    f"+ CASE WHEN {BY_NAME} THEN greatest(word_similarity(%(q)s, v.name), "
    "word_similarity(%(q)s, v.alternate_names)) ELSE 0 END"
)
# The summary with the matched words between SEARCH_MARK_START and SEARCH_MARK_STOP, as plain
# unescaped text (``highlighted`` escapes it and turns the marks into <mark>).
HEADLINE = "ts_headline('english', v.summary, websearch_to_tsquery('english', %(q)s), %(marks)s)"
HEADLINE_OPTIONS = f"StartSel={SEARCH_MARK_START}, StopSel={SEARCH_MARK_STOP}, HighlightAll=true"
ORDERINGS = {
    "name": "v.name",
    "updated": "v.last_updated DESC NULLS LAST, v.name",
    "relevance": f"{RELEVANCE} DESC, v.name",
    "rating": "r.score DESC NULLS LAST, v.name",
}


class ResultsSQL:
    """The index's results as one SQL statement: published reviews narrowed by the valid
    ``choices`` of a ``SearchChoices``, in ``ordering``, a page at a time, as rows of
    plain values (``result_row`` turns one into what the page shows).

    Written as SQL rather than as a queryset because the index and search are the pages read
    most often when the page cache misses, and building the queryset cost Django several times
    what running it cost the database. Every value from the reader is a parameter, never part
    of the text. The conditions name only the version (``v``), so the count reads one table;
    the joins are for what each row shows.
    """

    def __init__(self, choices: dict, ordering: str, attribute_id: int | None = None):
        self.params = {**choices, "attribute_id": attribute_id, "marks": HEADLINE_OPTIONS}
        conditions = [published_sql("v")]
        if "category" in choices:
            conditions.append(
                "v.category_id = (SELECT id FROM therapies_category WHERE slug = %(category)s)"
            )
        if "cancer" in choices:
            conditions.append(
                "v.id IN (SELECT vc.reviewversion_id FROM therapies_reviewversion_cancer_types vc "
                "JOIN therapies_cancertype ct ON ct.id = vc.cancertype_id "
                "WHERE ct.slug = %(cancer)s)"
            )
        if attribute_id is not None and "min" in choices:
            conditions.append(
                "v.id IN (SELECT version_id FROM ratings_rating "
                "WHERE attribute_id = %(attribute_id)s AND score >= %(min)s)"
            )
        if "q" in choices:
            conditions.append(f"v.id IN ({SEARCH_MATCHES})")
        self.conditions = " AND ".join(conditions)

        columns = "v.name, t.slug, v.alternate_names, c.name AS category, v.summary"
        joins = (
            "therapies_reviewversion v JOIN therapies_therapy t ON t.id = v.therapy_id "
            "JOIN therapies_category c ON c.id = v.category_id"
        )
        if attribute_id is not None:
            # The chosen rating (at most one per version), shown beside each result.
            columns += ", r.score, e.code AS level_code, e.label AS level_label"
            joins += (
                " LEFT JOIN ratings_rating r ON r.version_id = v.id "
                "AND r.attribute_id = %(attribute_id)s "
                "LEFT JOIN ratings_evidencelevel e ON e.id = r.evidence_level_id"
            )
        if "q" in choices:
            columns += f", {HEADLINE} AS headline, {BY_NAME} AS by_name"
        # Ordering other than by name reads every match anyway, so the total comes with the
        # page; in name order the page reads only its own rows, and a count is cheaper.
        self.counts_in_page = ordering != "name"
        if self.counts_in_page:
            columns += ", count(*) OVER () AS total"
        self.page_sql = (
            f"SELECT {columns} FROM {joins} WHERE {self.conditions} "
            f"ORDER BY {ORDERINGS[ordering]} LIMIT %(limit)s OFFSET %(offset)s"
        )

    def page(self, offset: int, limit: int) -> list[dict]:
        """Rows ``offset`` to ``offset + limit``; each has ``total`` when ``counts_in_page``."""
        return fetch_rows(self.page_sql, {**self.params, "offset": offset, "limit": limit})

    def count(self) -> int:
        sql = f"SELECT count(*) AS total FROM therapies_reviewversion v WHERE {self.conditions}"
        return fetch_rows(sql, self.params)[0]["total"]


def fetch_rows(sql: str, params) -> list[dict]:
    """The rows of a public read (on the replica, when there is one), as {column: value}."""
    with connections[router.db_for_read(ReviewVersion)].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def therapy_url_maker():
    """A function from a slug to its therapy page's address, reversing the pattern once (rather
    than once a row)."""
    placeholder = "slug-placeholder"
    before, after = reverse("therapies:detail", kwargs={"slug": placeholder}).split(placeholder)
    return lambda slug: f"{before}{slug}{after}"


def result_row(values: dict, therapy_url, rating_label: str, methodology_url: str) -> dict:
    """One row of ``ResultsSQL.page`` as the index lists it: its ``name`` and its
    ``html``, the list item.

    The item is written here rather than in the template, which would look up and escape a
    dozen values a row; every value is escaped as the template would. ``therapy_url`` comes
    from ``therapy_url_maker``; ``rating_label`` is the chosen attribute's, when the chosen
    rating is shown beside each result.
    """
    name = escape_html(values["name"])
    slug = escape_html(values["slug"])
    url = escape_html(therapy_url(values["slug"]))
    meta = escape_html(values["category"])
    if values["alternate_names"]:
        meta += f" · Also called {escape_html(values['alternate_names'])}"
    headline = values.get("headline")
    text = highlighted(headline) if headline else escape_html(values["summary"])
    rating = ""
    if rating_label:
        level = values["level_code"]
        badge = ""
        if level:
            badge = (
                f' <a class="badge" href="{escape_html(methodology_url)}#level-'
                f'{escape_html(level)}">'
                f"{escape_html(values['level_label'])} evidence</a>"
            )
        rating = (
            f'\n  <p class="result-rating"><span class="result-rating-label">'
            f"{escape_html(rating_label)}:</span> "
            f'<span class="rating-value">{scale_html(values["score"])}</span>{badge}</p>'
        )
    html = (
        f'<li>\n  <h2><a href="{url}">{name}</a></h2>'
        f'\n  <p class="meta">{meta}</p>\n  <p>{text}</p>{rating}'
        f'\n  <label class="compare-check"><input type="checkbox" name="therapies" '
        f'value="{slug}"> Compare<span class="visually-hidden"> {name}</span></label>\n</li>'
    )
    return {"name": values["name"], "html": mark_safe(html)}
