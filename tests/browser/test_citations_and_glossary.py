"""Citations and glossary terms at 360 px and 1280 px: every tooltip stays on the screen, a tap
on a term shows its definition in place, and each reference links back to its citations."""

import pytest

from tests.factories import build_review
from therapies.rendering import render_version

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [360, 1280]
# Between the two, a line's last term has room for no tip beside it: the script moves it.
TOOLTIP_WIDTHS = [360, 900, 1280]


def review_with_terms_along_the_line():
    """The test review, its body marking the glossary term at many places along the lines (so
    some sit at a line's end at either width) and citing its first reference three times."""
    version = build_review()
    numbered = version.page_references.filter(subpage=None).order_by("number")
    keys = list(numbered.values_list("reference__key", flat=True))
    words = "Small studies of people with cancer looked at this"
    sentences = [
        f"{words[: 7 * n]} [[case study|case-study]] reports [@{keys[n % 2]}]." for n in range(8)
    ]
    version.body = " ".join(sentences)
    version.save()
    render_version(version)
    return version


def fits(box, width: int) -> bool:
    return box["x"] >= 0 and box["x"] + box["width"] <= width


def tip_boxes(page):
    """The box of every tooltip of the main text, shown by hovering and by focusing its mark."""
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    boxes = []
    marks = page.locator("main .tip-wrap > a")
    for index in range(marks.count()):
        mark = marks.nth(index)
        tip = page.locator("#" + mark.get_attribute("aria-describedby"))
        mark.hover()
        assert tip.is_visible()
        boxes.append((mark.inner_text(), "hover", tip.bounding_box()))
        page.mouse.move(0, 0)
        mark.focus()
        assert tip.is_visible()
        boxes.append((mark.inner_text(), "focus", tip.bounding_box()))
        mark.blur()
    return boxes


@pytest.mark.parametrize("width", TOOLTIP_WIDTHS)
def test_every_tooltip_stays_within_the_screen(live_server, page, screenshot_dir, width):
    version = review_with_terms_along_the_line()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + version.therapy.get_absolute_url())
    boxes = tip_boxes(page)
    assert len(boxes) == 2 * (8 + 8 + 1)  # terms, citations of the body, the note's citation
    outside = [(text, how, box) for text, how, box in boxes if not fits(box, width)]
    assert not outside
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.locator("main a.term").last.hover()
    page.screenshot(path=str(screenshot_dir / f"term-tooltip-{width}.png"))


def test_without_javascript_tooltips_stay_within_a_phone_screen(live_server, browser):
    version = review_with_terms_along_the_line()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server.url + version.therapy.get_absolute_url())
        for _, _, box in tip_boxes(page):
            assert fits(box, 360)
    finally:
        context.close()


def test_a_tap_on_a_term_shows_its_definition_in_place(live_server, browser, screenshot_dir):
    version = review_with_terms_along_the_line()
    context = browser.new_context(has_touch=True, viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        url = live_server.url + version.therapy.get_absolute_url()
        page.goto(url)
        term = page.locator("main a.term").nth(5)
        tip = page.locator("#" + term.get_attribute("aria-describedby"))
        assert not tip.is_visible()

        term.tap()
        assert page.url == url
        assert tip.is_visible()
        assert tip.inner_text() == "A report on one person."
        assert fits(tip.bounding_box(), 360)
        page.screenshot(path=str(screenshot_dir / "term-tapped-360.png"))

        term.tap()  # a second tap closes it
        assert page.url == url
        assert not tip.is_visible()
        term.tap()
        assert tip.is_visible()
        page.keyboard.press("Escape")
        assert not tip.is_visible()
        term.tap()
        assert tip.is_visible()
        page.locator("h1").tap()  # so does a tap elsewhere
        assert not tip.is_visible()
        assert page.url == url
    finally:
        context.close()


def test_a_glossary_term_is_still_a_link_for_mouse_and_keyboard(live_server, page):
    version = review_with_terms_along_the_line()
    page.goto(live_server.url + version.therapy.get_absolute_url())
    page.locator("main a.term").first.click()
    page.wait_for_url("**/glossary/#case-study")


@pytest.mark.parametrize("width", WIDTHS)
def test_each_reference_links_back_to_each_place_it_is_cited(live_server, page, width):
    version = review_with_terms_along_the_line()
    page.set_viewport_size({"width": width, "height": 800})
    url = live_server.url + version.therapy.get_absolute_url()
    page.goto(url)

    first, second = page.locator(".references li").all()
    # The first reference: four times in the text, once in a closed "See more" note.
    names = [link.get_attribute("aria-label") for link in first.locator("a.backlink").all()]
    assert names == [f"Back to citation {n} of 5" for n in range(1, 6)]
    assert first.locator("a.backlink").all_inner_texts() == ["a", "b", "c", "d", "e"]
    assert second.locator("a.backlink").count() == 4

    for reference in (first, second):
        for link in reference.locator("a.backlink").all():
            link.click()
            target_id = link.get_attribute("href").removeprefix("#")
            page.wait_for_url(f"{url}#{target_id}")
            citation = page.locator(f"[id='{target_id}']")
            assert citation.get_attribute("class") == "cite-link"
            assert citation.get_attribute("href") == "#" + reference.get_attribute("id")
            assert citation.is_visible()  # the note's "See more" opened to show it
            box = citation.bounding_box()
            assert box["y"] >= 0
            assert box["y"] + box["height"] <= 800
            # ...and the citation leads down to the reference again.
            citation.click()
            page.wait_for_url(f"{url}#{reference.get_attribute('id')}")
