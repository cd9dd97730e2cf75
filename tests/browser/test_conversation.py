"""The conversation on a version in two browsers: a consultant's request atop the researcher's
page, a comment on one rating answered from the keyboard, and the next round's comparison."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_workflow import sign_in, staff
from tests.factories import build_review
from therapies.workflow import request_changes, start_draft, submit_version

pytestmark = pytest.mark.django_db(transaction=True)


def test_request_comment_answer_and_changes_since_sent_back(live_server, browser):
    live = build_review()
    rita, carl = staff("rita", "Researcher"), staff("carl", "Clinical consultant")
    draft = start_draft(live.therapy, rita)
    submit_version(version=draft, by=rita, change_kind="update", change_summary="New trial.")
    request_changes(version=draft, by=carl, comment="Please lower the safety score to 3.")
    version_url = live_server.url + f"/admin/therapies/reviewversion/{draft.pk}/change/"

    consultant = browser.new_context().new_page()
    sign_in(consultant, live_server.url, "carl")
    consultant.goto(version_url)
    consultant.select_option("#conversation select[name=about]", label="Rating: Safety")
    consultant.fill("#conversation .comment-new textarea", "Is 4 justified?")
    consultant.click("input[value='Add comment']")
    expect(consultant.locator(".messagelist")).to_contain_text("Comment added")

    researcher = browser.new_context().new_page()
    sign_in(researcher, live_server.url, "rita")
    researcher.goto(version_url)
    expect(researcher.locator(".latest-request")).to_contain_text("Changes requested by carl")
    expect(researcher.locator(".latest-request")).to_contain_text("lower the safety score")
    thread = researcher.locator(".comment-thread", has_text="Is 4 justified?")
    expect(thread).to_contain_text("Rating: Safety")
    thread.locator("summary").focus()
    researcher.keyboard.press("Enter")
    thread.locator("textarea").fill("Lowered to 3.")
    thread.locator("textarea").press("Tab")
    researcher.keyboard.press("Enter")
    expect(researcher.locator(".messagelist")).to_contain_text("Comment added")
    expect(researcher.locator(".comment-reply")).to_contain_text("Lowered to 3.")

    rating = draft.ratings.get(attribute__code="safety")
    rating.score = 3
    rating.save()
    researcher.goto(version_url)
    researcher.get_by_role("button", name="Save and submit for review").click()
    expect(researcher.locator("#id_change_summary")).to_have_value("New trial.")
    researcher.click("input[type=submit][value='Submit for review']")
    expect(researcher.locator(".state-badge").first).to_have_text("In review")

    consultant.goto(version_url)
    consultant.click("a.button:text('Approve')")
    since = consultant.locator(".changes-table").nth(1)
    expect(consultant.locator("#since-sent-back")).to_contain_text("by carl")
    expect(since).to_contain_text("Rating: Safety")
    expect(since.locator("del")).to_have_text("4")
    expect(since.locator("ins")).to_have_text("3")
