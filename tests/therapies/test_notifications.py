"""Everyone concerned hears of every workflow step, by e-mail from the background worker; the
README lists who. Discarding is for a draft's author or an editor; restoring, for editors."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import PublishedVersionFactory, member
from therapies.models import ReviewVersion
from therapies.notifications import MESSAGES, RECIPIENTS
from therapies.workflow import (
    WorkflowError,
    approve_version,
    cancel_expiry,
    discard_version,
    publish_version,
    recall_version,
    reopen_version,
    request_changes,
    restore_version,
    schedule_version,
    set_expiry,
    start_draft,
    submit_version,
    unschedule_version,
    withdraw_version,
)

pytestmark = pytest.mark.django_db
State = ReviewVersion.State
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def team():
    """rita writes the draft, rob saves it too; carl and cleo are consultants, edna an editor."""
    return {
        "rita": member("Researcher", "rita", "Rita"),
        "rob": member("Researcher", "rob"),
        "carl": member("Clinical consultant", "carl", "Carl"),
        "cleo": member("Clinical consultant", "cleo"),
        "edna": member("Editor", "edna", "Edna"),
    }


def draft_of(team):
    live = PublishedVersionFactory(name="Melatonin")
    draft = start_draft(live.therapy, team["rita"])
    draft.editors.add(team["rob"])
    return draft


def submitted(draft, team):
    return submit_version(
        version=draft, by=team["rita"], change_kind="update", change_summary="Two new trials."
    )


def approved(draft, team):
    return approve_version(version=submitted(draft, team), by=team["carl"])


def soon():
    return timezone.now() + datetime.timedelta(days=1)


# Each step: how to bring a version to it, and the step itself (who takes it, with what).
STEPS = {
    "submit": (lambda d, t: d, lambda v, t: submitted(v, t)),
    "recall": (submitted, lambda v, t: recall_version(version=v, by=t["rita"])),
    "request_changes": (
        submitted,
        lambda v, t: request_changes(version=v, by=t["carl"], comment="Cite it."),
    ),
    "approve": (submitted, lambda v, t: approve_version(version=v, by=t["carl"])),
    "reopen": (approved, lambda v, t: reopen_version(version=v, by=t["cleo"], comment="Wait.")),
    "schedule": (approved, lambda v, t: schedule_version(version=v, by=t["edna"], at=soon())),
    "unschedule": (
        lambda d, t: schedule_version(version=approved(d, t), by=t["edna"], at=soon()),
        lambda v, t: unschedule_version(version=v, by=t["edna"]),
    ),
    "publish": (approved, lambda v, t: publish_version(version=v, by=t["edna"])),
    "approval_voided": (approved, None),
    "withdraw": (
        lambda d, t: publish_version(version=approved(d, t), by=t["edna"]),
        lambda v, t: withdraw_version(version=v, by=t["cleo"], comment="A safety signal."),
    ),
    "set_expiry": (
        approved,
        lambda v, t: set_expiry(version=v, by=t["edna"], at=soon(), comment="Trial ends."),
    ),
    "cancel_expiry": (
        lambda d, t: set_expiry(version=approved(d, t), by=t["edna"], at=soon(), comment="x"),
        lambda v, t: cancel_expiry(version=v, by=t["edna"]),
    ),
    "discard": (lambda d, t: d, lambda v, t: discard_version(version=v, by=t["rita"])),
    "restore": (
        lambda d, t: discard_version(version=d, by=t["rita"]),
        lambda v, t: restore_version(version=v, by=t["edna"]),
    ),
}

# Who hears of each step here: never the person who took it.
HEARD_BY = {
    "submit": {"carl", "cleo"},
    "recall": {"carl", "cleo"},
    "request_changes": {"rita", "rob"},
    "approve": {"rita", "rob"},
    "reopen": {"rita", "rob", "carl"},
    "schedule": {"rita", "rob", "carl"},
    "unschedule": {"rita", "rob", "carl"},
    "publish": {"rita", "rob", "carl"},
    "approval_voided": {"rita", "rob", "carl"},
    "withdraw": {"rita", "rob", "carl", "edna"},
    "set_expiry": {"rita", "rob", "carl"},
    "cancel_expiry": {"rita", "rob", "carl"},
    "discard": {"rob"},
    "restore": {"rita", "rob"},
}
TAKEN_BY = {"submit": "Rita", "recall": "Rita", "request_changes": "Carl", "approve": "Carl",
            "reopen": "cleo", "withdraw": "cleo", "discard": "Rita"}  # fmt: skip


def test_every_step_has_an_e_mail_and_recipients():
    assert set(MESSAGES) == set(RECIPIENTS) == set(STEPS)


@pytest.mark.parametrize("action", list(STEPS))
def test_each_step_emails_the_people_concerned(team, jobs, action):
    prepare, step = STEPS[action]
    version = prepare(draft_of(team), team)
    jobs()
    mail.outbox.clear()
    if action == "approval_voided":
        # The content changes after its approval.
        ReviewVersion.objects.filter(pk=version.pk).update(summary="Changed since.")
        with pytest.raises(WorkflowError):
            publish_version(version=version, by=team["edna"])
    else:
        step(version, team)
    jobs()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {f"{name}@example.org" for name in HEARD_BY[action]}
    assert "Melatonin" in message.subject
    assert f"by {TAKEN_BY.get(action, 'Edna')}" in message.body
    assert f"/admin/therapies/reviewversion/{version.pk}/change/" in message.body


def test_the_e_mail_says_what_happened_with_the_comment(team, jobs):
    version = submitted(draft_of(team), team)
    jobs()
    mail.outbox.clear()
    request_changes(version=version, by=team["carl"], comment="Cite the 2022 trial.")
    jobs()
    body = mail.outbox[0].body
    assert "Melatonin, version 2: sent back for changes by Carl." in body
    assert "It is now changes requested." in body
    assert "What changed (update): Two new trials." in body
    assert "Comment: Cite the 2022 trial." in body


def test_the_worker_s_own_steps_name_it(team, jobs):
    version = schedule_version(version=approved(draft_of(team), team), by=team["edna"], at=soon())
    jobs()
    mail.outbox.clear()
    from therapies.workflow import publish_due

    publish_due(now=soon() + datetime.timedelta(minutes=1))
    jobs()
    assert "published by the background worker" in mail.outbox[0].body
    assert set(mail.outbox[0].to) == {"rita@example.org", "rob@example.org", "carl@example.org"}
    assert version.pk


def test_the_readme_lists_who_hears_of_each_step():
    readme = README.read_text()
    for action, groups in RECIPIENTS.items():
        row = re.search(rf"^\| `{action}` \|(.*)$", readme, re.MULTILINE)
        assert row, f"README lists no row for {action}"
        for group in groups:
            assert group in row.group(1), (action, group)


def test_only_the_author_or_an_editor_discards_a_draft(team):
    draft = draft_of(team)
    with pytest.raises(WorkflowError, match="author or an editor"):
        discard_version(version=draft, by=team["rob"])  # who saved it too, but did not start it
    with pytest.raises(WorkflowError, match="role does not allow"):
        discard_version(version=draft, by=team["carl"])
    discard_version(version=draft, by=team["edna"])
    draft.refresh_from_db()
    assert draft.state == State.DISCARDED


def test_an_editor_restores_a_discarded_draft(team):
    draft = discard_version(version=draft_of(team), by=team["rita"])
    with pytest.raises(WorkflowError, match="Only an editor"):
        restore_version(version=draft, by=team["rita"])
    restore_version(version=draft, by=team["edna"])
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert draft.audit.first().action == "restore"


def test_a_draft_is_not_restored_beside_another_open_version(team):
    draft = discard_version(version=draft_of(team), by=team["rita"])
    other = start_draft(draft.therapy, team["rob"])
    with pytest.raises(WorkflowError, match="already has an open version"):
        restore_version(version=draft, by=team["edna"])
    draft.refresh_from_db()
    assert draft.state == State.DISCARDED
    assert other.state == State.DRAFT
