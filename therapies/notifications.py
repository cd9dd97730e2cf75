"""E-mail to the people concerned by a workflow step, sent by the background worker
(``therapies.tasks.notify_transition``) once the step has committed."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse

SUBJECTS = {
    "submit": "Review submitted for approval: {therapy}",
    "request_changes": "Changes requested: {therapy}",
    "approve": "Review approved: {therapy}",
    "publish": "Review published: {therapy}",
}


def _addresses(users) -> list[str]:
    return sorted({user.email for user in users if user.email})


def recipients(version, action: str) -> list[str]:
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


def transition_done(version_pk: int, action: str, comment: str = "") -> None:
    """Send the e-mail for step ``action`` of a version; steps nobody needs to hear of send none.

    A failure to send (an SMTP error, the mail server unreachable) raises: the worker retries.
    """
    from therapies.models import ReviewVersion
    from therapies.workflow import TRANSITIONS

    if action not in SUBJECTS:
        return
    version = ReviewVersion.objects.select_related("created_by", "approved_by").get(pk=version_pk)
    to = recipients(version, action)
    if not to:
        return
    # The state the step led to: by the time the worker sends this, a later step may have
    # moved the version on (approved straight after its submission, say).
    state = ReviewVersion.State(TRANSITIONS[action].target).label
    lines = [
        f"{version.name}, version {version.number}: {state}.",
        f"Change: {version.change_summary}" if version.change_summary else "",
        f"Comment: {comment}" if comment else "",
        "Open it: "
        + settings.SITE_URL
        + reverse("admin:therapies_reviewversion_change", args=[version.pk]),
    ]
    send_mail(
        SUBJECTS[action].format(therapy=version.name),
        "\n\n".join(line for line in lines if line),
        None,
        to,
    )
