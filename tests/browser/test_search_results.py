"""A search results page in a real browser: the words marked where they matched, a correction
said plainly, a search for what we have not reviewed, and nothing wider than the screen."""

import pytest
from django.urls import reverse

from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_results_show_marked_passages_and_fit_the_screen(live_server, browser, width):
    PublishedVersionFactory(
        name="Melatonin",
        summary="A sleep hormone sold as a supplement, studied alongside chemotherapy and "
        "radiotherapy in advanced cancers with encouraging but not yet confirmed results.",
    )
    PublishedVersionFactory(
        name="Low-dose naltrexone",
        alternate_names="LDN",
        summary="A prescription drug given off-label in small doses to people with cancer.",
    )
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("therapies:list") + "?q=melatonn+sleep")
        main = page.get_by_role("main")
        assert main.get_by_text("Showing results for").is_visible()
        marks = main.locator(".therapy-list mark")
        assert marks.all_inner_texts()[:2] == ["Melatonin", "sleep"]
        assert all(marks.nth(n).is_visible() for n in range(marks.count()))
        assert page.evaluate("document.documentElement.scrollWidth") == width
        page.screenshot(path=f"test-artifacts/search-corrected-{width}.png", full_page=True)

        page.goto(live_server.url + reverse("therapies:list") + "?q=LDN")
        assert main.locator(".therapy-list .meta mark").inner_text() == "LDN"
        assert page.evaluate("document.documentElement.scrollWidth") == width

        page.goto(live_server.url + reverse("therapies:list") + "?q=ivermectin")
        assert main.get_by_text("We have not reviewed “ivermectin”.").is_visible()
        main.get_by_role("link", name="Suggest “ivermectin” for review").click()
        page.wait_for_url("**/contact/**")
        assert "Please review ivermectin." in page.get_by_label("Your message").input_value()
        assert page.evaluate("document.documentElement.scrollWidth") == width
    finally:
        context.close()
