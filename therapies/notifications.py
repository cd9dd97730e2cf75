"""E-mail to the people concerned by a workflow step, sent by the background worker once the
step has committed: ``therapies.workflow`` queues ``notify_transition`` in the step's own
transaction, so the job exists only if the step does. A reader's message from the contact page
reaches the editors the same way (``therapies.contact`` queues ``notify_editors_of_message``).

Who hears of each step (the README lists the same): ``RECIPIENTS``. The person who took the
step is never told of it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, send_mail
from django.db import OperationalError
from django.urls import reverse
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from cancerchoices.tasks import run_like_a_request

from .models import ContactMessage, ReviewVersion
from .roles import CONSULTANT_ROLE, EDITOR_ROLE

# Each step's e-mail: its subject, and what happened, said of the version "by" someone.
MESSAGES = {
    "submit": ("Review submitted for approval: {therapy}", "submitted for approval by {by}"),
    "recall": ("Submission recalled: {therapy}", "recalled from review by {by}"),
    "request_changes": ("Changes requested: {therapy}", "sent back for changes by {by}"),
    "approve": ("Review approved: {therapy}", "approved by {by}"),
    "reopen": ("Approval reopened: {therapy}", "approval reopened by {by}"),
    "schedule": ("Publication scheduled: {therapy}", "scheduled to publish by {by}"),
    "unschedule": ("Scheduled publication cancelled: {therapy}",
                   "scheduled publication cancelled by {by}; it stays approved"),
    "publish": ("Review published: {therapy}", "published by {by}"),
    "approval_voided": ("Approval void, back in review: {therapy}",
                        "approval voided on a publication tried by {by}: the content changed "
                        "after it was approved, so it is back in review"),
    "withdraw": ("Review withdrawn from the public site: {therapy}", "withdrawn by {by}"),
    "set_expiry": ("Expiry set: {therapy}", "given an expiry by {by}"),
    "cancel_expiry": ("Expiry cancelled: {therapy}", "expiry cancelled by {by}"),
    "discard": ("Draft discarded: {therapy}", "discarded by {by}"),
    "restore": ("Discarded draft restored: {therapy}", "restored as a draft by {by}"),
}  # fmt: skip

# Who hears of each step: "consultants" (the clinical consultants, who alone approve),
# "worked on" (the version's author and everyone who saved it), "approver" (who gave its latest
# approval, even once the approval is cleared) and "editors" (the Editor role).
RECIPIENTS = {
    "submit": {"consultants"},
    "recall": {"consultants"},
    "request_changes": {"worked on"},
    "approve": {"worked on"},
    "reopen": {"worked on", "approver"},
    "schedule": {"worked on", "approver"},
    "unschedule": {"worked on", "approver"},
    "publish": {"worked on", "approver"},
    "approval_voided": {"worked on", "approver"},
    "withdraw": {"worked on", "approver", "editors"},
    "set_expiry": {"worked on", "approver", "editors"},
    "cancel_expiry": {"worked on", "approver", "editors"},
    "discard": {"worked on"},
    "restore": {"worked on"},
}


def recipients(version: ReviewVersion, action: str, actor_id: int | None = None) -> list[str]:
    """The addresses of the people concerned by step ``action`` of ``version``, but for the
    person who took it."""
    users = get_user_model().objects.filter(is_active=True)
    groups = RECIPIENTS[action]
    people = []
    if "consultants" in groups:
        people += users.filter(groups__name=CONSULTANT_ROLE)
    if "editors" in groups:
        people += users.filter(groups__name=EDITOR_ROLE)
    if "worked on" in groups:
        people += version.editors.filter(is_active=True)
        if version.created_by and version.created_by.is_active:
            people.append(version.created_by)
    if "approver" in groups:
        approval = version.audit.filter(action="approve").select_related("actor").first()
        if approval and approval.actor and approval.actor.is_active:
            people.append(approval.actor)
    return sorted({user.email for user in people if user.email and user.pk != actor_id})


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


@app.task(
    queue="email",
    # A mail outage loses nothing: tried again after 5 s, 25 s, 2 min, 10 min, 52 min and 4.3 h
    # (5.4 hours in all). SMTP errors and refused or timed-out connections are OSErrors, a
    # database out of reach an OperationalError; any other error (a deleted version) fails the
    # job at once, for the admin to see.
    retry=RetryStrategy(
        max_attempts=6, exponential_wait=5, retry_exceptions=[OSError, OperationalError]
    ),
    task_middleware=[run_like_a_request],
)
def notify_transition(
    version_id: int, action: str, state: str, comment: str = "", actor_id: int | None = None
) -> None:
    """E-mail the people concerned by workflow step ``action`` of a version, taken by the user
    ``actor_id`` (None: the background worker), which led to ``state``. A failure to send
    raises: the worker retries."""
    if action not in MESSAGES:
        return
    version = ReviewVersion.objects.select_related("created_by").get(pk=version_id)
    to = recipients(version, action, actor_id)
    if not to:
        return
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    subject, happened = MESSAGES[action]
    by = _name(actor) if actor else "the background worker"
    # The state the step led to, passed along: by the time the worker sends this, a later
    # step may have moved the version on (approved straight after its submission, say).
    address = settings.SITE_URL + reverse("admin:therapies_reviewversion_change", args=[version.pk])
    kind = f" ({version.change_kind.replace('_', ' ')})" if version.change_kind else ""
    lines = [
        f"{version.name}, version {version.number}: {happened.format(by=by)}.",
        f"It is now {ReviewVersion.State(state).label.lower()}.",
        f"What changed{kind}: {version.change_summary}" if version.change_summary else "",
        f"Comment: {comment}" if comment else "",
        f"Open it: {address}",
    ]
    send_mail(
        subject.format(therapy=version.name),
        "\n\n".join(line for line in lines if line),
        None,
        to,
    )


@app.task(
    queue="email",
    retry=RetryStrategy(
        max_attempts=6, exponential_wait=5, retry_exceptions=[OSError, OperationalError]
    ),
    task_middleware=[run_like_a_request],
)
def notify_editors_of_message(message_id: int) -> None:
    """E-mail a reader's message from the contact page to every active editor; a reply goes to
    the reader's address, when they gave one. A failure to send raises: the worker retries."""
    message = ContactMessage.objects.get(pk=message_id)
    users = get_user_model().objects.filter(is_active=True, groups__name=EDITOR_ROLE)
    to = sorted({user.email for user in users if user.email})
    if not to:
        return
    sender = " ".join(filter(None, [message.name, f"<{message.email}>" if message.email else ""]))
    address = settings.SITE_URL + reverse(
        "admin:therapies_contactmessage_change", args=[message.pk]
    )
    lines = [
        f"{message.get_kind_display()}, sent from the contact page.",
        f"About: {settings.SITE_URL}{message.page}" if message.page else "",
        f"From: {sender}" if sender else "From: no name or address given (no reply possible).",
        message.message,
        f"Open it in the queue: {address}",
    ]
    EmailMessage(
        f"Message from a reader: {message.get_kind_display().lower()}",
        "\n\n".join(line for line in lines if line),
        to=to,
        reply_to=[message.email] if message.email else None,
    ).send()
