"""The research sub-page built from findings, in a real browser: it fits a phone and a wide
screen, and a rating's link to its findings lands on that benefit's section."""

import pytest
from django.urls import reverse

from tests.factories import build_review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_findings_page_fits_the_screen_and_each_finding_reads_as_a_sentence(
    live_server, page, screenshot_dir, width
):
    version = build_review()
    page.set_viewport_size({"width": width, "height": 900})
    url = reverse("therapies:subpage", args=[version.therapy.slug, "how-it-can-help"])
    page.goto(live_server.url + url)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    findings = page.locator("li.finding")
    assert findings.count() == 2
    first = " ".join(findings.first.inner_text().split())
    assert first == (
        "Preliminary evidence of longer survival with radiotherapy among people with "
        "high-grade gliomas, from one small randomized trial 1"
    )
    badge = page.locator("li.finding .level-no-benefit")
    assert badge.inner_text().strip() == "Good evidence of no benefit"
    assert badge.is_visible()
    page.screenshot(path=screenshot_dir / f"findings-{width}.png", full_page=True)


def test_a_ratings_link_to_its_findings_lands_on_that_benefits_section(live_server, page):
    version = build_review()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + version.therapy.get_absolute_url())
    page.get_by_role("link", name="See the finding about improving treatment outcomes").click()
    page.wait_for_url("**/how-it-can-help/#findings-treatment_outcomes")
    heading = page.locator("#findings-treatment_outcomes h2")
    assert heading.inner_text() == "Improving treatment outcomes"
    assert heading.is_visible()
    top = page.evaluate(
        "document.getElementById('findings-treatment_outcomes').getBoundingClientRect().top"
    )
    assert 0 <= top < 100  # scrolled to it
