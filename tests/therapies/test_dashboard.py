"""The admin home as each role starts their day from it: what needs them, what waits on
others, and where every review stands, each row with the actions its reader may take."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PublishedVersionFactory, role_user
from therapies.models import ReviewVersion
from therapies.templatetags.dashboard import ROWS_SHOWN
from therapies.workflow import (
    approve_version,
    publish_version,
    request_changes,
    schedule_version,
    start_draft,
    submit_version,
    withdraw_version,
)

pytestmark = pytest.mark.django_db
State = ReviewVersion.State


@pytest.fixture
def people():
    return {
        "researcher": role_user("Researcher", username="rita", first_name="Rita"),
        "consultant": role_user("Clinical consultant", username="carl", first_name="Carl"),
        "editor": role_user("Editor", username="eddie"),
    }


def dashboard(user):
    """The admin home as ``user`` sees it: its HTML and its work lists by title."""
    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    lists = {}
    for heading, sections in response.context["groups"]:
        for section in sections:
            lists[section.title] = section
            section.group = heading
    return response.content.decode(), lists


def row_of(section, version):
    rows = [row for row in section.rows if row.version.pk == version.pk]
    assert rows, f"{version} is not in {section.title!r}"
    return rows[0]


def labels(row):
    return [action.label for action in row.actions]


def step_url(version, step):
    return reverse("admin:therapies_reviewversion_step", args=[version.pk, step])


def change_url(version):
    return reverse("admin:therapies_reviewversion_change", args=[version.pk])


def start_draft_url(version):
    return reverse("admin:therapies_reviewversion_start_draft", args=[version.therapy_id])


def submitted(people, summary="Newer studies."):
    live = PublishedVersionFactory(name="Melatonin")
    draft = start_draft(live.therapy, people["researcher"])
    return live, submit_version(
        version=draft, by=people["researcher"], change_kind="update", change_summary=summary
    )


def test_consultant_sees_what_awaits_their_review_with_the_steps_they_may_take(people):
    _, draft = submitted(people, summary="Two newer trials added.")
    html, lists = dashboard(people["consultant"])
    section = lists["Awaiting my review"]
    assert section.group == "Needs you"
    row = row_of(section, draft)
    assert labels(row) == ["Approve", "Request changes", "Compare"]
    assert row.actions[0].url == step_url(draft, "approve")
    assert "submitted" in row.detail
    assert "Rita" in row.detail
    assert "Two newer trials added." in html  # what changed, from the change summary


def test_a_version_the_consultant_worked_on_waits_for_another_consultant(people):
    _, draft = submitted(people)
    draft.editors.add(people["consultant"])
    _, lists = dashboard(people["consultant"])
    assert not lists["Awaiting my review"].rows
    row = row_of(lists["In review, waiting for a consultant"], draft)
    assert "Approve" not in labels(row)


def test_researcher_sees_the_consultants_comment_and_can_revise_and_resubmit(people):
    _, draft = submitted(people)
    request_changes(version=draft, by=people["consultant"], comment="Cite the 2024 meta-analysis.")
    html, lists = dashboard(people["researcher"])
    assert "Awaiting my review" not in lists  # not a consultant: nothing to approve
    row = row_of(lists["Changes requested on my work"], draft)
    assert row.comment == "Cite the 2024 meta-analysis."
    assert "Carl asked for changes" in row.detail
    assert labels(row) == ["Revise", "Resubmit"]
    assert row.actions[0].url == change_url(draft)
    assert row.actions[1].url == step_url(draft, "submit")
    assert "Cite the 2024 meta-analysis." in html


def test_researchers_own_drafts_and_submissions(people):
    live = PublishedVersionFactory(name="Yoga")
    draft = start_draft(live.therapy, people["researcher"])
    _, in_review = submitted(people)
    _, lists = dashboard(people["researcher"])
    assert labels(row_of(lists["My drafts"], draft)) == ["Edit", "Preview", "Submit for review"]
    waiting = lists["In review, waiting for a consultant"]
    assert waiting.group == "Waiting on others"
    assert labels(row_of(waiting, in_review)) == ["Recall submission"]
    # Someone else's draft is not theirs to list.
    _, lists = dashboard(role_user("Researcher", username="other"))
    assert not lists["My drafts"].rows


def test_approved_versions_wait_for_publishers_who_can_publish_or_schedule_them(people):
    _, draft = submitted(people)
    approve_version(version=draft, by=people["consultant"])
    for role in ("editor", "consultant"):
        _, lists = dashboard(people[role])
        row = row_of(lists["Approved, ready to publish"], draft)
        assert lists["Approved, ready to publish"].group == "Needs you"
        assert labels(row) == ["Publish now", "Schedule publication"]
        assert row.actions[1].url == step_url(draft, "schedule")
        assert "approved by Carl" in row.detail
    _, lists = dashboard(people["researcher"])
    assert "Approved, ready to publish" not in lists
    assert row_of(lists["Approved, waiting to be published"], draft).actions == []


def test_scheduled_versions_show_their_time_and_may_be_moved(people):
    _, draft = submitted(people)
    approve_version(version=draft, by=people["consultant"])
    at = timezone.now() + datetime.timedelta(days=3)
    schedule_version(version=draft, by=people["editor"], at=at)
    _, lists = dashboard(people["editor"])
    assert "Approved, ready to publish" in lists
    assert not lists["Approved, ready to publish"].rows
    row = row_of(lists["Scheduled to publish or expire"], draft)
    assert f"{timezone.localtime(at):%b %-d, %Y}" in row.detail
    assert labels(row) == ["Publish now", "Change the time", "Cancel the schedule"]
    _, lists = dashboard(people["researcher"])
    assert row_of(lists["Scheduled to publish or expire"], draft).actions == []


def test_withdrawn_reviews_show_when_why_and_how_to_bring_them_back(people):
    live = PublishedVersionFactory(name="Mistletoe")
    withdraw_version(version=live, by=people["consultant"], comment="Safety signal under review.")
    html, lists = dashboard(people["researcher"])
    row = row_of(lists["Withdrawn from the public site"], live)
    assert row.comment == "Safety signal under review."
    assert "withdrawn by Carl" in row.detail
    assert labels(row) == ["Start a new draft"]
    assert row.actions[0].url == start_draft_url(live)
    assert "Safety signal under review." in html

    draft = start_draft(live.therapy, people["researcher"])
    _, lists = dashboard(people["researcher"])
    row = row_of(lists["Withdrawn from the public site"], live)
    assert labels(row) == [f"Open version {draft.number} (draft)"]

    submit_version(version=draft, by=people["researcher"], change_kind="update",
                   change_summary="Reviewed again.")  # fmt: skip
    approve_version(version=draft, by=people["consultant"])
    publish_version(version=draft, by=people["consultant"])
    _, lists = dashboard(people["researcher"])
    assert not lists["Withdrawn from the public site"].rows  # back on the public site


def test_overdue_rows_start_a_new_draft_or_open_the_one_in_progress(people):
    overdue = PublishedVersionFactory(
        name="Green tea", literature_reviewed=datetime.date(2020, 1, 1)
    )
    _, lists = dashboard(people["researcher"])
    row = row_of(lists["Full literature review overdue"], overdue)
    assert "was due January 2022" in row.detail
    assert labels(row) == ["Start a new draft"]
    assert row.actions[0].url == start_draft_url(overdue)

    # The link leads to the start-draft screen, which starts it.
    client = Client()
    client.force_login(people["researcher"])
    assert "Start a new draft" in client.get(row.actions[0].url).content.decode()
    response = client.post(row.actions[0].url)
    draft = ReviewVersion.objects.open().get(therapy=overdue.therapy)
    assert response.url == change_url(draft)

    _, lists = dashboard(people["researcher"])
    row = row_of(lists["Full literature review overdue"], overdue)
    assert labels(row) == [f"Open version {draft.number} (draft)"]
    assert row.actions[0].url == change_url(draft)


def test_consultants_are_not_offered_a_draft_they_may_not_start(people):
    overdue = PublishedVersionFactory(literature_reviewed=datetime.date(2020, 1, 1))
    _, lists = dashboard(people["consultant"])
    assert row_of(lists["Full literature review overdue"], overdue).actions == []
    _, lists = dashboard(people["editor"])
    assert labels(row_of(lists["Full literature review overdue"], overdue)) == ["Start a new draft"]


def test_due_soon_rows_also_start_a_draft(people):
    soon = timezone.localdate() + datetime.timedelta(days=40)
    due_soon = PublishedVersionFactory(literature_reviewed=soon.replace(day=1, year=soon.year - 2))
    _, lists = dashboard(people["researcher"])
    row = row_of(lists["Full literature review due within 90 days"], due_soon)
    assert labels(row) == ["Start a new draft"]
    assert not lists["Full literature review overdue"].rows


def test_a_long_list_shows_its_first_rows_and_links_to_all(people):
    for _ in range(ROWS_SHOWN + 2):
        PublishedVersionFactory(literature_reviewed=datetime.date(2020, 1, 1))
    html, lists = dashboard(people["researcher"])
    section = lists["Full literature review overdue"]
    assert (section.total, len(section.rows)) == (ROWS_SHOWN + 2, ROWS_SHOWN)
    assert section.more_url.endswith("?due=overdue")
    assert f"All {ROWS_SHOWN + 2}: full literature review overdue" in html
    assert not lists["Withdrawn from the public site"].more_url


def test_every_role_sees_every_list_of_the_lifecycle(people):
    lifecycle = {
        "Scheduled to publish or expire", "Full literature review overdue",
        "Full literature review due within 90 days", "Withdrawn from the public site",
        "In review, waiting for a consultant",
    }  # fmt: skip
    for user in people.values():
        html, lists = dashboard(user)
        assert lifecycle <= set(lists)
        assert "waiting for approval" in html  # proposed changes to shared records


def test_a_published_versions_page_offers_to_start_a_new_draft(people):
    live = PublishedVersionFactory()
    client = Client()
    client.force_login(people["researcher"])
    html = client.get(change_url(live)).content.decode()
    assert f'href="{start_draft_url(live)}"' in html
    assert "Start a new draft" in html

    draft = start_draft(live.therapy, people["researcher"])
    html = client.get(change_url(live)).content.decode()
    assert f"Open version {draft.number} (draft)" in html
    assert f'href="{start_draft_url(live)}"' not in html
    # The draft's own page does not offer another.
    assert "Start a new draft" not in client.get(change_url(draft)).content.decode()


def test_only_the_current_version_offers_a_new_draft(people):
    live = PublishedVersionFactory()
    ReviewVersion.objects.filter(pk=live.pk).update(state=State.SUPERSEDED)
    newer = PublishedVersionFactory(therapy=live.therapy)
    client = Client()
    client.force_login(people["researcher"])
    assert "Start a new draft" not in client.get(change_url(live)).content.decode()
    assert "Start a new draft" in client.get(change_url(newer)).content.decode()
    client.force_login(people["consultant"])  # may not write drafts
    assert "Start a new draft" not in client.get(change_url(newer)).content.decode()


def test_a_withdrawn_versions_page_offers_to_start_a_new_draft(people):
    live = PublishedVersionFactory()
    withdraw_version(version=live, by=people["consultant"], comment="Outdated.")
    client = Client()
    client.force_login(people["researcher"])
    assert f'href="{start_draft_url(live)}"' in client.get(change_url(live)).content.decode()


def test_the_start_draft_screen_says_what_the_draft_copies_and_what_is_due(people):
    live = PublishedVersionFactory(literature_reviewed=datetime.date(2020, 1, 1))
    client = Client()
    client.force_login(people["researcher"])
    html = client.get(start_draft_url(live)).content.decode()
    assert f"version {live.number}</a> of {live.name}" in html
    assert "The public page stays exactly as it is" in html
    assert "was due January 2022" in html
    assert f'href="{change_url(live)}">Cancel' in html

    withdraw_version(version=live, by=people["consultant"], comment="Outdated.")
    html = client.get(start_draft_url(live)).content.decode()
    assert "This review is withdrawn from the public site" in html
