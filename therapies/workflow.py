"""The editorial workflow: every state change of a review version goes through here.

Each transition is one transaction that locks the version row, checks the state, the actor's
permission and the revision the actor saw, changes the state, and writes an audit entry.
Notifications go out only after the transaction commits. The admin's buttons, the scheduled
publisher and the tests all call these functions; nothing else changes ``state``.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cancerchoices.cache import bump_public_content

from . import tasks
from .models import AuditEntry, Reference, ReviewVersion
from .rendering import fresh_fragments, render_version
from .roles import is_clinical_consultant

State = ReviewVersion.State
ChangeKind = ReviewVersion.ChangeKind


class WorkflowError(Exception):
    """A transition that may not happen now; the message is for the person who tried."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button's plain verb
    sources: tuple[str, ...]
    target: str
    permission: str  # codename in the therapies app
    needs_comment: bool = False


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "Submit for review", (State.DRAFT, State.CHANGES_REQUESTED),
                   State.IN_REVIEW, "submit_reviewversion"),
        Transition("recall", "Recall submission", (State.IN_REVIEW,), State.DRAFT,
                   "submit_reviewversion"),
        Transition("request_changes", "Request changes", (State.IN_REVIEW,),
                   State.CHANGES_REQUESTED, "review_reviewversion", needs_comment=True),
        Transition("approve", "Approve", (State.IN_REVIEW,), State.APPROVED,
                   "review_reviewversion"),
        Transition("reopen", "Reopen", (State.APPROVED,), State.CHANGES_REQUESTED,
                   "review_reviewversion", needs_comment=True),
        Transition("publish", "Publish", (State.APPROVED,), State.PUBLISHED,
                   "publish_reviewversion"),
        Transition("withdraw", "Withdraw from the public site", (State.PUBLISHED,),
                   State.WITHDRAWN, "publish_reviewversion", needs_comment=True),
        Transition("discard", "Discard draft", (State.DRAFT, State.CHANGES_REQUESTED),
                   State.DISCARDED, "change_reviewversion"),
    ]
}  # fmt: skip


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
        "ratings": sorted(
            version.ratings.values_list("attribute_id", "score", "evidence_level_id", "note")
        ),
        "subpages": sorted(version.subpages.values_list("kind", "title", "body")),
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


def refusal(name: str, version: ReviewVersion, user: AbstractBaseUser | None) -> str | None:
    """Why ``user`` may not do transition ``name`` on ``version`` now, or None if they may."""
    transition = TRANSITIONS[name]
    if version.state not in transition.sources:
        return (
            f"This version is {version.get_state_display().lower()}, so it cannot be "
            f"'{transition.label.lower()}'. Someone may have acted on it in the meantime."
        )
    if user is None:  # the scheduled publisher
        return None if name == "publish" else "Only people can do this."
    if not user.has_perm(f"therapies.{transition.permission}"):
        return f"Your role does not allow '{transition.label.lower()}'."
    worked_on_it = version.created_by_id == user.pk or version.editors.filter(pk=user.pk).exists()
    if name == "recall" and not worked_on_it:
        return "Only someone who worked on this version can recall it."
    if name == "approve" and not is_clinical_consultant(user):
        return "Only a clinical consultant can give the clinical approval."
    if name == "approve" and worked_on_it:
        return "You worked on this version, so someone else must approve it."
    return None


def available_transitions(version: ReviewVersion, user) -> list[Transition]:
    return [t for name, t in TRANSITIONS.items() if refusal(name, version, user) is None]


def _lock(version: ReviewVersion, expected_revision: int | None) -> ReviewVersion:
    locked = ReviewVersion.objects.select_for_update().select_related("therapy").get(pk=version.pk)
    if expected_revision is not None and locked.revision != expected_revision:
        raise WorkflowError(
            "This version changed since you opened it (someone else saved or acted on it). "
            "Nothing was done: reload the page, check what changed, and try again."
        )
    return locked


def _record(version, user, name, from_state, comment="") -> None:
    version.revision += 1
    version.save()
    if State.PUBLISHED in (from_state, version.state):
        bump_public_content()  # the public sees the step: no cached page may outlive it
    AuditEntry.objects.create(
        version=version,
        actor=user,
        action=name,
        from_state=from_state,
        to_state=version.state,
        comment=comment,
    )
    # Deferred in this transaction: the e-mail job exists only if the step commits.
    tasks.defer(tasks.notify_transition, version_id=version.pk, action=name, comment=comment)


def transition(
    name: str,
    version: ReviewVersion,
    user,
    *,
    comment: str = "",
    expected_revision: int | None = None,
    change_kind: str = "",
    change_summary: str = "",
    publish_at: datetime | None = None,
) -> ReviewVersion:
    """Carry out transition ``name``; raise WorkflowError (changing nothing) if it may not.

    One exception to "changing nothing": publishing content that changed after its approval
    voids the approval (and records that) before refusing.
    """
    with transaction.atomic():
        version = _lock(version, expected_revision)
        reason = refusal(name, version, user)
        if reason:
            raise WorkflowError(reason)
        if name == "publish" and version.approved_fingerprint != content_fingerprint(version):
            _void_approval(version, user)
        else:
            return _apply(name, version, user, comment, change_kind, change_summary, publish_at)
    raise WorkflowError(
        "The content changed after it was approved, so the approval no longer holds. "
        "It is back in review and needs approving again."
    )


def _void_approval(version: ReviewVersion, user) -> None:
    from_state = version.state
    _clear_approval(version)
    version.state = State.IN_REVIEW
    _record(version, user, "approval_voided", from_state, "Content changed after approval.")


def _apply(name, version, user, comment, change_kind, change_summary, publish_at):
    if TRANSITIONS[name].needs_comment and not comment.strip():
        raise WorkflowError("Please say why: a comment is required for this step.")
    if name in {"submit", "approve", "publish"}:
        missing = fresh_fragments(version).missing
        if missing:
            raise WorkflowError(
                f"The text cites or marks what does not exist: {', '.join(missing)}. "
                "Fix it in a draft first; nothing was done."
            )
    from_state = version.state

    if name == "submit":
        if change_kind not in ChangeKind.values or not change_summary.strip():
            raise WorkflowError("Say what kind of change this is and summarise it.")
        version.change_kind, version.change_summary = change_kind, change_summary.strip()
        version.submitted_at = timezone.now()
    elif name == "approve":
        version.approved_by, version.approved_at = user, timezone.now()
        version.approved_fingerprint = content_fingerprint(version)
    elif name in {"recall", "request_changes", "reopen"}:
        _clear_approval(version)
    elif name == "publish":
        if publish_at and publish_at > timezone.now():
            version.publish_at = publish_at
            when = f"To publish at {publish_at:%Y-%m-%d %H:%M} UTC"
            _record(version, user, "schedule", from_state, when)
            return version
        _publish(version)

    version.state = TRANSITIONS[name].target
    _record(version, user, name, from_state, comment)
    return version


def _clear_approval(version: ReviewVersion) -> None:
    version.approved_by = version.approved_at = version.publish_at = None
    version.approved_fingerprint = ""


def _publish(version: ReviewVersion) -> None:
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
    today = timezone.localdate()
    if version.change_kind != ChangeKind.CORRECTION or not version.last_updated:
        version.last_updated = today
    if version.change_kind == ChangeKind.FULL_REVIEW:
        version.literature_reviewed = today.replace(day=1)
    version.published_at = timezone.now()
    version.publish_at = None


@transaction.atomic
def start_draft(therapy, user) -> ReviewVersion:
    """A new draft copied from the live version, children included; with none live (a
    withdrawn review), from the newest version that was not discarded."""
    existing = ReviewVersion.objects.open().filter(therapy=therapy).first()
    if existing:
        raise WorkflowError(f"There is already an open version of this review: {existing}.")
    versions = ReviewVersion.objects.filter(therapy=therapy).order_by("-number")
    source = (
        versions.filter(state=State.PUBLISHED).first()
        or versions.exclude(state=State.DISCARDED).first()
        or versions.first()  # nothing was ever public: the discarded first draft
    )
    if source is None:
        raise WorkflowError("This therapy has no review yet: write its first version instead.")
    draft = _copy(source, user)
    draft.editors.add(user)
    AuditEntry.objects.create(
        version=draft, actor=user, action="start_draft", from_state=State.DRAFT,
        to_state=State.DRAFT, comment=f"From version {source.number}",
    )  # fmt: skip
    return draft


# What a new draft takes over from the version it starts from (besides its ratings, sub-pages
# and credits); the change, approval and workflow fields start empty.
COPIED_FIELDS = [
    "name", "alternate_names", "category_id", "is_sample", "review_interval_months", "summary",
    "body", "last_updated", "literature_reviewed",
]  # fmt: skip


def _copy(source: ReviewVersion, user) -> ReviewVersion:
    children = {
        "ratings": list(source.ratings.all()),
        "subpages": list(source.subpages.all()),
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
        getattr(draft, related).model.objects.bulk_create(objects)
    render_version(draft)
    return draft


def publish_due(now: datetime | None = None) -> list[ReviewVersion]:
    """Publish every approved version whose scheduled time has come. Safe to run repeatedly."""
    now = now or timezone.now()
    published = []
    due = ReviewVersion.objects.filter(state=State.APPROVED, publish_at__lte=now)
    for version in due.values_list("pk", flat=True):
        with transaction.atomic():
            locked = (
                ReviewVersion.objects.select_for_update(skip_locked=True)
                .filter(pk=version, state=State.APPROVED, publish_at__lte=now)
                .first()
            )
            if locked is None:  # another run got there first
                continue
            try:
                published.append(transition("publish", locked, None))
            except WorkflowError:
                continue
    return published
