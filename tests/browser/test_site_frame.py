"""The header in a real browser: on a phone and on a desktop it fits the screen, lines up with the
content below it, and its search box works from the keyboard without JavaScript."""

import pytest
from django.urls import reverse

from tests.factories import PublishedVersionFactory, build_review

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [360, 1280]


def box(page, selector) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("width", WIDTHS)
def test_header_fits_the_screen_and_lines_up_with_the_content(live_server, page, width):
    version = build_review()
    page.set_viewport_size({"width": width, "height": 800})
    for url in [reverse("home"), version.therapy.get_absolute_url(), reverse("accessibility")]:
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
        header = page.locator(".header-inner")
        assert header.evaluate("e => e.scrollWidth <= e.clientWidth"), url

        content = box(page, "main h1")
        brand, search, nav = (
            box(page, ".brand"),
            box(page, ".site-search"),
            box(page, "header nav ul"),
        )
        # The logo and the navigation start where the page's heading starts...
        assert abs(brand["x"] - content["x"]) <= 1, url
        assert abs(nav["x"] - content["x"]) <= 1, url
        # ...and the search box ends where the content column ends.
        column_right = page.evaluate(
            "(m => m.getBoundingClientRect().right - parseFloat(getComputedStyle(m).paddingRight))"
            "(document.querySelector('main'))"
        )
        assert abs(search["x"] + search["width"] - column_right) <= 1, url
        # Everything in the header is on the screen and in view without scrolling.
        for part in (brand, search, nav):
            assert part["x"] >= 0, url
            assert part["x"] + part["width"] <= width, url
        if width >= 1280:  # logo and search share the first line; the navigation the next
            assert abs(brand["y"] + brand["height"] / 2 - (search["y"] + search["height"] / 2)) < 4
            assert nav["y"] > search["y"] + search["height"]
            assert (
                page.locator("header nav li").evaluate_all(
                    "items => new Set(items.map(i => i.getBoundingClientRect().top)).size"
                )
                == 1
            ), "the main navigation wraps at desktop width"


def test_header_search_works_from_the_keyboard_without_javascript(live_server, browser):
    build_review()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("about"))
        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.matches('a.brand')")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "site-search-q"
        search = page.get_by_role("searchbox", name="Search therapies").first
        assert search.is_visible()
        page.keyboard.type("naltrexone")
        page.keyboard.press("Enter")
        page.wait_for_url("**/therapies/?q=naltrexone")
        assert page.get_by_role("link", name="Low-dose naltrexone").first.is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_sample_content_notice_stands_apart_from_the_header(live_server, page, width):
    sample = PublishedVersionFactory(name="Melatonin", therapy__slug="melatonin", is_sample=True)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + sample.therapy.get_absolute_url())
    header, notice = box(page, ".site-header"), box(page, ".sample-notice")
    # A gap of at least 1rem: the notice is about this page, not part of the site's frame.
    assert notice["y"] - (header["y"] + header["height"]) >= 16
