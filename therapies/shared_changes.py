"""Changes to shared records (references, glossary terms) that published reviews use.

A reference's details and a glossary term's definitions are medical content too. Once a
published review cites or marks one, a change to it is stored as a ``SharedChange`` and the
public keeps seeing the approved text until a clinical consultant who did not propose it
approves exactly that change. Approving applies it in one transaction, starts a new content
generation, and leaves the re-rendering of every review that cites or marks it to the
background worker. A record no published review uses changes at once: no reader sees it.
"""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cancerchoices.cache import bump_public_content
from cancerchoices.tasks import defer
from people.models import Person

from .models import GlossaryTerm, PageReference, Reference, ReviewVersion, SharedChange
from .rendering import (
    render_glossary_term,
    rerender_versions,
    versions_citing,
    versions_marking,
)
from .roles import is_clinical_consultant
from .workflow import WorkflowError


def is_in_live_use(record) -> bool:
    """Whether a published review cites (a reference) or marks (a glossary term) ``record``."""
    published = ReviewVersion.objects.published()
    if isinstance(record, Reference):
        return PageReference.objects.filter(reference=record, version__in=published).exists()
    return published.filter(marked_terms=record).exists()


def _target(record) -> dict:
    return {"reference": record} if isinstance(record, Reference) else {"glossary_term": record}


@transaction.atomic
def propose_change(*, record, edited, by) -> SharedChange:
    """Store ``edited`` (an unsaved copy of ``record`` with the proposed values) as the
    record's pending change, replacing a pending change of the same person."""
    values = edited.shared_values()
    pending = SharedChange.objects.select_for_update().filter(
        state=SharedChange.State.PENDING, **_target(record)
    )
    existing = pending.first()
    if existing and existing.proposed_by_id != by.pk:
        raise WorkflowError(
            f"{existing.proposed_by} already proposed a change to this record that is waiting "
            "for approval. Ask them, or a consultant, to settle it first; nothing was saved."
        )
    if existing:
        existing.values, existing.proposed_at = values, timezone.now()
        existing.save(update_fields=["values", "proposed_at"])
        return existing
    return SharedChange.objects.create(
        values=values, base=record.shared_values(), proposed_by=by, **_target(record)
    )


def _lock_pending(change: SharedChange, seen_digest: str) -> SharedChange:
    locked = SharedChange.objects.select_for_update().get(pk=change.pk)
    if locked.state != SharedChange.State.PENDING:
        raise WorkflowError(
            f"This change is already {locked.get_state_display().lower()}; nothing was done."
        )
    if locked.digest != seen_digest:
        raise WorkflowError(
            "The proposal changed after you opened it. Nothing was done: reload the page and "
            "check it again."
        )
    return locked


@transaction.atomic
def approve_change(*, change: SharedChange, by, seen_digest: str) -> SharedChange:
    """Apply the proposal ``change`` to its record, if it is still exactly what the approver
    saw (``seen_digest``, its ``digest`` then)."""
    locked = _lock_pending(change, seen_digest)
    if not is_clinical_consultant(by):
        raise WorkflowError("Only a clinical consultant can approve a change to medical content.")
    if locked.proposed_by_id == by.pk:
        raise WorkflowError("You proposed this change, so someone else must approve it.")
    record = type(locked.record).objects.select_for_update().get(pk=locked.record.pk)
    if record.shared_values() != locked.base:
        raise WorkflowError(
            "The record changed after this proposal was made, so approving it would undo that "
            "change. Nothing was done: ask for the change to be proposed again."
        )
    record.apply_shared_values(locked.values)
    record._change_reason = f"Approved change {locked.pk}"
    record.save()
    if isinstance(record, GlossaryTerm):
        render_glossary_term(record)
        affected = versions_marking(record)
    else:
        affected = versions_citing(record)
    locked.state, locked.decided_by, locked.decided_at = (
        SharedChange.State.APPROVED, by, timezone.now(),
    )  # fmt: skip
    locked.save()
    # The reference list and the glossary page show the new text at once; the tooltips in the
    # reviews' stored text follow when the worker has rendered them again.
    bump_public_content()
    defer(rerender_versions, version_ids=affected)
    return locked


@transaction.atomic
def reject_change(*, change: SharedChange, by, comment: str, seen_digest: str) -> SharedChange:
    locked = _lock_pending(change, seen_digest)
    if not comment.strip():
        raise WorkflowError("Please say why: a comment is required to reject a change.")
    if not is_clinical_consultant(by):
        raise WorkflowError("Only a clinical consultant can reject a change to medical content.")
    locked.state, locked.decided_by, locked.decided_at, locked.comment = (
        SharedChange.State.REJECTED, by, timezone.now(), comment.strip(),
    )  # fmt: skip
    locked.save()
    return locked


@transaction.atomic
def withdraw_change(*, change: SharedChange, by, seen_digest: str) -> SharedChange:
    locked = _lock_pending(change, seen_digest)
    if locked.proposed_by_id != by.pk:
        raise WorkflowError("Only the person who proposed a change can withdraw it.")
    locked.state, locked.decided_by, locked.decided_at = (
        SharedChange.State.WITHDRAWN, by, timezone.now(),
    )  # fmt: skip
    locked.save()
    return locked


def save_directly(record) -> None:
    """Save a record no published review uses (and render what depends on it). The drafts,
    glossary definitions and biographies that cite or mark it are rendered again by the
    worker; a new record, or one nothing shows, queues nothing."""
    record.save()
    if isinstance(record, GlossaryTerm):
        render_glossary_term(record)
        affected = versions_marking(record)
    else:
        affected = versions_citing(record)
    if affected or shown_in_shared_texts(record):
        defer(rerender_versions, version_ids=affected)


def shown_in_shared_texts(record) -> bool:
    """Whether a glossary definition or a biography may cite or mark ``record``."""
    if isinstance(record, Reference):
        words = [f"@{record.key}"]
    else:
        words = [record.slug, *record.all_forms]
    mentions = Q()
    for word in words:
        mentions |= Q(text__icontains=word)
    definitions = GlossaryTerm.objects.annotate(text=F("definition")).filter(mentions)
    return definitions.exists() or Person.objects.annotate(text=F("bio")).filter(mentions).exists()
