"""What only a browser proves: disclosure, keyboard focus on glossary terms, the rendered page."""

import pytest

from tests.factories import build_review

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
