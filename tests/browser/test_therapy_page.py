"""What only a browser proves: disclosure, keyboard focus on glossary terms, the rendered page."""

import pytest
from playwright.sync_api import expect

from tests.factories import build_review
from therapies.models import ReviewVersion

pytestmark = pytest.mark.django_db(transaction=True)


def test_see_more_opens_and_glossary_definition_shows_on_focus(live_server, page, screenshot_dir):
    version = build_review()
    page.goto(live_server.url + version.therapy.get_absolute_url())

    note = page.locator("#rating-treatment_outcomes details .prose")
    assert not note.is_visible()
    page.locator("#rating-treatment_outcomes summary").click()
    assert note.is_visible()
    assert "Longer survival in small studies" in note.inner_text()

    term = page.locator("a.term").first
    tip = page.locator("#" + term.get_attribute("aria-describedby"))
    assert not tip.is_visible()
    term.focus()
    assert tip.is_visible()
    assert tip.inner_text() == "A report on one person."
    page.keyboard.press("Escape")
    assert not tip.is_visible()

    page.screenshot(path=str(screenshot_dir / "therapy-page.png"), full_page=True)


def test_see_more_opens_from_the_keyboard(live_server, page):
    version = build_review()
    page.goto(live_server.url + version.therapy.get_absolute_url())
    summary = page.locator("#rating-treatment_outcomes summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("#rating-treatment_outcomes details").get_attribute("open") is not None


@pytest.mark.parametrize("width", [360, 1280])
def test_the_cautions_sit_above_the_prose_fit_the_screen_and_the_safety_rating_leads_to_them(
    live_server, browser, width
):
    version = build_review()
    # Without JavaScript, as a reader with it turned off sees the page.
    context = browser.new_context(
        viewport={"width": width, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server.url + version.therapy.get_absolute_url())

    cautions = page.locator("#cautions")
    box = cautions.bounding_box()
    glance = page.locator("#glance-heading").bounding_box()
    assert box["y"] + box["height"] <= glance["y"]
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    headings = cautions.locator("h3").all_inner_texts()
    assert headings == [
        "Who should not use it",
        "Interactions with cancer treatments and other medicines",
        "When to stop and call your care team",
    ]

    page.locator("#rating-safety").get_by_role("link", name="Read the cautions").click()
    assert page.url.endswith("#cautions")
    assert page.locator("#cautions-heading").is_visible()
    heading_top = page.locator("#cautions-heading").bounding_box()["y"]
    assert 0 <= heading_top < 800
    context.close()


# As long as the demo's: a review's one-sentence summary runs to three or four lines on a phone.
LONG_SUMMARY = (
    "A prescription drug given off-label in small doses to people with cancer, with a few "
    "encouraging but very early results in hard-to-treat and advanced cancers."
)


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 900)])
def test_the_ratings_in_brief_are_on_the_first_screen(
    live_server, page, screenshot_dir, width, height
):
    version = build_review()
    # The longest top of page a review has: the sample-content notice and a long summary.
    ReviewVersion.objects.filter(pk=version.pk).update(is_sample=True, summary=LONG_SUMMARY)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + version.therapy.get_absolute_url())

    rows = page.locator(".summary-row")
    assert rows.count() == 7
    first = rows.first.bounding_box()
    assert first["y"] + first["height"] <= height, "the first rating is below the first screen"
    if width >= 1280:
        last = rows.last.bounding_box()
        assert last["y"] + last["height"] <= height, "not all seven ratings show on a laptop"
    # Every line fits the screen: no sideways scrolling, nothing cut off.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for n in range(7):
        box = rows.nth(n).bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width
    page.screenshot(path=str(screenshot_dir / f"therapy-first-screen-{width}.png"))


def test_a_line_of_the_ratings_in_brief_opens_its_evidence_note(live_server, page):
    version = build_review()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + version.therapy.get_absolute_url())
    page.locator(".summary-row", has_text="Treatment outcomes").click()
    assert page.url.endswith("#rating-treatment_outcomes")
    note = page.locator("#rating-treatment_outcomes details .prose")
    expect(note).to_be_visible()
    assert "Longer survival in small studies" in note.inner_text()
    heading = page.locator("#rating-treatment_outcomes h3").bounding_box()
    assert 0 <= heading["y"] < 740


def test_without_javascript_a_line_of_the_ratings_in_brief_lands_on_its_rating(
    live_server, browser
):
    version = build_review()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(live_server.url + version.therapy.get_absolute_url())
        page.locator(".summary-row", has_text="Treatment outcomes").click()
        see_more = page.locator("#rating-treatment_outcomes summary")
        box = see_more.bounding_box()
        assert 0 <= box["y"] < 740
        see_more.click()
        assert page.locator("#rating-treatment_outcomes details .prose").is_visible()
    finally:
        context.close()
