"""E-mail to the people concerned by a workflow step, sent by the background worker once the
step has committed: ``therapies.workflow`` queues ``notify_transition`` in the step's own
transaction, so the job exists only if the step does."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import OperationalError
from django.db.models import Q
from django.urls import reverse
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from cancerchoices.tasks import run_like_a_request

from .models import ReviewVersion

SUBJECTS = {
    "submit": "Review submitted for approval: {therapy}",
    "request_changes": "Changes requested: {therapy}",
    "approve": "Review approved: {therapy}",
    "publish": "Review published: {therapy}",
}


def _addresses(users) -> list[str]:
    return sorted({user.email for user in users if user.email})


def recipients(version: ReviewVersion, action: str) -> list[str]:
    """Submissions go to consultants; everything else to the people who worked on it."""
    if action == "submit":
        reviewers = get_user_model().objects.filter(
            Q(groups__permissions__codename="review_reviewversion") | Q(is_superuser=True),
            is_active=True,
        )
        return _addresses(reviewers.distinct())
    people = {*version.editors.all()}
    if version.created_by:
        people.add(version.created_by)
    if action == "publish" and version.approved_by:
        people.add(version.approved_by)
    return _addresses(people)


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
def notify_transition(version_id: int, action: str, state: str, comment: str = "") -> None:
    """E-mail the people concerned by workflow step ``action`` of a version, which led to
    ``state``; steps nobody needs to hear of send none. A failure to send raises: the worker
    retries."""
    if action not in SUBJECTS:
        return
    version = ReviewVersion.objects.select_related("created_by", "approved_by").get(pk=version_id)
    to = recipients(version, action)
    if not to:
        return
    # The state the step led to, passed along: by the time the worker sends this, a later
    # step may have moved the version on (approved straight after its submission, say).
    address = settings.SITE_URL + reverse("admin:therapies_reviewversion_change", args=[version.pk])
    lines = [
        f"{version.name}, version {version.number}: {ReviewVersion.State(state).label}.",
        f"Change: {version.change_summary}" if version.change_summary else "",
        f"Comment: {comment}" if comment else "",
        f"Open it: {address}",
    ]
    send_mail(
        SUBJECTS[action].format(therapy=version.name),
        "\n\n".join(line for line in lines if line),
        None,
        to,
    )
