"""Picking therapies to compare from the index, without JavaScript, and the comparison on a phone,
on a wide screen, after the back button, and on the way to the note behind a rating."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from ratings.models import Attribute
from tests.browser.test_accessibility import AXE_OPTIONS
from tests.factories import PublishedVersionFactory, RatingFactory, build_review, evidence_level

pytestmark = pytest.mark.django_db(transaction=True)


def four_reviews() -> list[str]:
    """Four published reviews with long names, rated on a few attributes; the first (from
    ``build_review``) has an evidence note on treatment outcomes. Their slugs."""
    first = build_review()
    slugs = [first.therapy.slug]
    for n, name in enumerate(["Mindfulness meditation", "Omega-3 fatty acids", "Turkey tail"]):
        version = PublishedVersionFactory(name=name, therapy__slug=name.lower().replace(" ", "-"))
        RatingFactory(
            version=version,
            attribute=Attribute.objects.get(code="treatment_outcomes"),
            score=n + 1,
            evidence_level=evidence_level(["preliminary", "modest", "preliminary"][n]),
        )
        RatingFactory(version=version, attribute=Attribute.objects.get(code="safety"), score=5)
        slugs.append(version.therapy.slug)
    # The longest badge there is, in the last column
    RatingFactory(
        version=version,
        attribute=Attribute.objects.get(code="cancer_risk"),
        score=0,
        evidence_level=evidence_level("no_benefit"),
    )
    return slugs


def compare_url(live_server, slugs) -> str:
    return f"{live_server.url}{reverse('therapies:compare')}?therapies={','.join(slugs)}"


def test_readers_filter_then_compare_ticked_therapies_without_javascript(live_server, browser):
    for name in ["Ginger", "Melatonin", "Yoga"]:
        PublishedVersionFactory(name=name, therapy__slug=name.lower())
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("therapies:list"))
        # The index's own search form (the header has a search box too).
        index_search = page.get_by_role("main")
        index_search.get_by_label("Search the reviews").fill("melatonine")
        index_search.get_by_role("button", name="Search").click()
        page.wait_for_url("**q=melatonine**")  # shareable, and the back button returns here
        assert page.get_by_role("link", name="Melatonin", exact=True).is_visible()
        assert not page.get_by_role("link", name="Ginger", exact=True).is_visible()

        page.goto(live_server.url + reverse("therapies:list"))
        page.get_by_label("Compare Ginger").check()
        page.get_by_label("Compare Yoga").check()
        page.get_by_role("button", name="Compare selected therapies").click()
        page.wait_for_url("**therapies=ginger&therapies=yoga")
        table = page.get_by_role("table", name="Ratings of ginger and yoga")
        headers = table.locator("thead th").all_inner_texts()
        assert [text.splitlines()[0] for text in headers] == ["Ginger", "Yoga"]
        # On a phone each attribute is a card with a line per therapy; the page fits.
        safety = table.locator("tbody tr", has_text="Safety")
        assert safety.locator(".cell-therapy").all_inner_texts() == ["Ginger", "Yoga"]
        assert page.evaluate("document.documentElement.scrollWidth") == 360

        page.get_by_label("Add a therapy to compare").fill("melatonin")
        page.get_by_role("button", name="Add").click()
        page.wait_for_url("**melatonin**")
        assert page.locator("table.compare thead th").count() == 3
    finally:
        context.close()


def test_four_therapies_fit_a_phone_as_aligned_cards(live_server, page, screenshot_dir):
    slugs = four_reviews()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(compare_url(live_server, slugs))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    card = page.locator("table.compare tbody tr", has_text="Treatment outcomes")
    names = card.locator(".cell-therapy")
    assert names.all_inner_texts() == [
        "Low-dose naltrexone",
        "Mindfulness meditation",
        "Omega-3 fatty acids",
        "Turkey tail",
    ]
    # Every therapy's scale starts at the same left edge, each whole on the screen.
    scales = [scale.bounding_box() for scale in card.locator(".scale").all()]
    assert len({round(box["x"]) for box in scales}) == 1
    assert all(box["x"] + box["width"] <= 360 for box in scales)
    for badge in card.locator(".badge").all():
        box = badge.bounding_box()
        assert box["x"] + box["width"] <= 360
    assert card.get_by_text("3 of 5").is_visible()
    page.screenshot(path=str(screenshot_dir / "compare-four-360.png"), full_page=True)


def test_four_therapies_side_by_side_on_a_wide_screen(live_server, page, screenshot_dir):
    slugs = four_reviews()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(compare_url(live_server, slugs))
    columns = [th.bounding_box() for th in page.locator("table.compare thead th").all()]
    assert len(columns) == 4
    assert len({round(box["y"]) for box in columns}) == 1  # one row: side by side
    assert all(box["x"] + box["width"] <= 1280 for box in columns)
    assert not page.locator(".cell-therapy").first.is_visible()  # the column says it
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # ... and the table needs no scrolling of its own: every column shows whole.
    region = page.get_by_role("region", name="Ratings of")
    assert region.evaluate("region => region.scrollWidth <= region.clientWidth")
    assert page.get_by_text("Good evidence of no benefit").is_visible()
    page.screenshot(path=str(screenshot_dir / "compare-four-1280.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_four_therapies_and_a_notice_pass_axe(live_server, page, width):
    slugs = four_reviews()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(compare_url(live_server, [*slugs, "no-such-therapy"]))
    assert page.get_by_text("We have no review of “no-such-therapy”").is_visible()
    results = Axe().run(page, options=AXE_OPTIONS)
    assert not results.violations_count, results.generate_report()


def test_back_from_a_comparison_finds_the_choices_still_ticked(live_server, page):
    for name in ["Ginger", "Melatonin", "Yoga"]:
        PublishedVersionFactory(name=name, therapy__slug=name.lower())
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + reverse("therapies:list"))
    page.get_by_label("Compare Ginger").check()
    page.get_by_label("Compare Yoga").check()
    page.get_by_role("button", name="Compare selected therapies").click()
    page.wait_for_url("**therapies=ginger&therapies=yoga")
    page.get_by_role("link", name="Remove Yoga from the comparison").click()
    page.wait_for_url("**/compare/?therapies=ginger")
    assert page.locator("table.compare thead th").count() == 1

    page.go_back()  # the comparison before the removal
    page.wait_for_url("**therapies=ginger&therapies=yoga")
    assert page.locator("table.compare thead th").count() == 2
    page.go_back()  # the index, as the reader left it
    page.wait_for_url(f"**{reverse('therapies:list')}")
    assert page.get_by_label("Compare Ginger").is_checked()
    assert page.get_by_label("Compare Yoga").is_checked()
    assert not page.get_by_label("Compare Melatonin").is_checked()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_why_this_rating_opens_the_note_it_points_to(live_server, browser, javascript):
    slugs = four_reviews()
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(compare_url(live_server, slugs[:2]))
        why = re.compile(r"^Why this rating\W+treatment outcomes for low-dose naltrexone$")
        page.get_by_role("link", name=why).click()
        page.wait_for_url(f"**/therapies/{slugs[0]}/#rating-treatment_outcomes-note")
        note = page.locator("#rating-treatment_outcomes-note")
        assert note.is_visible()
        assert "Longer survival in small studies" in note.inner_text()
        assert page.locator("#rating-treatment_outcomes details").get_attribute("open") is not None
    finally:
        context.close()


def test_choices_survive_paging_the_index_and_going_back(live_server, page):
    for n in range(22):  # two pages of the index
        PublishedVersionFactory(name=f"Therapy {n:02}", therapy__slug=f"therapy-{n:02}")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + reverse("therapies:list"))
    page.get_by_label("Compare Therapy 00").check()
    assert page.get_by_role("status").inner_text() == "1 chosen"
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2**")
    page.get_by_label("Compare Therapy 21").check()
    assert page.get_by_role("status").inner_text() == "2 chosen (1 on other pages)"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Compare selected therapies").click()
    page.wait_for_url("**/compare/?therapies=**")
    headers = page.locator("table.compare thead th").all_inner_texts()
    assert sorted(text.splitlines()[0] for text in headers) == ["Therapy 00", "Therapy 21"]

    page.go_back()
    page.wait_for_url("**page=2**")
    assert page.get_by_label("Compare Therapy 21").is_checked()
    page.go_back()
    assert page.get_by_label("Compare Therapy 00").is_checked()
    page.get_by_label("Compare Therapy 00").uncheck()
    assert page.get_by_role("status").inner_text() == "1 chosen (1 on other pages)"
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2**")
    assert page.get_by_label("Compare Therapy 21").is_checked()
    page.get_by_role("button", name="Compare selected therapies").click()
    page.wait_for_url("**/compare/?therapies=therapy-21")
