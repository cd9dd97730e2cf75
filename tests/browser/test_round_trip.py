"""The README's round trip in a real browser, one browser context per person: a researcher
edits and submits, a consultant requests changes with a comment, the researcher sees the
comment, revises and resubmits, the consultant approves and publishes. At each step: what
each sees on their dashboard and the version's page, and what the public page shows."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import build_review, role_user

pytestmark = pytest.mark.django_db(transaction=True)

COMMENT = "Please cite the 2024 trial for the safety claim."


def sign_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Log out")


def work_list(page, title):
    """One list of the admin home, by its caption."""
    return page.locator(".dashboard-module", has=page.locator("caption", has_text=title))


def badge(page):
    return page.locator(".state-badge").first


def save_and_submit(page, summary, prefilled=""):
    """From a version's edit page: save the edits and submit, saying what changed (a
    resubmission starts from what the last submission said)."""
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.locator("#id_change_summary")).to_have_value(prefilled)
    page.check("input[value=update]")
    page.fill("#id_change_summary", summary)
    page.click("input[type=submit][value='Submit for review']")
    expect(badge(page)).to_have_text("In review")


def test_round_trip_researcher_consultant_researcher_consultant(live_server, browser):
    live = build_review()
    role_user("Researcher", username="rita", first_name="Rita", last_name="Reyes")
    role_user("Clinical consultant", username="carl", first_name="Carl", last_name="Chen")
    base = live_server.url
    name = live.name
    reader = browser.new_context().new_page()
    reader.goto(base + live.therapy.get_absolute_url())
    expect(reader.locator(".dek")).to_have_text(live.summary)

    # The researcher starts a draft of the overdue review from the admin home, edits, submits.
    researcher = browser.new_context().new_page()
    sign_in(researcher, base, "rita")
    overdue = work_list(researcher, "Full literature review overdue").locator("tr", has_text=name)
    expect(overdue).to_contain_text("Full literature review was due")
    overdue.get_by_role("link", name="Start a new draft").click()
    expect(researcher.locator("#content")).to_contain_text(f"copies version {live.number}")
    researcher.click("input[value='Start a new draft']")
    expect(badge(researcher)).to_have_text("Draft")
    researcher.fill("#id_summary", "A first revision of the summary.")
    researcher.click("input[name=_continue]")
    expect(researcher.locator(".messagelist")).to_contain_text("changed successfully")
    researcher.goto(base + "/admin/")
    expect(work_list(researcher, "My drafts").get_by_role("link", name=name)).to_be_visible()
    work_list(researcher, "My drafts").get_by_role("link", name="Edit").click()
    expect(researcher.locator("#id_summary")).to_have_value("A first revision of the summary.")
    save_and_submit(researcher, "Summary revised after newer studies.")
    researcher.goto(base + "/admin/")
    waiting = work_list(researcher, "In review, waiting for a consultant")
    expect(waiting).to_contain_text(name)
    expect(waiting.locator(".state-badge")).to_have_text("In review")
    expect(waiting.get_by_role("link", name="Recall submission")).to_be_visible()
    expect(work_list(researcher, "My drafts")).to_contain_text("You have no open drafts.")

    # The consultant finds it waiting for them and sends it back with a comment.
    consultant = browser.new_context().new_page()
    sign_in(consultant, base, "carl")
    awaiting = work_list(consultant, "Awaiting my review")
    expect(awaiting).to_contain_text("Summary revised after newer studies.")
    expect(awaiting).to_contain_text("Rita Reyes")
    awaiting.get_by_role("link", name="Request changes").click()
    consultant.fill("#id_comment", COMMENT)
    consultant.click("input[type=submit][value='Request changes']")
    expect(badge(consultant)).to_have_text("Changes requested")
    consultant.goto(base + "/admin/")
    expect(work_list(consultant, "Awaiting my review")).to_contain_text(
        "Nothing is waiting for you."
    )

    reader.reload()
    expect(reader.locator(".dek")).to_have_text(live.summary)

    # The researcher sees the comment, revises and resubmits.
    researcher.goto(base + "/admin/")
    requested = work_list(researcher, "Changes requested on my work")
    expect(requested.locator(".state-badge")).to_have_text("Changes requested")
    expect(requested.locator(".work-comment")).to_have_text(COMMENT)
    expect(requested).to_contain_text("Carl Chen asked for changes")
    requested.get_by_role("link", name="Revise").click()
    expect(badge(researcher)).to_have_text("Changes requested")
    expect(researcher.locator(".latest-request")).to_contain_text(COMMENT)
    researcher.fill("#id_summary", "A revised summary, citing the 2024 trial.")
    save_and_submit(
        researcher,
        "Summary revised; the 2024 trial cited.",
        prefilled="Summary revised after newer studies.",
    )
    researcher.goto(base + "/admin/")
    expect(work_list(researcher, "Changes requested on my work")).to_contain_text(
        "No changes are requested of you."
    )
    expect(work_list(researcher, "In review, waiting for a consultant")).to_contain_text(name)

    # The consultant approves (the approval screen compares with the live version)...
    consultant.goto(base + "/admin/")
    awaiting = work_list(consultant, "Awaiting my review")
    expect(awaiting).to_contain_text("Summary revised; the 2024 trial cited.")
    awaiting.get_by_role("link", name="Approve", exact=True).click()
    expect(consultant.locator(".changes-table ins", has_text="2024").first).to_be_visible()
    expect(consultant.locator("#since-sent-back")).to_be_visible()
    expect(consultant.locator(".sent-back-comment")).to_contain_text(COMMENT)
    consultant.click("input[type=submit][value='Approve']")
    expect(badge(consultant)).to_have_text("Approved")
    reader.reload()
    expect(reader.locator(".dek")).to_have_text(live.summary)

    # ...and publishes it from the dashboard, where it waits as ready to publish.
    consultant.goto(base + "/admin/")
    ready = work_list(consultant, "Approved, ready to publish")
    expect(ready).to_contain_text("Approved by Carl Chen")
    ready.get_by_role("link", name="Publish now").click()
    consultant.click("input[type=submit][value='Publish now']")
    expect(badge(consultant)).to_have_text("Published")

    reader.reload()
    expect(reader.locator(".dek")).to_have_text("A revised summary, citing the 2024 trial.")
    reader.goto(base + reverse("therapies:changes", args=[live.therapy.slug]))
    expect(reader.locator("main")).to_contain_text("Summary revised; the 2024 trial cited.")
    researcher.goto(base + "/admin/")
    expect(work_list(researcher, "In review, waiting for a consultant")).to_contain_text(
        "Nothing else is in review."
    )
    expect(work_list(researcher, "Changes requested on my work")).to_contain_text(
        "No changes are requested of you."
    )


def test_a_dashboard_row_starts_a_draft_from_the_keyboard(live_server, browser):
    live = build_review()
    role_user("Researcher", username="rita")
    page = browser.new_context().new_page()
    sign_in(page, live_server.url, "rita")
    row = work_list(page, "Full literature review overdue").locator("tr", has_text=live.name)
    row.get_by_role("link", name=live.name).focus()
    page.keyboard.press("Tab")  # the row's own button comes next
    expect(row.get_by_role("link", name="Start a new draft")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(f"Start a new draft of {live.name}")
    page.get_by_role("button", name="Start a new draft").focus()
    page.keyboard.press("Enter")
    expect(badge(page)).to_have_text("Draft")
