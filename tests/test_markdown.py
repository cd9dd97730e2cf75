import re
from types import SimpleNamespace

import mdurl
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it import helpers as markdown_it_helpers
from markdown_it.common import normalize_url

from cancerchoices import markdown
from cancerchoices.markdown import (
    MAX_FORMATTING_CHARACTERS,
    MAX_HTML_LENGTH,
    MAX_MARKDOWN_LENGTH,
    MarkdownPage,
    citation_id,
    cited_keys,
    marked_terms,
    render,
    validate_markdown,
)
from tests.factories import GlossaryTermFactory, ReferenceFactory
from therapies.markdownx_views import render_preview
from therapies.models import Reference, markdown_page_for, validate_citations


def test_script_tags_and_raw_html_are_shown_as_text_not_run():
    html = render('Hello <script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;img src=x onerror=" in html


def test_a_block_of_raw_html_is_shown_as_text_too():
    html = render('<div onclick="x()">\n<b>bold?</b>\n</div>')
    assert "<div" not in html
    assert "<b>" not in html
    assert html.startswith("<p>&lt;div onclick=")


def test_javascript_links_lose_their_href():
    html = render("[click](javascript:alert(1)) and [ok](https://example.org)")
    assert 'href="javascript:' not in html
    assert html.count("<a ") == 1  # the scripted link stays inert text
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_markdown_headings_start_below_the_page_title():
    html = render("# Section\n\n## Detail", top_level=3)
    assert "<h1" not in html
    assert "<h3>Section</h3>" in html
    assert "<h4>Detail</h4>" in html


def test_headings_shift_to_the_top_level_asked_for_and_stop_at_h6():
    html = render("# One\n\n### Three\n\n###### Six\n\nSetext\n======", top_level=2)
    assert "<h2>One</h2>" in html
    assert "<h4>Three</h4>" in html
    assert "<h6>Six</h6>" in html
    assert "<h2>Setext</h2>" in html


def test_tables_render_with_their_alignment():
    html = render("| Dose | Effect |\n|:-----|-------:|\n| 3 mg | none |\n| 4.5 mg |")
    assert "<table>" in html
    assert '<th align="left">Dose</th>' in html
    assert '<th align="right">Effect</th>' in html
    assert '<td align="left">3 mg</td>' in html
    assert html.count("<tr>") == 3
    assert "style=" not in html


def test_smart_quotes_dashes_and_ellipses():
    html = render('"Quoted," she said -- it\'s \'fine\'... 1990---2000, but `"code"` stays.')
    assert "\u201cQuoted,\u201d" in html
    assert "it\u2019s \u2018fine\u2019\u2026" in html
    assert "said \u2013 it" in html
    assert "1990\u20142000" in html
    assert "<code>&quot;code&quot;</code>" in html or '<code>"code"</code>' in html


def test_cited_keys_are_listed_in_order_of_first_citation():
    text = "One [@b]. Two [@a, p. 3; @b]. Three [@c]."
    assert cited_keys(text) == ["b", "a", "c"]


def test_a_long_unclosed_citation_is_found_in_one_pass():
    # The old expression backtracked quadratically on this (minutes at the length limit).
    text = "[@" + "a" * (MAX_MARKDOWN_LENGTH - 2)
    assert cited_keys(text) == []
    assert "aaaa" in render(text)


def test_marked_terms_keep_their_shown_text_and_slug():
    assert marked_terms("See [[Case Studies]] and [[a report|case-study]].") == [
        ("Case Studies", None),
        ("a report", "case-study"),
    ]


def references(*keys, **citations):
    """Stand-ins for Reference rows: key -> object with the citation text."""
    return {
        key: SimpleNamespace(key=key, citation=citations.get(key, f"Cited {key}.")) for key in keys
    }


def test_citation_markup_numbers_locators_and_several_keys():
    page = MarkdownPage(references=references("a", "b"), id_prefix="main")
    html = render("One [@b, p. 20]. Two [@a; @b, pp. 3-4; @nowhere].", page)
    assert page.numbers == {"b": 1, "a": 2}
    assert page.missing == ["@nowhere"]
    first, second = re.findall(r'<sup class="cite">.*?</sup>', html)
    assert first == (
        '<sup class="cite"><span class="tip-wrap"><a aria-describedby="main-cite-1" '
        'class="cite-link" href="#ref-1" id="main-cite-1-1" rel="noopener noreferrer">1</a>'
        '<span class="tip" id="main-cite-1" role="tooltip">Cited b. (p. 20)</span></span></sup>'
    )
    assert second.count('class="tip-wrap"') == 2
    assert 'href="#ref-2"' in second
    assert "Cited b. (pp. 3-4)" in second
    assert second.count("<span>,</span>") == 2
    assert '<span class="cite-missing">[unknown reference @nowhere]</span>' in second


def test_a_citation_wrapped_onto_the_next_line_is_one_citation():
    # Editors wrap long lines; "[@a;" at a line's end and "@b, p.\n3]" below is one citation.
    page = MarkdownPage(references=references("a", "b"), id_prefix="main")
    html = render("- Well tolerated in trials [@a;\n  @b, p.\n  3].", page)
    assert page.numbers == {"a": 1, "b": 2}
    assert html.count('class="cite-link"') == 2
    assert "Cited b. (p. 3)" in html
    assert "[@" not in html


def test_citation_tooltips_are_escaped():
    page = MarkdownPage(references=references("a", a='Smith <b>"bold"</b> & co.'))
    html = render("A claim [@a, <i>p. 3</i>].", page)
    assert "<b>" not in html
    assert "<i>" not in html
    assert "Smith &lt;b&gt;" in html
    assert "&amp; co." in html


def test_numbering_continues_across_the_texts_of_one_page():
    page = MarkdownPage(references=references("a", "b", "c"), id_prefix="main")
    first = render("Body cites [@b] and [@a].", page)
    second = render("A note cites [@c], then [@a] again.", page)
    assert page.numbers == {"b": 1, "a": 2, "c": 3}
    assert 'href="#ref-3"' in second
    assert 'href="#ref-2"' in second
    ids = re.findall(r'id="([^"]+)"', first + second)
    assert len(ids) == len(set(ids)) == 8  # each citation's link and tooltip


def test_each_citation_has_an_id_from_its_number_and_its_occurrence_on_the_page():
    page = MarkdownPage(references=references("a", "b"), id_prefix="safety")
    first = render("A [@b]. B [@a; @b, p. 3]. C [@b].", page)
    second = render("A note cites [@a] again.", page)
    links = re.findall(r'href="#ref-(\d)" id="([^"]+)"', first + second)
    assert links == [
        ("1", "safety-cite-1-1"),
        ("2", "safety-cite-2-1"),
        ("1", "safety-cite-1-2"),
        ("1", "safety-cite-1-3"),
        ("2", "safety-cite-2-2"),
    ]
    assert page.citations == {"b": 3, "a": 2}
    assert citation_id("safety", 1, 3) == "safety-cite-1-3"


def test_citations_and_terms_inside_code_are_code():
    page = MarkdownPage(references=references("a"))
    html = render("Write `[@a]` or `[[term]]`:\n\n    [@a]\n", page)
    assert "<code>[@a]</code>" in html
    assert "<code>[[term]]</code>" in html
    assert page.numbers == {}
    assert page.missing == []


def test_an_escaped_bracket_is_not_a_citation():
    page = MarkdownPage(references=references("a"))
    assert "[@a]" in render(r"Literally \[@a].", page)
    assert page.numbers == {}


def test_citations_inside_links_lists_quotes_tables_and_emphasis():
    page = MarkdownPage(references=references("a", "b", "c", "d"))
    html = render("- *See [@a]*\n\n> Quoted [@b]\n\n| x |\n|---|\n| [@c] |\n\n**[@d]**", page)
    assert page.numbers == {"a": 1, "b": 2, "c": 3, "d": 4}
    assert html.count('<sup class="cite">') == 4


def glossary(**definitions):
    terms = {}
    for slug, (forms, definition) in definitions.items():
        term = SimpleNamespace(slug=slug, short_definition=definition)
        term.get_absolute_url = lambda slug=slug: f"/glossary/#{slug}"
        terms[slug] = term
        for form in forms:
            terms[form.lower()] = term
    return terms


def test_glossary_markup_by_form_by_slug_and_missing():
    page = MarkdownPage(
        terms=glossary(**{"case-study": (["case study", "case studies"], "One person.")}),
        id_prefix="g",
    )
    html = render("In [[Case Studies]], [[a report|case-study]] and [[no such]].", page)
    assert html.count('href="/glossary/#case-study"') == 2
    assert (
        '<span class="tip-wrap"><a aria-describedby="g-term-1" class="term" '
        'href="/glossary/#case-study" rel="noopener noreferrer">Case Studies</a>'
        '<span class="tip" id="g-term-1" role="tooltip">One person.</span></span>'
    ) in html
    assert ">a report</a>" in html
    assert '<span class="term-missing">no such</span>' in html
    assert list(page.marked) == ["case-study"]
    assert page.missing == ["[[no such]]"]


@pytest.mark.django_db
def test_citations_are_numbered_in_order_and_show_the_full_reference_on_focus():
    ReferenceFactory(key="first", title="First title")
    ReferenceFactory(key="second", title="Second title")
    page = MarkdownPage(references={r.key: r for r in Reference.objects.all()})
    html = render("A claim [@second, p. 20]. Another [@first; @second].", page)
    assert page.numbers == {"second": 1, "first": 2}
    assert 'href="#ref-1"' in html
    assert 'href="#ref-2"' in html
    assert "Second title. Journal of Examples. 2020;12(3):45-67. (p. 20)" in html
    assert 'role="tooltip"' in html


@pytest.mark.django_db
def test_glossary_terms_link_to_the_glossary_and_describe_themselves():
    GlossaryTermFactory(term="case study", slug="case-study", variants="case studies",
                        short_definition="A report on one person.")  # fmt: skip
    html = render_preview("Seen in [[case studies]] and [[a report|case-study]].")
    assert html.count('href="/glossary/#case-study"') == 2
    assert "A report on one person." in html
    assert "aria-describedby=" in html


@pytest.mark.django_db
def test_the_preview_lists_what_is_missing_and_the_references_cited():
    ReferenceFactory(key="known", title="Known title")
    html = render_preview("See [@known] and [@nowhere] and [[no such term]].")
    assert html.startswith('<p class="errornote">Not found: @nowhere, [[no such term]]</p>')
    assert "<h4>References</h4><ol><li>Smith J, Jones AB. Known title." in html


@pytest.mark.django_db
def test_unknown_references_and_terms_are_refused_with_their_names():
    with pytest.raises(ValidationError) as error:
        validate_citations("See [@nowhere] and [[no such term]].")
    assert "@nowhere" in str(error.value)
    assert "[[no such term]]" in str(error.value)


@pytest.mark.django_db
def test_validation_accepts_known_marks_without_rendering(monkeypatch):
    ReferenceFactory(key="known")
    GlossaryTermFactory(term="case study", slug="case-study")
    monkeypatch.setattr(markdown, "render", lambda *a, **k: pytest.fail("rendered"))
    validate_citations(
        "See [@known, p. 3] and [[case study]] and [[x|case-study]].\n\n- [[case study]]: one"
    )


@pytest.mark.django_db
def test_validation_refuses_every_mark_rendering_would_report():
    """Validation resolves marks by expression, not by rendering: it must miss none that a
    render reports (and it also refuses unknown marks inside code, which a render skips)."""
    ReferenceFactory(key="known")
    texts = [
        "[@known; nokey]",  # an item without @ is a key too
        "> - **[@known, p. 1; @gone]**",
        "| a |\n|---|\n| [[missing term]] |",
        "[see [@gone]](https://example.org)",
        "`[@gone]` in code",
    ]
    for text in texts:
        page = markdown_page_for(text)
        render(text, page)
        with pytest.raises(ValidationError) as error:
            validate_citations(text)
        for marker in page.missing:
            assert marker in str(error.value), text


@pytest.mark.parametrize(
    "text",
    ["[" * 20000, "*a" * 49000, "x" * 100_001, "nul \x00 byte"],
    ids=["bracket-run", "emphasis-run", "too-long", "nul-byte"],
)
def test_too_long_or_too_heavily_formatted_text_is_refused_before_parsing(text):
    with pytest.raises(ValidationError):
        validate_markdown(text)


def test_the_formatting_limit_counts_line_breaks_and_markup_not_prose():
    prose = ("Plain words, with commas (and parentheses); sentences. " * 1800)[:99_000]
    validate_markdown(prose)
    validate_markdown("\n".join(["a line"] * MAX_FORMATTING_CHARACTERS))
    with pytest.raises(ValidationError) as error:
        validate_markdown("\n".join(["a line"] * (MAX_FORMATTING_CHARACTERS + 2)))
    assert "10,001 line breaks and formatting characters" in str(error.value)


@pytest.mark.django_db
def test_preview_shows_a_clear_error_for_pathological_input():
    html = render_preview("[" * 20000)
    assert "errornote" in html
    assert "20,000 line breaks and formatting characters" in html


# The shapes that took Python-Markdown seconds, recursed past Python's limit, or became
# megabytes; each must render, or be refused with a ValidationError, and never raise anything
# else. (Time is measured through the real preview view by `make bench-markdown`.)
PATHOLOGICAL = {
    "deep-list-issue": "- " * 496 + "x",
    "deep-list": "- " * 4999 + "x",
    "deep-ordered-list": "1. " * 3000 + "x",
    "deep-quote": ">" * 9000 + " deep",
    "deep-quote-list-mix": "> - " * 4000 + "x",
    "emphasis-run-issue": "*a" * 49000,
    "emphasis-run": "*a" * 4900,
    "quote-run-issue": '"' * 99000,
    "quote-run": '"' * 9000 + "'" * 900,
    "strong-run-issue": "**a" * 33000,
    "backtick-run-issue": "``a" * 33000,
    "backtick-run": "``a" * 4900,
    "bracket-run": "[" * 9900,
    "image-bracket-run": "![" * 4900,
    "nested-brackets": "[" * 4900 + "a" + "]" * 4900,
    "unclosed-links": "[a](b" * 3300,
    "link-destinations": ("[a](" + "b" * 30) * 2900,
    "wide-table-issue": "|a" * 20000 + "\n" + "|-" * 20000,  # 80 KB, 20,000 columns
    "wide-table": "|" + "a|" * 2000 + "\n|" + "-|" * 2000 + "\n|" + "b|" * 2000,
    "autocompleted-table": "|" + "a|" * 300 + "\n|" + "-|" * 300 + "\n" + "x\n" * 3000,
    "citations-issue": "[@key] " * 14000,
    "citations": "[@key] " * 3300,
    "terms": "[[case study]] " * 2400,
    "long-unclosed-citation": "[@" + "a" * 99_000,
    "lines": "a\n" * 9999,
    "reference-link-bomb": "[a]: <" + "x" * 60_000 + ">\n\n" + "[a] " * 3000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_markdown_renders_or_is_refused(text):
    page = MarkdownPage(
        references=references("key"),
        terms=glossary(**{"case-study": (["case study"], "One person.")}),
    )
    try:
        html = render(text, page)
    except ValidationError as error:
        messages = error.messages
    else:
        messages = []
        assert len(html) <= MAX_HTML_LENGTH * 1.2  # sanitising adds rel="..." to each link
    assert all(len(message) > 40 for message in messages)  # a sentence, not a code


def test_issue_shapes_are_refused_with_a_reason():
    for name in ["emphasis-run-issue", "quote-run-issue", "strong-run-issue", "wide-table-issue"]:
        with pytest.raises(ValidationError, match="formatting characters"):
            render(PATHOLOGICAL[name])


def test_blocks_nested_past_the_limit_are_shown_as_text_not_lost():
    html = render("- " * 496 + "x")
    assert html.count("<ul>") < 20
    assert "- - - - x</p>" in html
    html = render(">" * 60 + " deep")
    assert "&gt;&gt;&gt; deep" in html


def test_a_reference_link_used_thousands_of_times_is_refused_not_expanded():
    with pytest.raises(ValidationError, match="characters of HTML"):
        render(PATHOLOGICAL["reference-link-bomb"])


def test_many_citations_are_refused_when_their_tooltips_would_make_megabytes():
    page = MarkdownPage(references=references("key", key="A long citation. " * 30))
    with pytest.raises(ValidationError, match="characters of HTML"):
        render("[@key] " * 3300, page)


@pytest.mark.django_db
def test_validation_refuses_what_would_render_too_long():
    ReferenceFactory(key="key", title="A long title. " * 30)
    validate_citations("[@key] " * 100)
    with pytest.raises(ValidationError, match="characters of HTML"):
        validate_citations("[@key] " * 3300)
    with pytest.raises(ValidationError, match="characters of HTML"):
        validate_citations(PATHOLOGICAL["reference-link-bomb"])


# --- Generated texts: markdown-it's own results, and the bound validation relies on ----------

MARKUP = st.lists(
    st.sampled_from(
        [
            "a", "b", " ", "  ", "\n", "\n\n", "\t", "*", "_", "`", "``", '"', "'", "[", "]",
            "(", ")", "<", ">", "!", "\\", "&", "#", "|", "-", ":", "1.", "1)", "é", "🎉",
            "http://x", "<http://a", "[a](", "](", "> ", "- ", "    ", "---", "...", "|-|",
            "&amp;", "&#34;", "\u00a0", "\u2018", "5", ".", ",",
        ]
    ),
    max_size=60,
).map("".join)  # fmt: skip


def reference_markdown_it() -> MarkdownIt:
    """markdown-it with its own smart quotes and link destinations, configured as ours."""
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": 20, "typographer": True})
    return md.enable(["table", "smartquotes"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKUP)
def test_our_smart_quotes_and_link_destinations_match_markdown_its(text):
    """The linear rewrites give exactly markdown-it's results (on text without our additions,
    dashes and ellipses, and blocks nested too deep, which differ by design)."""
    while any(ours_only in text for ours_only in ["--", "...", "[@", "[["]):
        for ours_only in ["--", "...", "[@", "[["]:
            text = text.replace(ours_only, "")
    env = {"page": MarkdownPage(), "top_level": 1}
    assume(not any(token.type == "overflow" for token in markdown._MARKDOWN.parse(text, env)))
    expected = reference_markdown_it().render(text)
    expected = re.sub(r'style="text-align:(\w+)"', r'align="\1"', expected)
    ours = markdown._MARKDOWN.render(text, env)
    assert ours == expected


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='ab()\\ <>\n\t"[]\x7f', max_size=40), st.integers(0, 5))
def test_link_destinations_are_parsed_as_markdown_it_does(text, start):
    start = min(start, len(text))
    ours = markdown._parse_link_destination(text, start, len(text))
    theirs = markdown_it_helpers.parseLinkDestination(text, start, len(text))
    assert (ours.ok, ours.pos, ours.str) == (theirs.ok, theirs.pos, theirs.str)


URL_TEXT = st.text(
    alphabet=st.sampled_from(list("aZ09%Ff:/?#[]@!$&'()*+,;=-._~ \\\"<>^`{|}\x01\x7fé🎉田"))
    | st.characters(exclude_categories=["Cs"]),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["", "http://", "HTTPS://", "mailto:", "//", "http://[::1]"]), URL_TEXT)
def test_link_addresses_are_encoded_as_markdown_it_does(scheme, url):
    assert markdown._percent_encode(scheme + url) == mdurl.encode(scheme + url)
    assert markdown._normalize_link(scheme + url) == normalize_url.normalizeLink(scheme + url)


BOUND_UNITS = st.lists(
    st.sampled_from(
        [
            "a", " ", "\n", "*", "_", "`", '"', "[", "]", "(", ")", "<", ">", "!", "&", "#", "|",
            "-", ":", "1. ", "1) ", "99. ", "> ", "- ", "é", "🎉", "<http://🎉", "[a](🎉",
            "[a](< a",
            "|:-:|", "\n|-|-|\n", "[@k]", "[@k, p. 1; @k]", "[[t]]", "[[x|t]]", "[@gone]",
            "[a]: <🎉>\n\n", "[a]", "![", "```x\n", "x\n===\n", "***\n", "  \n", "- a\n\n",
            "[a](b)", "![a](b)", "<http://a>", "\\\n", "> " * 25 + '&"<>\n', "1. 1. 1. 1. ",
            ">\n\n", "|\n", "&quot;",
        ]
    ),
    max_size=80,
).map("".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(BOUND_UNITS)
def test_the_bound_validation_uses_is_never_below_the_html_made(text):
    page = MarkdownPage(
        references=references("k", k="A citation & <title>. " * 3),
        terms=glossary(t=(["t"], 'A "definition" & more.')),
        id_prefix="a-long-sub-page-prefix",
    )
    bound = markdown._html_bound(text, page)
    html = markdown._MARKDOWN.render(text, {"page": page, "top_level": 1})
    assert len(html) <= bound
    # and sanitising adds no more than the rel="noopener noreferrer" of each link
    assert len(markdown.sanitize(html)) <= len(html) + 30 * html.count("<a ")


def test_the_bound_holds_for_the_largest_expansions():
    page = MarkdownPage(references=references("k", k="x" * 2000))
    for text in [
        "[a](" + "🎉" * 30_000 + ")",
        "<http://" + "🎉" * 30_000 + ">",
        "1. " * 200 + "x\n" + ("1. " * 30 + "x\n") * 300,
        "|" + "a|" * 100 + "\n|" + ":-:|" * 100 + "\n" + "x\n" * 300,
        "> " * 30 + "&" * 9000,
        "[@k] " * 300,
    ]:
        html = markdown._MARKDOWN.render(text, {"page": page, "top_level": 1})
        assert len(html) <= markdown._html_bound(text, page)


def test_the_sanitiser_keeps_only_our_own_classes_roles_and_attributes():
    from cancerchoices.markdown import sanitize

    html = sanitize(
        '<span class="tip evil" role="alert" id="x" style="x">a</span>'
        '<a class="term hidden" href="/x" target="_top" name="n">b</a>'
        '<img src="/a.png" width="9999" height="1" alt="c" loading="lazy">'
    )
    assert html == (
        '<span class="tip" id="x">a</span>'
        '<a class="term" href="/x" rel="noopener noreferrer">b</a>'
        '<img src="/a.png" alt="c">'
    )
    assert 'role="tooltip"' in sanitize('<span role="tooltip">t</span>')
