"""Scheduling and the literature search month in a real browser: the native month and
date-time inputs, sent with the Enter key, in the editor's own time zone."""

import datetime
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.factories import UserFactory, build_review
from therapies.models import ReviewVersion, StaffSettings
from therapies.workflow import approve_version, start_draft

pytestmark = pytest.mark.django_db(transaction=True)


def staff(username, role):
    user = UserFactory(username=username, is_staff=True, email=f"{username}@example.org")
    user.groups.add(Group.objects.get(name=role))
    return user


def sign_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)


def test_a_full_review_submitted_and_scheduled_from_the_keyboard(live_server, browser):
    live = build_review()
    researcher = staff("rita", "Researcher")
    staff("edna", "Editor")
    draft = start_draft(live.therapy, researcher)
    step = f"{live_server.url}/admin/therapies/reviewversion/{draft.pk}/step"

    page = browser.new_context().new_page()
    sign_in(page, live_server.url, "rita")
    page.goto(f"{step}/submit/")
    page.check("input[value=full_review]")
    page.fill("#id_change_summary", "Searched the literature again.")
    month = page.locator("#id_literature_searched")
    expect(month).to_have_attribute("type", "month")
    month.fill("2024-05")
    month.press("Enter")
    expect(page.locator(".state-badge").first).to_have_text("In review")
    draft.refresh_from_db()
    assert draft.literature_searched == datetime.date(2024, 5, 1)

    approve_version(version=draft, by=staff("carl", "Clinical consultant"))
    editor = browser.new_context().new_page()
    sign_in(editor, live_server.url, "edna")
    editor.click("#user-tools >> text=Your settings")
    editor.select_option("#id_time_zone", "Asia/Tokyo")
    editor.click("input[type=submit][value=Save]")
    expect(editor.locator(".messagelist")).to_contain_text("now in Asia/Tokyo")
    assert StaffSettings.objects.get(user__username="edna").time_zone == "Asia/Tokyo"

    editor.goto(f"{step}/schedule/")
    expect(editor.locator("label[for=id_at]")).to_contain_text("Publish at (Asia/Tokyo)")
    when = editor.locator("#id_at")
    expect(when).to_have_attribute("type", "datetime-local")
    when.fill("2099-03-01T09:30")
    when.press("Enter")
    panel = editor.locator(".workflow-panel")
    expect(panel).to_contain_text("March 1, 2099 09:30 (Asia/Tokyo)")
    expect(panel.get_by_role("link", name="Cancel the schedule")).to_be_visible()
    version = ReviewVersion.objects.get(pk=draft.pk)
    assert version.publish_at == datetime.datetime(
        2099, 3, 1, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")
    )
