import time

import pytest
from django.core.exceptions import ValidationError

from tests.factories import GlossaryTermFactory, ReferenceFactory
from therapies.markdown import (
    PageContext,
    cited_keys,
    render,
    render_preview,
    validate_markdown,
    validate_references_and_terms,
)
from therapies.models import Reference


def test_script_tags_and_raw_html_are_shown_as_text_not_run():
    html = render('Hello <script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_javascript_links_lose_their_href():
    html = render("[click](javascript:alert(1)) and [ok](https://example.org)")
    assert "javascript:" not in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_markdown_headings_start_below_the_page_title():
    html = render("# Section\n\n## Detail", top_level=3)
    assert "<h1" not in html
    assert "<h3>Section</h3>" in html
    assert "<h4>Detail</h4>" in html


def test_cited_keys_are_listed_in_order_of_first_citation():
    text = "One [@b]. Two [@a, p. 3; @b]. Three [@c]."
    assert cited_keys(text) == ["b", "a", "c"]


@pytest.mark.django_db
def test_citations_are_numbered_in_order_and_show_the_full_reference_on_focus():
    ReferenceFactory(key="first", title="First title")
    ReferenceFactory(key="second", title="Second title")
    page = PageContext(references={r.key: r for r in Reference.objects.all()})
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
def test_unknown_references_and_terms_are_refused_with_their_names():
    with pytest.raises(ValidationError) as error:
        validate_references_and_terms("See [@nowhere] and [[no such term]].")
    assert "@nowhere" in str(error.value)
    assert "[[no such term]]" in str(error.value)


@pytest.mark.parametrize(
    "text",
    ["[" * 20000, ">" * 50 + " deep", "x" * 100_001, "nul \x00 byte"],
    ids=["bracket-run", "deep-quotes", "too-long", "nul-byte"],
)
def test_pathological_markdown_is_refused_quickly(text):
    started = time.monotonic()
    with pytest.raises(ValidationError):
        validate_markdown(text)
    assert time.monotonic() - started < 1  # it is refused, not parsed for a minute


@pytest.mark.django_db
def test_preview_shows_a_clear_error_for_pathological_input():
    html = render_preview("[" * 20000)
    assert "errornote" in html
    assert "square brackets" in html


def test_the_sanitiser_keeps_only_our_own_classes_roles_and_attributes():
    from therapies.markdown import sanitize

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
