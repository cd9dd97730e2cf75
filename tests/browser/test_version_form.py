"""A review version's change form in a real browser, one browser per person: unsaved edits
are never lost (the save bar's steps save first, leaving asks first, a save after the version
moved on keeps the text), and a long form has a save bar in view, a jump list and parts that
hide, by keyboard too, with no accessibility or Content-Security-Policy complaint."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from people.models import Credit
from ratings.models import Attribute
from tests.factories import (
    CancerTypeFactory,
    CreditFactory,
    RatingFactory,
    SubPageFactory,
    build_review,
    role_user,
)
from therapies.models import ReviewVersion, SubPage
from therapies.workflow import start_draft

pytestmark = pytest.mark.django_db(transaction=True)

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def person(browser, live_server, username, **options):
    """A browser of one's own, signed in."""
    page = browser.new_context(**options).new_page()
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)
    return page


def change_url(live_server, version) -> str:
    return live_server.url + reverse("admin:therapies_reviewversion_change", args=[version.pk])


def safety_note(page):
    """The evidence note of the Safety rating, found by its attribute as a person would."""
    row = page.evaluate(
        """() => [...document.querySelectorAll("select[name$='-attribute']")]
            .find((s) => s.selectedOptions[0]?.text === "Safety").name.split("-")[1]"""
    )
    return page.locator(f"textarea[name='ratings-{row}-note']")


def assert_accessible(page, selectors):
    """axe finds nothing wrong in what this page adds to the admin's form (the admin's own
    widgets, such as its two-box selector and tabular inlines, are Django's)."""
    results = Axe().run(
        page,
        context={"include": [[selector] for selector in selectors]},
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa",
                                                       "wcag22aa", "best-practice"]}},
    )  # fmt: skip
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def draft():
    live = build_review()
    role_user("Researcher", username="sam")
    return start_draft(live.therapy, role_user("Researcher", username="rita"))


def test_save_and_submit_saves_unsaved_edits_first(live_server, browser, draft, screenshot_dir):
    rita = person(browser, live_server, "rita")
    rita.goto(change_url(live_server, draft))
    bar = rita.locator(".submit-row")
    expect(bar.locator(".unsaved-note")).to_have_text("")
    rita.fill("#id_summary", "Edited, then submitted without saving.")
    safety_note(rita).fill("A note changed in a rating.")
    expect(bar.locator(".unsaved-note")).to_have_text("Unsaved changes")
    rita.screenshot(path=str(screenshot_dir / "version-form-unsaved.png"))
    bar.get_by_role("button", name="Save and submit for review").click()
    expect(rita.locator(".messagelist")).to_contain_text("Your changes were saved.")
    expect(rita).to_have_url(re.compile(r"/step/submit/$"))
    draft.refresh_from_db()
    assert draft.summary == "Edited, then submitted without saving."
    assert draft.ratings.get(attribute__code="safety").note == "A note changed in a rating."
    assert rita.evaluate("window.__violations") == []

    # Without JavaScript the same button saves first too.
    plain = person(browser, live_server, "sam", java_script_enabled=False)
    plain.goto(change_url(live_server, draft))
    plain.fill("#id_summary", "Edited with JavaScript off.")
    plain.get_by_role("button", name="Save and submit for review").click()
    expect(plain).to_have_url(re.compile(r"/step/submit/$"))
    draft.refresh_from_db()
    assert draft.summary == "Edited with JavaScript off."


def test_leaving_with_unsaved_edits_asks_first_and_a_clean_form_goes_straight_on(
    live_server, browser, draft
):
    rita = person(browser, live_server, "rita")
    rita.goto(change_url(live_server, draft))
    revision = draft.revision
    rita.get_by_role("button", name="Save and submit for review").click()
    expect(rita).to_have_url(re.compile(r"/step/submit/$"))
    draft.refresh_from_db()
    assert draft.revision == revision  # nothing to save: not saved
    assert not rita.locator(".messagelist").is_visible()

    rita.goto(change_url(live_server, draft))
    safety_note(rita).fill("Typed, not saved.")
    asked = []
    rita.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    rita.get_by_role("link", name="Preview").click()
    expect(safety_note(rita)).to_have_value("Typed, not saved.")
    assert asked == ["beforeunload"]
    assert "/change/" in rita.url

    # Ctrl+S saves and stays on the page.
    rita.keyboard.press("Control+s")
    expect(rita.locator(".messagelist")).to_contain_text("You may edit it again below")
    assert draft.ratings.get(attribute__code="safety").note == "Typed, not saved."
    assert "/change/" in rita.url

    # Enter in a field saves, as anywhere in the admin: the step buttons are not the default.
    rita.fill("#id_summary", "Saved with Enter.")
    rita.locator("#id_name").press("Enter")
    expect(rita.locator(".messagelist")).to_contain_text("was changed successfully")
    draft.refresh_from_db()
    assert draft.state == ReviewVersion.State.DRAFT
    assert draft.summary == "Saved with Enter."

    # 'Save and preview' saves first, then shows the preview.
    rita.goto(change_url(live_server, draft))
    rita.fill("#id_summary", "Previewed before saving.")
    rita.get_by_role("button", name="Save and preview").click()
    expect(rita.locator(".dek")).to_have_text("Previewed before saving.")
    assert asked == ["beforeunload"]  # saving never asked


def test_a_save_after_someone_submitted_keeps_the_text_and_says_who(
    live_server, browser, draft, screenshot_dir
):
    sam = person(browser, live_server, "sam")
    sam.goto(change_url(live_server, draft))
    rita = person(browser, live_server, "rita")
    rita.goto(change_url(live_server, draft))
    rita.get_by_role("button", name="Save and submit for review").click()
    rita.check("input[value=update]")
    rita.fill("#id_change_summary", "Ready for review.")
    rita.click("input[type=submit][value='Submit for review']")
    expect(rita.locator(".state-badge").first).to_have_text("In review")

    sam.fill("#id_summary", "Sam's summary, typed for a long time.")
    safety_note(sam).fill("Sam's safety note.")
    sam.click("input[name=_continue]")
    expect(sam.get_by_text("Please correct the error below.")).to_be_visible()
    expect(sam.locator(".errorlist.nonfield")).to_contain_text(
        "moved on after you opened it: submitted for review by rita"
    )
    expect(sam.locator("#id_summary")).to_have_value("Sam's summary, typed for a long time.")
    expect(safety_note(sam)).to_have_value("Sam's safety note.")
    expect(sam.locator(".stale-changes")).to_contain_text("only its state changed")
    expect(sam.locator("input[name=_save]")).to_have_count(0)
    sam.screenshot(path=str(screenshot_dir / "version-form-moved-on.png"), full_page=True)
    draft.refresh_from_db()
    assert draft.state == ReviewVersion.State.IN_REVIEW
    assert draft.summary != "Sam's summary, typed for a long time."


def test_a_stale_form_shows_what_changed_in_ratings_and_sub_pages(
    live_server, browser, draft, screenshot_dir
):
    sam = person(browser, live_server, "sam")
    sam.goto(change_url(live_server, draft))
    rita = person(browser, live_server, "rita")
    rita.goto(change_url(live_server, draft))
    safety_note(rita).fill("Rita's newer safety note.")
    rita.locator("#id_subpages-0-body").fill("Rita's newer sub-page text.")
    rita.click("input[name=_continue]")
    expect(rita.locator(".messagelist")).to_contain_text("changed successfully")

    sam.fill("#id_summary", "Sam's own summary.")
    sam.get_by_role("button", name="Hide all parts").click()
    sam.click("input[name=_continue]")
    stale = sam.locator(".stale-changes")
    expect(stale).to_contain_text("What changed since you opened this page")
    expect(stale).to_contain_text("Rating: Safety")
    expect(stale).to_contain_text("Rita's newer safety note.")
    expect(stale).to_contain_text("Rita's newer sub-page text.")
    expect(sam.locator("#id_summary")).to_have_value("Sam's own summary.")
    expect(sam.locator("#id_summary")).to_be_visible()  # every part shows, to copy from
    # Saving again would be refused again: the page is for copying from, and says it is unsaved.
    expect(sam.locator("input[name=_save]")).to_have_count(0)
    expect(sam.locator(".unsaved-note")).to_have_text("Unsaved changes")
    current = stale.get_by_role("link", name="Open the version as it is now in a new tab")
    expect(current).to_have_attribute("target", "_blank")
    sam.screenshot(path=str(screenshot_dir / "version-form-stale.png"), full_page=True)
    assert_accessible(sam, [".stale-changes", ".errorlist", ".submit-row"])


def test_unsaved_changes_are_noticed_in_the_admin_widgets_too(live_server, browser, draft):
    CancerTypeFactory(name="Melanoma")
    rita = person(browser, live_server, "rita")
    rita.goto(change_url(live_server, draft))
    note = rita.locator(".submit-row .unsaved-note")
    rita.locator("#id_cancer_types_from option", has_text="Melanoma").dblclick()
    expect(rita.locator("#id_cancer_types_to")).to_contain_text("Melanoma")
    expect(note).to_have_text("Unsaved changes")
    rita.locator("#id_cancer_types_to option", has_text="Melanoma").dblclick()
    expect(note).to_have_text("")  # back as it was: nothing to save
    rita.get_by_text("Add another Rating").click()
    expect(note).to_have_text("Unsaved changes")


@pytest.fixture
def long_draft():
    """A draft with seven ratings and five sub-pages."""
    live = build_review()
    for attribute in Attribute.objects.exclude(ratings__version=live):
        RatingFactory(version=live, attribute=attribute, score=2)
    for kind in SubPage.Kind.values:
        if not live.subpages.filter(kind=kind).exists():
            SubPageFactory(version=live, kind=kind)
    CreditFactory(version=live, role=Credit.Role.LEAD_RESEARCHER, order=5)
    return start_draft(live.therapy, role_user("Researcher", username="rita"))


def test_a_long_form_has_a_save_bar_in_view_a_jump_list_and_parts_that_hide(
    live_server, browser, long_draft, screenshot_dir
):
    rita = person(browser, live_server, "rita", viewport={"width": 1280, "height": 800})
    rita.goto(change_url(live_server, long_draft))
    bar = rita.locator(".submit-row")

    def bar_in_view():
        box = bar.bounding_box()
        return box["y"] >= 0 and box["y"] + box["height"] <= 800

    assert bar_in_view()
    rita.screenshot(path=str(screenshot_dir / "version-form-top.png"))
    jump = rita.locator("#version-parts")
    jump.get_by_role("link", name=re.compile("^Use by experts")).click()
    expect(rita).to_have_url(re.compile("#subpages-"))
    target = rita.locator(rita.url[rita.url.index("#") :])
    expect(target).to_be_in_viewport()
    assert bar_in_view()
    rita.screenshot(path=str(screenshot_dir / "version-form-jumped.png"))

    # Keyboard: Tab to the Safety rating's Hide button, Enter hides it, Space shows it again.
    toggle = rita.get_by_role("button", name=re.compile(r"^Hide Safety:"))
    toggle.focus()
    rita.keyboard.press("Enter")
    note = safety_note(rita)
    expect(note).to_be_hidden()
    expect(rita.get_by_role("button", name=re.compile(r"^Show Safety:"))).to_be_focused()
    rita.keyboard.press("Space")
    expect(note).to_be_visible()

    # Hidden parts stay hidden across a save, but one holding an error opens itself.
    note.fill("Cites [@no-such-reference].")
    rita.get_by_role("button", name="Hide all parts").click()
    expect(note).to_be_hidden()
    rita.screenshot(path=str(screenshot_dir / "version-form-hidden.png"), full_page=True)
    rita.click("input[name=_continue]")
    expect(rita.get_by_text("Please correct the error below.")).to_be_visible()
    error = rita.locator(".errorlist", has_text="no-such-reference")
    expect(error).to_be_visible()
    expect(safety_note(rita)).to_be_visible()
    expect(rita.locator("#subpages-group textarea").first).to_be_hidden()
    expect(rita.locator("#version-parts")).to_contain_text("needs correcting")
    rita.screenshot(path=str(screenshot_dir / "version-form-error.png"), full_page=True)

    assert rita.evaluate("window.__violations") == []  # before axe, which adds a style
    assert_accessible(rita, ["#version-parts", ".submit-row", ".part-toggle", ".workflow-panel"])

    rita.set_viewport_size({"width": 390, "height": 800})
    rita.get_by_role("button", name="Show all parts").click()
    rita.screenshot(path=str(screenshot_dir / "version-form-phone.png"))
    assert bar_in_view()
