"""A cancer-type guide in a real browser: on a phone and a desktop, and printed as a handout."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.therapies.test_guides import breast_cancer_guide

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_guide_fits_the_screen(live_server, page, screenshot_dir, width):
    cancer = breast_cancer_guide()
    page.set_viewport_size({"width": width, "height": 900})
    for name, url in [
        ("guide", reverse("therapies:cancer_type", args=[cancer.slug])),
        ("guide-filtered", reverse("therapies:cancer_type", args=[cancer.slug]) + "?min=x"),
        (
            "guide-benefit",
            reverse("therapies:cancer_type", args=[cancer.slug]) + "?benefit=side_effects",
        ),
        ("guides", reverse("therapies:cancer_types")),
        ("index-cancer", reverse("therapies:list") + f"?cancer={cancer.slug}"),
    ]:
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        page.screenshot(path=str(screenshot_dir / f"{name}-{width}.png"), full_page=True)
    page.goto(live_server.url + reverse("therapies:cancer_type", args=[cancer.slug]))
    # Which way each finding points is in words, beside its evidence badge.
    metformin = page.locator(".guide-therapies > li", has_text="Metformin").first
    assert metformin.get_by_text("No benefit", exact=True).is_visible()
    assert metformin.get_by_role("link", name="Good evidence of no benefit").is_visible()


def test_the_filters_work_without_javascript(live_server, browser):
    cancer = breast_cancer_guide()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("therapies:cancer_type", args=[cancer.slug]))
        page.get_by_label("Benefit").select_option(
            label="Managing side effects and promoting wellness"
        )
        page.get_by_role("button", name="Show findings").click()
        page.wait_for_url("**/cancer-types/breast-cancer/?benefit=side_effects")
        assert page.locator("main h2").all_inner_texts() == [
            "Managing side effects and promoting wellness"
        ]
    finally:
        context.close()


def test_a_guide_prints_as_a_handout(live_server, page, screenshot_dir):
    cancer = breast_cancer_guide()
    page.set_viewport_size({"width": 800, "height": 1000})
    page.goto(live_server.url + reverse("therapies:cancer_type", args=[cancer.slug]))
    page.emulate_media(media="print")

    assert page.get_by_role("heading", level=1).inner_text() == (
        "Breast cancer: what the research shows"
    )
    assert page.locator(".guide-dates").get_by_text("Guide as of").is_visible()
    assert not page.locator(".site-header nav").is_visible()
    assert not page.locator(".site-search").is_visible()
    assert not page.locator(".guide-filters").is_visible()
    assert not page.get_by_role("button", name="Print this guide").is_visible()
    assert not page.locator(".site-footer").is_visible()
    # Each therapy's review, its address written out.
    address = settings.SITE_URL + reverse("therapies:detail", args=["metformin"])
    assert page.get_by_text(f"Review: {address}").is_visible()
    assert page.locator(".review-address").count() == 6  # Melatonin under two benefits
    assert page.locator(".print-source").is_visible()
    # The overview says on paper that it shows each benefit's best, and where the rest are.
    guide_address = settings.SITE_URL + reverse("therapies:cancer_type", args=[cancer.slug])
    part = page.locator(".guide-part")
    assert part.is_visible()
    assert "the 5 therapies with the best evidence" in part.inner_text()
    assert guide_address in part.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    page.screenshot(path=str(screenshot_dir / "guide-print.png"), full_page=True)

    # One benefit's page prints as a part of the guide, and says so.
    page.goto(
        live_server.url
        + reverse("therapies:cancer_type", args=[cancer.slug])
        + "?benefit=side_effects"
    )
    assert page.locator(".guide-part").inner_text() == (
        "Part of the guide: managing side effects and promoting wellness only. "
        f"The whole guide: {guide_address}"
    )
    assert page.locator(".review-address").count() == 2
    page.screenshot(path=str(screenshot_dir / "guide-benefit-print.png"), full_page=True)
