"""How each rating changed, in a real browser: a rating on the review page leads to its own
section of the history, which passes axe and fits a phone. Screenshots land in test-artifacts/."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import AXE_OPTIONS, WIDTHS
from tests.therapies.test_rating_history import three_published_versions

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rating_leads_to_its_history_which_passes_axe_and_fits_a_phone(
    live_server, page, screenshot_dir
):
    _, _, current = three_published_versions()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + current.therapy.get_absolute_url())
        page.locator("#rating-treatment_outcomes .rating-history-link a").click()
        page.wait_for_url("**/ratings/#treatment_outcomes")

        section = page.locator("section:target")
        assert section.get_attribute("id") == "treatment_outcomes"
        assert section.locator("h2").inner_text() == "Improving treatment outcomes"
        assert section.is_visible()
        box = section.bounding_box()
        assert 0 <= box["y"] < 900, box  # scrolled to, not somewhere below
        newest = section.locator("ol.timeline > li").first.inner_text()
        assert "Good evidence of no benefit" in newest
        assert "Correction" in newest

        results = Axe().run(page, options=AXE_OPTIONS)
        assert not results.violations_count, results.generate_report()
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, scroll_width
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(screenshot_dir / f"rating-history-{width}.png"), full_page=True)
