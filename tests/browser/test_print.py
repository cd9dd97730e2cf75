"""A review prints as a clean handout: no navigation, every evidence note, addresses, the source."""

import pytest
from django.conf import settings

from tests.browser.test_search_and_compare import compare_url, four_reviews
from tests.factories import build_review

pytestmark = pytest.mark.django_db(transaction=True)


def test_review_prints_as_a_handout(live_server, page, screenshot_dir):
    version = build_review()
    url = live_server.url + version.therapy.get_absolute_url()
    page.set_viewport_size({"width": 800, "height": 1000})
    page.goto(url)
    page.emulate_media(media="print")

    assert not page.locator(".site-header nav").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert not page.get_by_role("button", name="Print this review").is_visible()
    source = page.locator(".print-source")
    assert source.is_visible()
    # The page's public address, whatever host served it.
    assert settings.SITE_URL + version.therapy.get_absolute_url() in source.inner_text()
    assert page.locator(".review-dates").first.is_visible()
    # The cautions print near the top, whole; the Safety rating's link to them does not.
    cautions = page.locator("#cautions")
    assert cautions.get_by_text("People who take opioid pain medicines.").is_visible()
    assert not page.locator(".rating-cautions").is_visible()
    # Evidence notes show although nobody opened them; glossary tooltips stay out of the way.
    assert page.locator("#rating-treatment_outcomes details .prose").is_visible()
    assert not page.locator(".tip").first.is_visible()
    assert page.locator("sup.cite").first.is_visible()
    # Links in the reference list print their address.
    doi_link = page.locator(".references a", has_text="DOI:").first
    after = doi_link.evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://doi.org/" in after

    page.screenshot(path=str(screenshot_dir / "therapy-print.png"), full_page=True)


def test_printing_opens_every_evidence_note_and_restores_them_after(live_server, page):
    version = build_review()
    page.goto(live_server.url + version.therapy.get_absolute_url())
    details = page.locator("#rating-treatment_outcomes details")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert details.get_attribute("open") is not None
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert details.get_attribute("open") is None


def test_a_comparison_of_four_prints_every_column_and_no_controls(
    live_server, page, screenshot_dir
):
    slugs = four_reviews()
    # A4 less the print margins: 180 mm at 96 px to the inch.
    page.set_viewport_size({"width": 680, "height": 1000})
    page.goto(compare_url(live_server, slugs[:3]))  # three: the form to add a fourth shows
    assert page.get_by_label("Add a therapy to compare").is_visible()
    page.goto(compare_url(live_server, slugs))
    page.emulate_media(media="print")

    assert page.evaluate("document.documentElement.scrollWidth") <= 680
    columns = page.locator("table.compare thead th")
    assert columns.count() == 4
    for column in columns.all():
        box = column.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 680
    for cell in page.locator("table.compare tbody td").all():
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= 680
    # The ratings print; the links and forms for the screen do not.
    assert page.locator("table.compare").get_by_text("3 of 5").is_visible()
    assert not page.locator(".site-header nav").is_visible()
    assert not page.locator(".site-search").is_visible()
    assert not page.get_by_role("link", name="Remove Turkey tail from the comparison").is_visible()
    assert not page.get_by_role("link", name="Why this rating", exact=False).first.is_visible()
    page.screenshot(path=str(screenshot_dir / "compare-print.png"), full_page=True)

    page.goto(compare_url(live_server, slugs[:2]))
    assert not page.get_by_label("Add a therapy to compare").is_visible()
