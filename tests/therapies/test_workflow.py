"""The editorial workflow: its steps, their rules, dates, audit, and notifications."""

import datetime
from functools import partial

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ratings.models import Attribute
from tests.factories import (
    PublishedVersionFactory,
    RatingFactory,
    TherapyFactory,
    member,
)
from therapies.models import AuditEntry, ReviewVersion
from therapies.workflow import (
    WorkflowError,
    approve_version,
    discard_version,
    publish_due,
    publish_version,
    recall_version,
    reopen_version,
    request_changes,
    schedule_version,
    start_draft,
    submit_version,
    withdraw_version,
)

pytestmark = pytest.mark.django_db
State = ReviewVersion.State


@pytest.fixture
def researcher():
    return member("Researcher", username="rita")


@pytest.fixture
def consultant():
    return member("Clinical consultant", username="carl")


@pytest.fixture
def live():
    version = PublishedVersionFactory(
        summary="Live summary.", last_updated=datetime.date(2023, 12, 12),
        literature_reviewed=datetime.date(2021, 9, 1), published_at=timezone.now(),
    )  # fmt: skip
    RatingFactory(version=version, attribute=Attribute.objects.get(code="safety"), score=4)
    return version


SEARCHED = datetime.date(2024, 5, 1)  # the month a full review's literature search was run


def submitted(version, user, kind="update"):
    searched = SEARCHED if kind == "full_review" else None
    return submit_version(
        version=version, by=user, change_kind=kind, change_summary="New studies.",
        literature_searched=searched,
    )  # fmt: skip


def test_roles_exist_with_their_permissions():
    assert Group.objects.get(name="Researcher").permissions.filter(codename="submit_reviewversion")
    assert not Group.objects.get(name="Researcher").permissions.filter(
        codename="review_reviewversion"
    )
    consultant = Group.objects.get(name="Clinical consultant").permissions
    assert consultant.filter(codename="review_reviewversion").exists()
    assert consultant.filter(codename="publish_reviewversion").exists()
    assert not consultant.filter(codename="change_reviewversion").exists()
    editor = Group.objects.get(name="Editor").permissions
    assert editor.filter(codename="change_person").exists()
    assert not editor.filter(codename="delete_reviewversion").exists()


def test_a_new_draft_copies_the_live_version_and_leaves_it_alone(live, researcher):
    draft = start_draft(live.therapy, researcher)
    assert draft.state == State.DRAFT
    assert draft.number == live.number + 1
    assert draft.summary == live.summary
    assert draft.ratings.get().score == 4
    draft.summary = "Draft summary."
    draft.save()
    live.refresh_from_db()
    assert live.summary == "Live summary."
    with pytest.raises(WorkflowError, match="already an open version"):
        start_draft(live.therapy, researcher)


def test_full_cycle_moves_dates_and_writes_the_audit(live, researcher, consultant):
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher, kind="full_review")
    approve_version(version=draft, by=consultant)
    publish_version(version=draft, by=consultant)
    draft.refresh_from_db()
    live.refresh_from_db()
    assert draft.state == State.PUBLISHED
    assert live.state == State.SUPERSEDED
    today = timezone.localdate()
    assert draft.last_updated == today
    assert draft.literature_reviewed == SEARCHED
    assert draft.approved_by == consultant
    actions = list(
        draft.audit.order_by("created_at", "id").values_list("action", "actor__username")
    )
    assert actions == [
        ("start_draft", "rita"), ("submit", "rita"), ("approve", "carl"), ("publish", "carl"),
    ]  # fmt: skip
    assert list(ReviewVersion.objects.published()) == [draft]


@pytest.mark.parametrize(
    ("kind", "moves_update", "moves_review"),
    [("correction", False, False), ("update", True, False), ("full_review", True, True)],
)
def test_kind_of_change_decides_which_dates_move(
    live, researcher, consultant, kind, moves_update, moves_review
):
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher, kind=kind)
    approve_version(version=draft, by=consultant)
    publish_version(version=draft, by=consultant)
    draft.refresh_from_db()
    today = timezone.localdate()
    assert (draft.last_updated == today) is moves_update
    assert (draft.literature_reviewed == SEARCHED) is moves_review
    if not moves_review:
        assert draft.literature_reviewed == datetime.date(2021, 9, 1)
        assert draft.next_review_due == datetime.date(2023, 9, 1)


def test_nobody_approves_a_version_they_edited(live, consultant):
    consultant.groups.add(Group.objects.get(name="Researcher"))
    draft = start_draft(live.therapy, consultant)
    submitted(draft, consultant)
    with pytest.raises(WorkflowError, match="someone else must approve"):
        approve_version(version=draft, by=consultant)
    draft.refresh_from_db()
    assert draft.state == State.IN_REVIEW


def test_researchers_cannot_approve_or_publish(live, researcher):
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher)
    other = member("Researcher", username="rob")
    steps = [
        partial(approve_version),
        partial(request_changes, comment="x"),
        partial(publish_version),
        partial(withdraw_version, comment="x"),
    ]
    for step in steps:
        with pytest.raises(WorkflowError):
            step(version=draft, by=other)
    draft.refresh_from_db()
    assert draft.state == State.IN_REVIEW


def test_request_changes_needs_a_comment_and_reaches_the_researcher(live, researcher, consultant):
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher)
    with pytest.raises(WorkflowError, match="comment is required"):
        request_changes(version=draft, by=consultant, comment="  ")
    mail.outbox.clear()
    request_changes(version=draft, by=consultant, comment="Cite the 2022 trial.")
    assert mail.outbox == []  # e-mail is the background worker's job
    draft.refresh_from_db()
    assert draft.state == State.CHANGES_REQUESTED


def test_notifications_go_out_from_the_background_worker(live, researcher, consultant, jobs):
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher)
    assert mail.outbox == []
    jobs()
    assert "carl@example.org" in mail.outbox[-1].to
    request_changes(version=draft, by=consultant, comment="Cite the 2022 trial.")
    jobs()
    assert mail.outbox[-1].to == ["rita@example.org"]
    assert "Cite the 2022 trial." in mail.outbox[-1].body


def test_a_refused_step_sends_nothing(live, researcher, jobs):
    draft = start_draft(live.therapy, researcher)
    jobs()
    with pytest.raises(WorkflowError):
        approve_version(version=draft, by=researcher)
    assert jobs() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("field", ReviewVersion.CAUTION_FIELDS)
def test_the_cautions_are_approved_with_the_version_and_copied_into_a_new_draft(
    live, researcher, consultant, field
):
    ReviewVersion.objects.filter(pk=live.pk).update(**{field: "- Not with opioids."})
    draft = start_draft(live.therapy, researcher)
    assert getattr(draft, field) == "- Not with opioids."
    assert "<li>Not with opioids.</li>" in getattr(draft, f"{field}_html")
    submitted(draft, researcher)
    approve_version(version=draft, by=consultant)
    ReviewVersion.objects.filter(pk=draft.pk).update(**{field: "- Changed after approval."})
    with pytest.raises(WorkflowError, match="changed after it was approved"):
        publish_version(version=draft, by=consultant)


def test_approval_is_void_if_the_content_changes_after_it(live, researcher, consultant):
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher)
    approve_version(version=draft, by=consultant)
    ReviewVersion.objects.filter(pk=draft.pk).update(summary="Sneaked in after approval.")
    with pytest.raises(WorkflowError, match="changed after it was approved"):
        publish_version(version=draft, by=consultant)
    draft.refresh_from_db()
    assert draft.state == State.IN_REVIEW
    assert draft.approved_by is None
    assert draft.audit.filter(action="approval_voided").exists()
    live.refresh_from_db()
    assert live.state == State.PUBLISHED


def test_a_changed_rating_also_voids_the_approval(live, researcher, consultant):
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher)
    approve_version(version=draft, by=consultant)
    draft.ratings.update(score=1)
    with pytest.raises(WorkflowError):
        publish_version(version=draft, by=consultant)


def test_a_step_based_on_a_stale_revision_is_refused(live, researcher, consultant):
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher)
    seen = ReviewVersion.objects.get(pk=draft.pk).revision
    other = member("Clinical consultant", username="cleo")
    approve_version(version=draft, by=other, expected_revision=seen)
    with pytest.raises(WorkflowError, match="changed since you opened it"):
        request_changes(version=draft, by=consultant, comment="No!", expected_revision=seen)
    draft.refresh_from_db()
    assert draft.state == State.APPROVED


def test_recall_reopen_withdraw_and_discard(live, researcher, consultant):
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher)
    recall_version(version=draft, by=researcher)
    submitted(draft, researcher)
    approve_version(version=draft, by=consultant)
    reopen_version(version=draft, by=consultant, comment="One more check.")
    draft.refresh_from_db()
    assert draft.state == State.CHANGES_REQUESTED
    assert draft.approved_by is None
    discard_version(version=draft, by=researcher)
    withdraw_version(version=live, by=consultant, comment="Safety concern under review.")
    live.refresh_from_db()
    assert live.state == State.WITHDRAWN
    assert not ReviewVersion.objects.published().exists()


def test_scheduled_publishing_runs_once(live, researcher, consultant):
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher)
    approve_version(version=draft, by=consultant)
    soon = timezone.now() + datetime.timedelta(hours=1)
    schedule_version(version=draft, by=consultant, at=soon)
    draft.refresh_from_db()
    assert draft.state == State.APPROVED
    assert draft.publish_at == soon
    assert publish_due() == []  # not yet
    later = soon + datetime.timedelta(minutes=1)
    assert [v.pk for v in publish_due(now=later)] == [draft.pk]
    assert publish_due(now=later) == []
    draft.refresh_from_db()
    assert draft.state == State.PUBLISHED
    entry = draft.audit.first()
    assert (entry.action, entry.actor) == ("publish", None)
    assert AuditEntry.objects.filter(version=draft, action="publish").count() == 1


def test_publish_scheduled_command_is_safe_to_repeat(live, researcher, consultant, capsys):
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher)
    approve_version(version=draft, by=consultant)
    ReviewVersion.objects.filter(pk=draft.pk).update(
        publish_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled")
    call_command("publish_scheduled")
    output = capsys.readouterr().out
    assert output.count("Published") == 1
    assert "Nothing due." in output


def test_due_for_review_follows_the_interval():
    overdue = PublishedVersionFactory(literature_reviewed=datetime.date(2020, 1, 1))
    recent = PublishedVersionFactory(literature_reviewed=timezone.localdate().replace(day=1))
    soon_date = (timezone.localdate() - datetime.timedelta(days=24 * 30 - 40)).replace(day=1)
    soon = PublishedVersionFactory(literature_reviewed=soon_date)
    assert list(ReviewVersion.objects.due_for_review()) == [overdue]
    assert set(ReviewVersion.objects.due_for_review(90)) == {overdue, soon}
    assert recent not in ReviewVersion.objects.due_for_review(90)


def test_a_therapy_without_versions_gets_its_first_version_written_not_copied(researcher):
    with pytest.raises(WorkflowError, match="write its first version"):
        start_draft(TherapyFactory(), researcher)


def test_the_public_page_and_its_json_ld_follow_each_step(client, live, researcher, consultant):
    consultant.first_name, consultant.last_name = "Carla", "Reviewer"
    consultant.save()
    draft = start_draft(live.therapy, researcher)
    submitted(draft, researcher, kind="full_review")
    approve_version(version=draft, by=consultant)
    preview_url = reverse("admin:therapies_reviewversion_preview", args=[draft.pk])
    client.force_login(consultant)
    preview = client.get(preview_url).content.decode()
    assert "Clinically reviewed by" in preview
    assert "Carla Reviewer" in preview
    client.logout()
    publish_version(version=draft, by=consultant)
    html = client.get(live.therapy.get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert f'"dateModified": "{today.isoformat()}"' in html
    assert f'"lastReviewed": "{today.isoformat()}"' in html  # the day it was approved
    assert f'<time datetime="{today.isoformat()}">' in html  # the last update
    assert "Carla Reviewer" in html
    assert "what changed" in html
