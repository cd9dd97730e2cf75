"""The therapy index's search and filters: the query string checked by a form, and the
published reviews it asks for.

Everything lives in the URL (a GET form), so a result page can be shared and the back button
works. A value we cannot use (an unknown category, ``min=abc``, a NUL byte) is dropped with a
plain message, and the rest of the request still applies.

A search reads the stored search document of each published version (name and alternate names,
summary, text, rating notes and sub-pages: ``ReviewVersion.index_for_search``): the words as
typed (``websearch`` syntax: quotes, ``or``, ``-word``) or as the beginnings of words
(``naltrexon`` finds "naltrexone"). Only when that finds nothing, a misspelt word is replaced by
the closest word of the published names and summaries (``meltonin`` by "melatonin") and the
page says so; nothing else is ever offered as a match: a search for a therapy we have not
reviewed says so.
"""

import itertools
import re
from dataclasses import dataclass, field
from html import escape as escape_html

from django import forms
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
)
from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Exists,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Greatest, Lower
from django.utils.safestring import SafeString, mark_safe

from ratings.models import Attribute, Rating

from .addresses import therapy_url_maker
from .filters import FilterForm
from .guides import CancerEvidence, cancer_evidence
from .models import CancerType, Category, Finding, ReviewVersion, name_in_sentence

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20
SEARCH_CONFIG = "english"

# Around the matched words of a search headline, as PostgreSQL writes it: plain text that no
# review holds, escaped with the rest and then turned into <mark> (``highlighted``).
SEARCH_MARK_START = "qqmarkstartqq"
SEARCH_MARK_STOP = "qqmarkstopqq"
# Between the name, the other names and the summary in one headline: a line of its own, which
# none of them holds.
LABEL_SEPARATOR = "\n\u241e\n"

# A "-" that negates nothing: PostgreSQL's websearch_to_tsquery nests one operator per dash,
# and a few dozen of them overflow its stack ("tsquery stack too small").
IDLE_DASH = re.compile(r"-+(?!\w)")
# A word as the prefix and spelling searches take it: letters and digits only, so that nothing
# a reader types can be read as tsquery syntax.
WORD = re.compile(r"[^\W_]+")
# Words shorter than this are matched whole (a prefix "c" would match half the dictionary) and
# never corrected.
MIN_PREFIX_LENGTH = 4
# At most this many words of a search are turned into prefixes or corrected.
MAX_WORDS = 8


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


# --- The form -------------------------------------------------------------------------------


def filter_choices() -> tuple[dict, dict, dict]:
    """The filters' choices, in display order, in one query: categories and cancer types as
    {slug: name}, attributes as {code: (id, short label)}."""
    kind = CharField()
    rows = (
        Category.objects.annotate(kind=Value("category", kind))
        .values_list("kind", "order", "name", "slug", "id")
        .union(
            CancerType.objects.annotate(kind=Value("cancer", kind), order=Value(0)).values_list(
                "kind", "order", "name", "slug", "id"
            ),
            Attribute.objects.annotate(kind=Value("attribute", kind)).values_list(
                "kind", "order", "short_label", "code", "id"
            ),
            all=True,
        )
        .order_by("kind", "order", "name")
    )
    choices = {"category": {}, "cancer": {}, "attribute": {}}
    for kind, _, name, slug, pk in rows:
        choices[kind][slug] = (pk, name) if kind == "attribute" else name
    return choices["category"], choices["cancer"], choices["attribute"]


class SearchForm(FilterForm):
    """The index's search, filters and sort, bound to the query string (the template writes
    the controls: ``therapies/includes/select.html``)."""

    SORT_CHOICES = [
        ("", "Suggested order"),
        ("name", "Name, A to Z"),
        ("updated", "Most recently updated"),
        ("relevance", "Best match (when searching)"),
        ("rating", "Highest rated"),
    ]
    MIN_CHOICES = [("", "Any score"), *((str(n), f"{n} of 5") for n in range(1, 6))]
    # The fields a filter chip or a link may name, in the order addresses list them.
    FILTERS = ("q", "category", "cancer", "attribute", "min", "sort")

    q = forms.CharField(
        label="Search the reviews",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": f"Searches can be up to {MAX_QUERY_LENGTH} characters long, so we "
            "ignored yours. Try a few key words.",
            "null_characters_not_allowed": "Your search contained characters we cannot "
            "search for, so we ignored it.",
        },
    )
    category = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "We have no such category, so we show all of them."},
    )
    cancer = forms.ChoiceField(
        label="Cancer type",
        required=False,
        error_messages={"invalid_choice": "We have no such cancer type, so we show all of them."},
    )
    attribute = forms.ChoiceField(
        label="Rated on",
        required=False,
        error_messages={"invalid_choice": "We rate no such attribute, so we left that filter out."},
    )
    min = forms.TypedChoiceField(
        label="At least",
        required=False,
        coerce=int,
        empty_value=None,
        choices=MIN_CHOICES,
        error_messages={
            "invalid_choice": "A minimum rating is a whole number from 1 to 5, so we left "
            "that filter out."
        },
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=SORT_CHOICES,
        help_text="“Highest rated” sorts by the rating chosen under “Rated on”; without one, "
        "the suggested order applies.",
        error_messages={
            "invalid_choice": "We cannot sort that way, so we used our suggested order."
        },
    )

    def __init__(self, data, *, choices=None):
        super().__init__(data)
        self.category_names, self.cancer_names, self.attributes = choices or filter_choices()
        self.attribute_labels = {code: label for code, (_, label) in self.attributes.items()}
        self.fields["category"].choices = [("", "All categories"), *self.category_names.items()]
        self.fields["cancer"].choices = [("", "All cancer types"), *self.cancer_names.items()]
        self.fields["attribute"].choices = [("", "Any attribute"), *self.attribute_labels.items()]
        self.is_valid()  # what cannot be used is named on the page; the rest applies

    def clean_q(self):
        return searchable(self.cleaned_data["q"])

    def clean(self):
        data = super().clean()
        if data.get("min") and not data.get("attribute"):
            self.add_error(None, "Choose what the minimum rating applies to.")
            data.pop("min", None)
        if data.get("sort") == "rating" and not data.get("attribute"):
            self.add_error(
                None,
                "To sort by rating, choose what the rating is for under “Rated on”; "
                "until then we show our suggested order.",
            )
            data.pop("sort", None)
        return data

    @property
    def ordering(self) -> str:
        """The sort order in effect: one that cannot apply falls back to the default."""
        choices = self.choices
        sort = choices.get("sort", "")
        if sort == "relevance" and "q" not in choices:
            sort = ""
        return sort or ("relevance" if "q" in choices else "name")

    @property
    def attribute_label(self) -> str:
        return self.attribute_labels.get(self.choices.get("attribute"), "")

    @property
    def shows_filters(self) -> bool:
        """Whether the filter panel starts open: something in it is chosen, or went wrong."""
        return bool(self.errors) or any(
            name in self.choices for name in ("category", "cancer", "attribute", "min", "sort")
        )

    def active_filters(self) -> list[tuple[str, str]]:
        """(what it is, the query string without it) for each filter in effect."""
        choices = self.choices
        filters = []
        if "q" in choices:
            filters.append((f"Matching “{choices['q']}”", {"q": None}))
        if "category" in choices:
            filters.append(
                (f"Category: {self.category_names[choices['category']]}", {"category": None})
            )
        if "cancer" in choices:
            filters.append(
                (f"Cancer type: {self.cancer_names[choices['cancer']]}", {"cancer": None})
            )
        if "attribute" in choices and "min" in choices:
            label = self.attribute_labels[choices["attribute"]]
            filters.append(
                (
                    f"{label}: rated {choices['min']} of 5 or higher",
                    {"attribute": None, "min": None},
                )
            )
        return [(text, self.query_string(**changes)) for text, changes in filters]


# --- The results ----------------------------------------------------------------------------


def prefix_query(text: str) -> str:
    """A tsquery (``to_tsquery`` syntax) for the words of ``text``, each long enough one also
    matching the words it begins; a word after a lone "-" is excluded. Only letters and digits
    of the reader's text reach it, so it holds no syntax but ours."""
    terms = []
    for token in text.split():
        negated = token.startswith("-")
        for word in WORD.findall(token)[:MAX_WORDS]:
            if negated:
                terms.append(f"!{word}")
            elif len(word) >= MIN_PREFIX_LENGTH:
                terms.append(f"{word}:*")
            else:
                terms.append(word)
    return " & ".join(terms[:MAX_WORDS])


def text_query(text: str) -> SearchQuery:
    """The words of ``text`` as the reader wrote them, or as the beginnings of words."""
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    prefixes = prefix_query(text)
    if prefixes:
        query |= SearchQuery(prefixes, search_type="raw", config=SEARCH_CONFIG)
    return query


def optimal_alignment_distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn ``a`` into ``b``."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(word: str) -> int:
    """How far a word may be from the word we take it for: one slip in a short word, two in a
    long one."""
    return 2 if len(word) >= 8 else 1


# Trigram similarity a known word needs to be considered as the correction of a typed one;
# low, as the edit distance decides (a swap in "mistelto" leaves it 0.27 from "mistletoe").
CANDIDATE_SIMILARITY = 0.25


def corrected(text: str) -> str | None:
    """``text`` with each misspelt word replaced by the closest word of the published names,
    other names and summaries; None when no word changes.

    pg_trgm's similarity finds the candidates in one query; the edit distance then decides,
    since trigrams miss swapped letters and truncation ("mistelto").
    """
    words = [word.lower() for word in WORD.findall(text)][:MAX_WORDS]
    # Two words that are one word split ("mistle toe") as well as each word.
    pairs = {a + b: (a, b) for a, b in itertools.pairwise(words)}
    to_check = sorted({word for word in [*words, *pairs] if len(word) >= MIN_PREFIX_LENGTH})
    if not to_check:
        return None
    known = Func(
        Lower(
            Concat(
                "name",
                Value(" "),
                "alternate_names",
                Value(" "),
                "summary",
                output_field=TextField(),
            )
        ),
        Value(r"[^[:alnum:]]+"),
        function="regexp_split_to_table",
        output_field=CharField(),
    )
    similarities = {f"s{n}": TrigramSimilarity("word", word) for n, word in enumerate(to_check)}
    closeness = Greatest(*similarities.values()) if len(to_check) > 1 else similarities["s0"]
    candidates = (
        ReviewVersion.objects.published()
        .annotate(word=known, **similarities, closeness=closeness)
        .order_by("-closeness")
        .values_list("word", "closeness", *similarities)
        .distinct()[:30]
    )
    best = {}
    for word, _, *scores in candidates:
        for typed, score in zip(to_check, scores, strict=True):
            if score < CANDIDATE_SIMILARITY or (typed in best and best[typed][0] == 0):
                continue
            distance = min(
                optimal_alignment_distance(typed, word),
                # a word cut short as well as misspelt
                optimal_alignment_distance(typed, word[: len(typed)]) + 1,
            )
            if distance <= allowed_edits(typed) and distance < best.get(typed, (99,))[0]:
                best[typed] = (distance, word)
    fixed, n = [], 0
    while n < len(words):
        word, joined = words[n], "".join(words[n : n + 2])
        # Joined only into a word neither part is, and not when both are known words.
        if (
            joined in pairs
            and joined in best
            and best[joined][1] not in pairs[joined]
            and not all(best.get(part, (1,))[0] == 0 for part in pairs[joined])
        ):
            fixed.append(best[joined][1])
            n += 2
            continue
        fixed.append(best[word][1] if word in best else word)
        n += 1
    return " ".join(fixed) if fixed != words else None


def cancer_type_named(text: str, cancer_names: dict) -> str | None:
    """The slug of the cancer type ``text`` names ("brain cancer", "Brain"), if any."""
    wanted = " ".join(WORD.findall(text.lower()))
    for slug, name in cancer_names.items():
        name = name.lower()
        if wanted and wanted in (name, name.removesuffix(" cancer"), slug.replace("-", " ")):
            return slug
    return None


@dataclass
class Result:
    """One published review as the index lists it."""

    name: SafeString
    slug: str
    url: str
    category: str
    alternate_names: SafeString
    passage: SafeString
    is_excerpt: bool = False  # the passage is cut from a longer text
    rating: Rating | None = None  # the chosen attribute's, when one is chosen
    # With a cancer type chosen: the best finding of each benefit for it.
    cancer_evidence: list[CancerEvidence] = field(default_factory=list)


# The marks of a page of results, written as SQL. Built from SearchHeadline, Case and Func
# expressions, the same marks cost Django about 4.5 ms of CPU a page to build and compile (the
# page without them 0.7 ms), several times what PostgreSQL takes to run them; make bench's
# search missed its target so. Only our constants are part of the text; the search is a
# parameter. ``{tsquery}`` is ``tsquery_sql``'s.
MARKDOWN_CLEANUP = [
    (r"\s*\[@[^\]]*\]", ""),  # citations, with the space before them: [@smith-2020, p. 3]
    (r"\[\[([^\]|]*)(\|[^\]]*)?\]\]", r"\1"),  # glossary marks: [[term|slug]]
    (r"(^|\s)[-+](\s)", r"\1\2"),  # list items
    (r"[*_#>`]+", ""),  # emphasis, headings, quotes, code
    (r"\s+", " "),
]


def readable_markdown_sql(text_sql: str) -> tuple[str, list]:
    """SQL for the Markdown ``text_sql`` as a passage of plain text, and its parameters."""
    params = []
    for pattern, replacement in MARKDOWN_CLEANUP:
        text_sql = f"regexp_replace({text_sql}, %s, %s, 'g')"
        params += [pattern, replacement]
    return text_sql, params


def headline_options(**options) -> str:
    """ts_headline's options: ours marks and ``options``."""
    options = {"StartSel": SEARCH_MARK_START, "StopSel": SEARCH_MARK_STOP, **options}
    return ", ".join(f"{name}={value}" for name, value in options.items())


VERSION = "therapies_reviewversion"
# The name, the other names and the summary in one headline, every word marked.
LABELS_SQL = (
    f"ts_headline('{SEARCH_CONFIG}', concat_ws(%s, {VERSION}.name, {VERSION}.alternate_names, "
    f"{VERSION}.summary), {{tsquery}}, %s)"
)
LABELS_OPTIONS = headline_options(HighlightAll="true")
# Where the words are, as the stored document's weights say (``index_for_search``): in the
# summary (B), nothing more to show; in the name or text (A, C), a passage of the text; else
# of the notes, sub-pages and findings. Long texts are costly to mark, so only what is needed is.
BODY_SQL, BODY_PARAMS = readable_markdown_sql(f"{VERSION}.body")
REST_SQL, REST_PARAMS = readable_markdown_sql(
    f"concat_ws(E'\\n', {VERSION}.body, "
    f"(SELECT string_agg(note, E'\\n') FROM ratings_rating WHERE version_id = {VERSION}.id), "
    "(SELECT string_agg(concat_ws(E'\\n', title, body), E'\\n') FROM therapies_subpage "
    f"WHERE version_id = {VERSION}.id), "
    "(SELECT string_agg(concat_ws(' ', outcome, population, combined_with, detail), E'\\n') "
    f"FROM therapies_finding WHERE version_id = {VERSION}.id))"
)
PASSAGE_SQL = (
    f"CASE WHEN ts_filter({VERSION}.search_document, '{{b}}') @@ {{tsquery}} THEN NULL "
    f"WHEN ts_filter({VERSION}.search_document, '{{a,b,c}}') @@ {{tsquery}} "
    f"THEN ts_headline('{SEARCH_CONFIG}', {BODY_SQL}, {{tsquery}}, %s) "
    f"ELSE ts_headline('{SEARCH_CONFIG}', {REST_SQL}, {{tsquery}}, %s) END"
)
# One passage around the best match: two fragments side by side read as one sentence with a
# word cut out of it ("many from … research group").
PASSAGE_OPTIONS = headline_options(MaxFragments=1, MinWords=15, MaxWords=35)


def tsquery_sql(text: str) -> tuple[str, list]:
    """``text_query(text)`` as SQL, and its parameters."""
    prefixes = prefix_query(text)
    if not prefixes:
        return f"websearch_to_tsquery('{SEARCH_CONFIG}', %s)", [text]
    return (
        f"(websearch_to_tsquery('{SEARCH_CONFIG}', %s) || to_tsquery('{SEARCH_CONFIG}', %s))",
        [text, prefixes],
    )


def marks(text: str) -> dict[str, RawSQL]:
    """``labels_marked`` and ``passage_marked`` for a search for ``text``."""
    query, query_params = tsquery_sql(text)
    labels = RawSQL(
        LABELS_SQL.replace("{tsquery}", query),
        [LABEL_SEPARATOR, *query_params, LABELS_OPTIONS],
    )
    passage = RawSQL(
        PASSAGE_SQL.replace("{tsquery}", query),
        [
            *query_params,
            *query_params,
            *BODY_PARAMS,
            *query_params,
            PASSAGE_OPTIONS,
            *REST_PARAMS,
            *query_params,
            PASSAGE_OPTIONS,
        ],
        output_field=TextField(),
    )
    return {"labels_marked": labels, "passage_marked": passage}


class Search:
    """The published reviews a bound ``SearchForm`` asks for, a page at a time, and how the
    search was understood: the cancer type it names, or the correction used."""

    def __init__(self, form: SearchForm):
        self.form = form
        choices = form.choices
        self.text = choices.get("q", "")
        self.cancer = choices.get("cancer", "")
        # A search for a cancer type lists what that cancer type's filter lists.
        self.cancer_named = ""
        if self.text and not self.cancer:
            self.cancer = cancer_type_named(self.text, form.cancer_names) or ""
            self.cancer_named = form.cancer_names.get(self.cancer, "")
        self.corrected_text = ""
        self.page = self.find(form.cleaned_data.get("page") or 1)

    @property
    def cancer_in_sentence(self) -> str:
        """The cancer type in effect, as a sentence names it ("brain cancer")."""
        return name_in_sentence(self.form.cancer_names.get(self.cancer, ""))

    def find(self, number: int) -> Page:
        if not self.text or self.cancer_named:
            return self.page_of("", number)
        page = self.page_of(self.text, number)
        if page.paginator.count:
            return page
        better = corrected(self.text)
        if better:
            corrected_page = self.page_of(better, number)
            if corrected_page.paginator.count:
                self.corrected_text = better
                return corrected_page
        return page

    def matching(self, query: SearchQuery | None):
        """The published versions the filters (and ``query``) select."""
        choices = self.form.choices
        versions = ReviewVersion.objects.published()
        if "category" in choices:
            versions = versions.filter(category__slug=choices["category"])
        if self.cancer:
            # Listed for a cancer type only where a published finding is about it (the
            # versions are published): a review's tags say what it discusses, not what the
            # evidence shows.
            findings = Finding.objects.filter(version=OuterRef("pk"), cancer_type__slug=self.cancer)
            versions = versions.filter(Exists(findings))
        if "attribute" in choices:
            attribute_id, _ = self.form.attributes[choices["attribute"]]
            versions = versions.annotate(
                chosen=FilteredRelation("ratings", condition=Q(ratings__attribute_id=attribute_id))
            )
            if "min" in choices:
                versions = versions.filter(chosen__score__gte=choices["min"])
        if query is not None:
            versions = versions.filter(search_document=query)
        return versions

    def shown(self, versions, text: str, query: SearchQuery | None):
        """``versions`` as the values a result shows, in the order in effect."""
        columns = ["id", "therapy__slug", "category__name", "name", "alternate_names", "summary"]
        ordering = self.form.ordering
        order = {
            "name": ["name"],
            "updated": [F("last_updated").desc(nulls_last=True), "name"],
            "rating": [F("chosen__score").desc(nulls_last=True), "name"],
            "relevance": ["-relevance", "name"],
        }[ordering if query is not None or ordering != "relevance" else "name"]
        if query is not None:
            versions = versions.annotate(
                relevance=SearchRank(F("search_document"), query), **marks(text)
            )
            columns += ["labels_marked", "passage_marked"]
        return versions.values(*columns).order_by(*order)

    def page_of(self, text: str, number: int) -> Page:
        """Page ``number`` (the last, beyond it) of what the filters and a search for
        ``text`` select, its rows as ``Result``s. The paginator counts the plain matches; only
        the page's rows are read with what they show."""
        query = text_query(text) if text else None
        matching = self.matching(query)
        page = Paginator(matching, PAGE_SIZE).get_page(number)
        rows = []
        if page.paginator.count:
            shown = self.shown(matching, text, query)
            rows = list(shown[page.start_index() - 1 : page.end_index()])
        ratings = {}
        if rows and "attribute" in self.form.choices:
            # The chosen rating of each, shown beside it: one query for the page.
            attribute_id, _ = self.form.attributes[self.form.choices["attribute"]]
            chosen = Rating.objects.filter(
                version__in=[row["id"] for row in rows], attribute_id=attribute_id
            ).select_related("evidence_level")
            ratings = {rating.version_id: rating for rating in chosen}
        evidence = {}
        if rows and self.cancer:
            # What the findings for the cancer type say of each: one query for the page.
            evidence = cancer_evidence([row["id"] for row in rows], self.cancer)
        therapy_url = therapy_url_maker()
        page.object_list = [
            result(
                values,
                therapy_url(values["therapy__slug"]),
                ratings.get(values["id"]),
                evidence.get(values["id"], []),
            )
            for values in rows
        ]
        return page


def result(values: dict, url: str, rating, evidence: list[CancerEvidence]) -> Result:
    """A row of ``Search.shown`` as the index lists it: escaped, its words in <mark>."""
    labels = values.get("labels_marked")
    if labels:
        name, alternate_names, summary = map(highlighted, labels.split(LABEL_SEPARATOR, 2))
    else:
        name, alternate_names, summary = (
            mark_safe(escape_html(values[key])) for key in ("name", "alternate_names", "summary")
        )
    # The summary, its words marked, when they are in it; otherwise an excerpt of the text,
    # notes or sub-pages that has them; for a match only in the names, the summary.
    excerpt = values.get("passage_marked") or ""
    is_excerpt = "<mark>" not in summary and SEARCH_MARK_START in excerpt
    return Result(
        name=name,
        slug=values["therapy__slug"],
        url=url,
        category=values["category__name"],
        alternate_names=alternate_names,
        passage=highlighted(excerpt) if is_excerpt else summary,
        is_excerpt=is_excerpt,
        rating=rating,
        cancer_evidence=evidence,
    )
