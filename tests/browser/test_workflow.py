"""The editorial workflow end to end in a real browser, as a researcher and a consultant."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.factories import UserFactory, build_review

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)


def staff(username, role):
    user = UserFactory(username=username, is_staff=True, email=f"{username}@example.org")
    user.groups.add(Group.objects.get(name=role))
    return user


def test_researcher_submits_consultant_approves_and_publishes(live_server, browser, screenshot_dir):
    version = build_review()
    therapy = version.therapy
    staff("rita", "Researcher")
    staff("carl", "Clinical consultant")
    public_url = live_server.url + therapy.get_absolute_url()

    researcher = browser.new_context().new_page()
    sign_in(researcher, live_server.url, "rita")
    researcher.goto(live_server.url + f"/admin/therapies/therapy/{therapy.pk}/change/")
    researcher.click("text=Start a new draft")
    researcher.click("input[value='Start a new draft']")
    expect(researcher.locator(".state-badge").first).to_have_text("Draft")
    researcher.fill("#id_summary", "A revised summary after newer studies.")
    safety_row = researcher.evaluate(
        """() => [...document.querySelectorAll("select[name$='-attribute']")]
            .find((s) => s.selectedOptions[0]?.text === "Safety").name.split("-")[1]"""
    )
    researcher.select_option(f"select[name='ratings-{safety_row}-score']", "5")
    researcher.click("input[name=_continue]")
    expect(researcher.locator(".messagelist")).to_contain_text("changed successfully")
    researcher.click("text=Submit for review")
    researcher.check("input[value=update]")
    researcher.fill("#id_change_summary", "Added two newer studies; safety rating raised.")
    researcher.click("input[type=submit][value='Submit for review']")
    expect(researcher.locator(".state-badge").first).to_have_text("In review")

    anonymous = browser.new_context().new_page()
    anonymous.goto(public_url)
    expect(anonymous.locator(".dek")).to_have_text(version.summary)

    consultant = browser.new_context().new_page()
    sign_in(consultant, live_server.url, "carl")
    consultant.locator(".dashboard-module", has_text="Awaiting my review").get_by_role(
        "link", name=version.name
    ).click()
    consultant.click("a.button:text('Approve')")
    table = consultant.locator(".changes-table")
    expect(table.locator("ins").first).to_contain_text("revised")
    expect(table).to_contain_text("Rating: Safety")
    consultant.screenshot(path=str(screenshot_dir / "admin-approve.png"), full_page=True)
    consultant.click("input[type=submit][value='Approve']")
    expect(consultant.locator(".state-badge").first).to_have_text("Approved")

    anonymous.reload()
    expect(anonymous.locator(".dek")).to_have_text(version.summary)

    consultant.click("a.button:text('Publish now')")
    consultant.click("input[type=submit][value='Publish now']")
    expect(consultant.locator(".state-badge").first).to_have_text("Published")

    anonymous.reload()
    expect(anonymous.locator(".dek")).to_have_text("A revised summary after newer studies.")
    expect(anonymous.locator("#rating-safety")).to_contain_text("5 of 5")
    expect(anonymous.locator(".review-dates").first).to_contain_text("Clinically reviewed by")
    anonymous.click("text=what changed")
    expect(anonymous.locator("main")).to_contain_text(
        "Added two newer studies; safety rating raised."
    )
    assert re.search(r"/changes/$", anonymous.url)
