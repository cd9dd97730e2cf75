"""The editorial workflow: every state change of a review version goes through here.

Each step is a function with keyword-only arguments (``submit_version``, ``approve_version``,
``schedule_version``...), called alike by the admin, the worker and the tests. Each is one
transaction that locks the version row, checks the state, the actor's permission (``STEPS``,
the permission matrix) and the revision the actor saw, changes the state, writes an audit
entry and queues the e-mail, which the worker sends only if the step commits. Nothing else
changes ``state``.
"""

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cancerchoices.cache import bump_public_content
from cancerchoices.tasks import defer

from .models import AuditEntry, Reference, ReviewVersion, review_due_after
from .notifications import notify_transition
from .rendering import fresh_fragments, render_version
from .roles import is_clinical_consultant, is_editor

State = ReviewVersion.State
ChangeKind = ReviewVersion.ChangeKind
User = AbstractBaseUser


class WorkflowError(Exception):
    """A step that may not happen now; the message is for the person who tried."""


@dataclass(frozen=True)
class Step:
    name: str  # in the admin's address of the step's screen, and in the audit trail
    label: str  # the button's plain verb
    sources: tuple[str, ...]
    target: str | None  # None: the version stays in the state it is in
    permission: str  # codename in the therapies app
    needs_comment: bool = False


# The permission matrix: from which states each step goes, to which state, and what it takes.
STEPS = {
    step.name: step
    for step in [
        Step("submit", "Submit for review", (State.DRAFT, State.CHANGES_REQUESTED),
             State.IN_REVIEW, "submit_reviewversion"),
        Step("recall", "Recall submission", (State.IN_REVIEW,), State.DRAFT,
             "submit_reviewversion"),
        Step("request_changes", "Request changes", (State.IN_REVIEW,),
             State.CHANGES_REQUESTED, "review_reviewversion", needs_comment=True),
        Step("approve", "Approve", (State.IN_REVIEW,), State.APPROVED, "review_reviewversion"),
        Step("reopen", "Reopen", (State.APPROVED,), State.CHANGES_REQUESTED,
             "review_reviewversion", needs_comment=True),
        Step("publish", "Publish now", (State.APPROVED,), State.PUBLISHED,
             "publish_reviewversion"),
        Step("schedule", "Schedule publication", (State.APPROVED,), State.APPROVED,
             "publish_reviewversion"),
        Step("unschedule", "Cancel the schedule", (State.APPROVED,), State.APPROVED,
             "publish_reviewversion"),
        Step("withdraw", "Withdraw from the public site", (State.PUBLISHED,),
             State.WITHDRAWN, "publish_reviewversion", needs_comment=True),
        Step("set_expiry", "Set an expiry", (State.APPROVED, State.PUBLISHED), None,
             "publish_reviewversion", needs_comment=True),
        Step("cancel_expiry", "Cancel the expiry", (State.APPROVED, State.PUBLISHED), None,
             "publish_reviewversion"),
        Step("discard", "Discard draft", (State.DRAFT, State.CHANGES_REQUESTED),
             State.DISCARDED, "change_reviewversion"),
        Step("restore", "Restore as a draft", (State.DISCARDED,), State.DRAFT,
             "change_reviewversion"),
    ]
}  # fmt: skip

# The steps the background worker takes by itself (``by=None``): scheduled publication and
# the withdrawal of an expired version.
WORKER_STEPS = {"publish", "withdraw"}


# What the public sees of a finding, in the order the version lists them.
FINDING_CONTENT_FIELDS = [
    "attribute_id", "cancer_type_id", "direction", "evidence_level_id", "outcome", "population",
    "combined_with", "detail", "sources", "order",
]  # fmt: skip


def finding_contents(version: ReviewVersion) -> list:
    return list(version.findings.order_by("order", "pk").values_list(*FINDING_CONTENT_FIELDS))


def content_fingerprint(version: ReviewVersion) -> str:
    """A hash of everything the public would see of this version (not its state or dates),
    the details of the references it cites and the glossary terms it marks included."""
    content = {
        "name": version.name,
        "alternate_names": version.alternate_names,
        "category": version.category_id,
        "cancer_types": sorted(version.cancer_types.values_list("pk", flat=True)),
        "is_sample": version.is_sample,
        "review_interval_months": version.review_interval_months,
        "summary": version.summary,
        "body": version.body,
        # Only the parts written, so approvals given before the cautions existed still hold.
        **{name: text for name in ReviewVersion.CAUTION_FIELDS if (text := getattr(version, name))},
        "ratings": sorted(
            version.ratings.values_list("attribute_id", "score", "evidence_level_id", "note")
        ),
        "subpages": sorted(version.subpages.values_list("kind", "title", "body")),
        # Only when there are any, so approvals given before findings existed still hold.
        **({"findings": findings} if (findings := finding_contents(version)) else {}),
        "credits": sorted(version.credits.values_list("person_id", "role", "order")),
        "references": sorted(
            (reference.key, reference.shared_values())
            for reference in Reference.objects.filter(
                pk__in=version.page_references.values("reference")
            )
        ),
        "terms": sorted((term.slug, term.shared_values()) for term in version.marked_terms.all()),
    }
    return hashlib.sha256(json.dumps(content, default=str).encode()).hexdigest()


def refusal(step: str, version: ReviewVersion, user: User | None) -> str | None:
    """Why ``user`` may not take ``step`` on ``version`` now, or None if they may. ``user`` is
    None for the background worker, which may only publish and withdraw (``WORKER_STEPS``)."""
    taken = STEPS[step]
    if version.state not in taken.sources:
        return (
            f"This version is {version.get_state_display().lower()}, so it cannot be "
            f"'{taken.label.lower()}'. Someone may have acted on it in the meantime."
        )
    if step == "unschedule" and not version.publish_at:
        return "This version is not scheduled to publish."
    if step == "cancel_expiry" and not version.expires_at:
        return "This version has no expiry."
    if user is None:
        return None if step in WORKER_STEPS else "Only people can do this."
    if not user.has_perm(f"therapies.{taken.permission}"):
        return f"Your role does not allow '{taken.label.lower()}'."
    worked_on_it = version.created_by_id == user.pk or version.editors.filter(pk=user.pk).exists()
    if step == "recall" and not worked_on_it:
        return "Only someone who worked on this version can recall it."
    if step == "approve" and not is_clinical_consultant(user):
        return "Only a clinical consultant can give the clinical approval."
    if step == "approve" and worked_on_it:
        return "You worked on this version, so someone else must approve it."
    if step == "discard" and version.created_by_id != user.pk and not is_editor(user):
        return "Only the draft's author or an editor can discard it."
    if step == "restore" and not is_editor(user):
        return "Only an editor can restore a discarded draft."
    return None


def available_steps(version: ReviewVersion, user: User) -> list[Step]:
    """The steps ``user`` may take on ``version`` now, in the matrix's order."""
    return [step for name, step in STEPS.items() if refusal(name, version, user) is None]


def submit_version(
    *,
    version: ReviewVersion,
    by: User,
    change_kind: str,
    change_summary: str,
    literature_searched: date | None = None,
    expected_revision: int | None = None,
) -> ReviewVersion:
    """Send a draft to the clinical consultants, saying what kind of change it is and what
    changed (shown to the public once published); a full literature review also says the
    month its literature search was run."""
    with _step("submit", version, by, expected_revision) as version:
        if change_kind not in ChangeKind.values or not change_summary.strip():
            raise WorkflowError("Say what kind of change this is and summarise it.")
        problem = literature_search_problem(change_kind, literature_searched)
        if problem:
            raise WorkflowError(problem)
        _refuse_missing_citations(version)
        version.change_kind, version.change_summary = change_kind, change_summary.strip()
        version.literature_searched = (
            literature_searched.replace(day=1) if change_kind == ChangeKind.FULL_REVIEW else None
        )
        version.submitted_at = timezone.now()
        return _move(version, by, "submit")


def literature_search_problem(change_kind: str, searched: date | None) -> str | None:
    """What is wrong with the month of the literature search given for this kind of change,
    or None: a full literature review needs one, and not a month to come."""
    if change_kind != ChangeKind.FULL_REVIEW:
        return None
    if searched is None:
        return "A full literature review needs the month the literature search was run."
    if searched.replace(day=1) > timezone.localdate().replace(day=1):
        return "The literature search cannot have been run in a month still to come."
    return None


def recall_version(
    *, version: ReviewVersion, by: User, expected_revision: int | None = None
) -> ReviewVersion:
    """Take a submission back to edit it further."""
    with _step("recall", version, by, expected_revision) as version:
        _clear_approval(version)
        return _move(version, by, "recall")


def request_changes(
    *, version: ReviewVersion, by: User, comment: str, expected_revision: int | None = None
) -> ReviewVersion:
    """Send a submission back to its researchers, saying what needs changing."""
    with _step("request_changes", version, by, expected_revision, comment) as version:
        _clear_approval(version)
        return _move(version, by, "request_changes", comment)


def approve_version(
    *, version: ReviewVersion, by: User, comment: str = "", expected_revision: int | None = None
) -> ReviewVersion:
    """Give the clinical approval of exactly this content (its fingerprint)."""
    with _step("approve", version, by, expected_revision) as version:
        _refuse_missing_citations(version)
        version.approved_by, version.approved_at = by, timezone.now()
        version.approved_fingerprint = content_fingerprint(version)
        return _move(version, by, "approve", comment)


def reopen_version(
    *, version: ReviewVersion, by: User, comment: str, expected_revision: int | None = None
) -> ReviewVersion:
    """Take an approval back before publication, saying why."""
    with _step("reopen", version, by, expected_revision, comment) as version:
        _clear_approval(version)
        return _move(version, by, "reopen", comment)


def schedule_version(
    *, version: ReviewVersion, by: User, at: datetime, expected_revision: int | None = None
) -> ReviewVersion:
    """Publish an approved version at ``at`` (the worker does it when the time comes).
    Scheduling again moves the time; the approval stands."""
    with _step("schedule", version, by, expected_revision) as version:
        if at <= timezone.now():
            raise WorkflowError("That time has passed; choose a time to come.")
        if version.expires_at and at >= version.expires_at:
            raise WorkflowError(
                f"This version expires {_when(version.expires_at)}: schedule it before that, "
                "or cancel the expiry first."
            )
        version.publish_at = at
        return _move(version, by, "schedule", f"To publish {_when(at)}")


def unschedule_version(
    *, version: ReviewVersion, by: User, expected_revision: int | None = None
) -> ReviewVersion:
    """Cancel a scheduled publication; the version stays approved, to publish or schedule
    again without a new approval."""
    with _step("unschedule", version, by, expected_revision) as version:
        comment = f"Was to publish {_when(version.publish_at)}"
        version.publish_at = None
        return _move(version, by, "unschedule", comment)


def set_expiry(
    *,
    version: ReviewVersion,
    by: User,
    at: datetime,
    comment: str,
    expected_revision: int | None = None,
) -> ReviewVersion:
    """Have the worker withdraw an approved or published version at ``at``, giving readers
    ``comment`` as the reason (``withdraw_expired``). Setting it again moves the time."""
    with _step("set_expiry", version, by, expected_revision, comment) as version:
        if at <= timezone.now():
            raise WorkflowError("That time has passed; choose a time to come.")
        if version.publish_at and at <= version.publish_at:
            raise WorkflowError(
                f"This version is scheduled to publish {_when(version.publish_at)}: "
                "choose an expiry after that."
            )
        version.expires_at, version.expiry_reason = at, comment.strip()
        return _move(version, by, "set_expiry", f"Expires {_when(at)}: {comment.strip()}")


def cancel_expiry(
    *, version: ReviewVersion, by: User, expected_revision: int | None = None
) -> ReviewVersion:
    """Keep the version public for as long as nobody withdraws it."""
    with _step("cancel_expiry", version, by, expected_revision) as version:
        comment = f"Was to expire {_when(version.expires_at)}"
        version.expires_at, version.expiry_reason = None, ""
        return _move(version, by, "cancel_expiry", comment)


def _when(moment: datetime) -> str:
    """A time as the audit trail and e-mail give it: in the zone of the person acting, named."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"


def publish_version(
    *, version: ReviewVersion, by: User | None, expected_revision: int | None = None
) -> ReviewVersion:
    """Make an approved version the public one, superseding the one live now. ``by`` is None
    when the worker publishes a scheduled version.

    Content that changed after its approval (a shared reference, say) is not published: the
    approval is voided, recorded, and the version goes back to review.
    """
    with _step("publish", version, by, expected_revision) as version:
        if version.expires_at and version.expires_at <= timezone.now():
            raise WorkflowError("Its expiry has passed: cancel the expiry or move it first.")
        if version.approved_fingerprint == content_fingerprint(version):
            _refuse_missing_citations(version)
            _supersede_live_version(version)
            return _move(version, by, "publish")
        _clear_approval(version)
        version.state = State.IN_REVIEW
        _record(version, by, "approval_voided", State.APPROVED, "Content changed after approval.")
    raise WorkflowError(
        "The content changed after it was approved, so the approval no longer holds. "
        "It is back in review and needs approving again."
    )


def withdraw_version(
    *, version: ReviewVersion, by: User | None, comment: str, expected_revision: int | None = None
) -> ReviewVersion:
    """Take a published review off the public site, saying why (readers see the reason).
    ``by`` is None when the worker withdraws a version whose expiry has come."""
    with _step("withdraw", version, by, expected_revision, comment) as version:
        version.expires_at = None
        return _move(version, by, "withdraw", comment.strip())


def discard_version(
    *, version: ReviewVersion, by: User, expected_revision: int | None = None
) -> ReviewVersion:
    """Give up a draft that was never published (its author or an editor)."""
    with _step("discard", version, by, expected_revision) as version:
        return _move(version, by, "discard")


def restore_version(
    *, version: ReviewVersion, by: User, expected_revision: int | None = None
) -> ReviewVersion:
    """Make a discarded draft a draft again (an editor), if its review has no open version."""
    with _step("restore", version, by, expected_revision) as version:
        existing = ReviewVersion.objects.open().filter(therapy=version.therapy_id).first()
        if existing:
            raise WorkflowError(
                f"This review already has an open version ({existing}); discard or publish "
                "it before restoring this one."
            )
        return _move(version, by, "restore")


@contextmanager
def _step(name, version, by, expected_revision, comment=None):
    """``with _step(...) as locked:`` the step's transaction, with the version locked and
    checked: the revision the actor saw, the permission matrix, the comment a step needs.
    Raises WorkflowError, changing nothing."""
    with transaction.atomic():
        locked = (
            ReviewVersion.objects.select_for_update().select_related("therapy").get(pk=version.pk)
        )
        if expected_revision is not None and locked.revision != expected_revision:
            raise WorkflowError(
                "This version changed since you opened it (someone else saved or acted on "
                "it). Nothing was done: reload the page, check what changed, and try again."
            )
        reason = refusal(name, locked, by)
        if reason:
            raise WorkflowError(reason)
        if comment is not None and not comment.strip():
            raise WorkflowError("Please say why: a comment is required for this step.")
        yield locked


def _refuse_missing_citations(version: ReviewVersion) -> None:
    missing = fresh_fragments(version).missing
    if missing:
        raise WorkflowError(
            f"The text cites or marks what does not exist: {', '.join(missing)}. "
            "Fix it in a draft first; nothing was done."
        )


def _move(version: ReviewVersion, by: User | None, step: str, comment: str = "") -> ReviewVersion:
    """Put ``version`` in the state ``step`` leads to, and record it."""
    from_state = version.state
    version.state = STEPS[step].target or from_state
    _record(version, by, step, from_state, comment)
    return version


def _record(version, by, action: str, from_state: str, comment: str = "") -> None:
    version.revision += 1
    version.save()
    if State.PUBLISHED in (from_state, version.state):
        bump_public_content()  # the public sees the step: no cached page may outlive it
    AuditEntry.objects.create(
        version=version,
        actor=by,
        action=action,
        from_state=from_state,
        to_state=version.state,
        comment=comment,
    )
    # Queued in this transaction: the e-mail job exists only if the step commits.
    defer(
        notify_transition,
        version_id=version.pk,
        action=action,
        state=version.state,
        comment=comment,
        actor_id=by.pk if by else None,
    )


def _clear_approval(version: ReviewVersion) -> None:
    version.approved_by = version.approved_at = version.publish_at = None
    version.approved_fingerprint = ""


def _supersede_live_version(version: ReviewVersion) -> None:
    """Supersede the live version and move the dates as the kind of change says."""
    previous = (
        ReviewVersion.objects.select_for_update()
        .filter(therapy=version.therapy, state=State.PUBLISHED)
        .first()
    )
    if previous:
        previous.state = State.SUPERSEDED
        previous.revision += 1
        previous.save()
    dates = publication_dates(version)
    version.last_updated, version.literature_reviewed = (
        dates.last_updated,
        dates.literature_reviewed,
    )
    version.published_at = timezone.now()
    version.publish_at = None


class PublicationDates(NamedTuple):
    last_updated: date | None
    literature_reviewed: date | None
    next_review_due: date | None


def publication_dates(version: ReviewVersion) -> PublicationDates:
    """The dates that publishing ``version`` today gives it, as its kind of change says: a
    correction moves none (but a first version gets its last update), an update moves the last
    update to today, and a full literature review also sets the month its literature search
    was run, and with it the next review due."""
    last_updated, literature_reviewed = version.last_updated, version.literature_reviewed
    if version.change_kind != ChangeKind.CORRECTION or not last_updated:
        last_updated = timezone.localdate()
    if version.change_kind == ChangeKind.FULL_REVIEW and version.literature_searched:
        literature_reviewed = version.literature_searched
    due = review_due_after(literature_reviewed, version.review_interval_months)
    return PublicationDates(last_updated, literature_reviewed, due)


def draft_source(therapy) -> ReviewVersion | None:
    """The version a new draft of ``therapy`` copies: the live one; with none live (a withdrawn
    review), the newest that was not discarded."""
    versions = ReviewVersion.objects.filter(therapy=therapy).order_by("-number")
    return (
        versions.filter(state=State.PUBLISHED).first()
        or versions.exclude(state=State.DISCARDED).first()
        or versions.first()  # nothing was ever public: the discarded first draft
    )


@transaction.atomic
def start_draft(therapy, user) -> ReviewVersion:
    """A new draft copied from the live version, children included; with none live (a
    withdrawn review), from the newest version that was not discarded."""
    existing = ReviewVersion.objects.open().filter(therapy=therapy).first()
    if existing:
        raise WorkflowError(f"There is already an open version of this review: {existing}.")
    source = draft_source(therapy)
    if source is None:
        raise WorkflowError("This therapy has no review yet: write its first version instead.")
    draft = _copy(source, user)
    draft.editors.add(user)
    AuditEntry.objects.create(
        version=draft, actor=user, action="start_draft", from_state=State.DRAFT,
        to_state=State.DRAFT, comment=f"From version {source.number}",
    )  # fmt: skip
    return draft


# What a new draft takes over from the version it starts from (besides its ratings, sub-pages,
# findings and credits); the change, approval and workflow fields start empty.
COPIED_FIELDS = [
    "name", "alternate_names", "category_id", "is_sample", "review_interval_months", "summary",
    "body", *ReviewVersion.CAUTION_FIELDS, "last_updated", "literature_reviewed",
]  # fmt: skip


def _copy(source: ReviewVersion, user) -> ReviewVersion:
    children = {
        "ratings": list(source.ratings.all()),
        "subpages": list(source.subpages.all()),
        "findings": list(source.findings.all()),
        "credits": list(source.credits.all()),
    }
    draft = ReviewVersion.objects.create(
        therapy=source.therapy,
        **{name: getattr(source, name) for name in COPIED_FIELDS},
        created_by=user,
    )
    draft.cancer_types.set(source.cancer_types.all())
    for related, objects in children.items():
        for obj in objects:
            obj.pk = None
            obj.version = draft
        # Recorded in their history, so the draft's first edit of each shows what it changed.
        bulk_create_with_history(
            objects,
            getattr(draft, related).model,
            default_user=user,
            default_change_reason=f"Copied from version {source.number}",
        )
    render_version(draft)
    return draft


def publish_due(now: datetime | None = None) -> list[ReviewVersion]:
    """Publish every approved version whose scheduled time has come. Safe to run repeatedly."""
    due = Q(state=State.APPROVED, publish_at__lte=now or timezone.now())
    return _for_each_due(due, lambda version: publish_version(version=version, by=None))


def withdraw_expired(now: datetime | None = None) -> list[ReviewVersion]:
    """Withdraw every published version whose expiry has come, giving readers the reason set
    with it. Safe to run repeatedly, and beside itself."""
    due = Q(state=State.PUBLISHED, expires_at__lte=now or timezone.now())
    return _for_each_due(
        due,
        lambda version: withdraw_version(version=version, by=None, comment=version.expiry_reason),
    )


def _for_each_due(due: Q, take_step) -> list[ReviewVersion]:
    """The worker's step ``take_step`` on each version matching ``due``, each in a transaction
    of its own with the version locked; one that another run holds, or that no longer matches,
    or that the step refuses, is left. Returns the versions the step was taken on."""
    done = []
    for pk in ReviewVersion.objects.filter(due).values_list("pk", flat=True):
        with transaction.atomic():
            locked = (
                ReviewVersion.objects.select_for_update(skip_locked=True).filter(due, pk=pk).first()
            )
            if locked is None:  # another run got there first
                continue
            try:
                done.append(take_step(locked))
            except WorkflowError:
                continue
    return done
