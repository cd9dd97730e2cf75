"""Picking therapies to compare from the index, without JavaScript, and the table on a phone."""

import pytest
from django.urls import reverse

from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_readers_filter_then_compare_ticked_therapies_without_javascript(live_server, browser):
    for name in ["Ginger", "Melatonin", "Yoga"]:
        PublishedVersionFactory(name=name, therapy__slug=name.lower())
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("therapies:list"))
        # The index's own search form (the header has a search box too).
        index_search = page.get_by_role("main")
        index_search.get_by_label("Search therapies").fill("melatonine")
        index_search.get_by_role("button", name="Search").click()
        page.wait_for_url("**q=melatonine**")  # shareable, and the back button returns here
        assert page.get_by_role("link", name="Melatonin", exact=True).is_visible()
        assert not page.get_by_role("link", name="Ginger", exact=True).is_visible()

        page.goto(live_server.url + reverse("therapies:list"))
        page.get_by_label("Compare Ginger").check()
        page.get_by_label("Compare Yoga").check()
        page.get_by_role("button", name="Compare selected therapies").click()
        page.wait_for_url("**therapies=ginger&therapies=yoga")
        page.locator("table.compare").wait_for()
        headers = page.locator("table.compare thead th").all_inner_texts()
        assert [text.splitlines()[0] for text in headers] == ["Ginger", "Yoga"]

        # The table scrolls sideways inside a named, focusable region; the page does not.
        region = page.get_by_role("region", name="Ratings of ginger and yoga")
        region.focus()
        assert page.evaluate("document.activeElement.classList.contains('table-scroll')")
        assert page.evaluate("document.documentElement.scrollWidth") == 360

        page.get_by_label("Add a therapy to compare").fill("melatonin")
        page.get_by_role("button", name="Add").click()
        page.wait_for_url("**melatonin**")
        assert page.locator("table.compare thead th").count() == 3
    finally:
        context.close()
