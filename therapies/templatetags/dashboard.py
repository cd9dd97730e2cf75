from datetime import timedelta

from django import template
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from therapies.models import ReviewVersion, SharedChange
from therapies.roles import is_clinical_consultant

register = template.Library()
State = ReviewVersion.State


@register.inclusion_tag("admin/includes/dashboard.html")
def review_dashboard(user):
    """The admin home's work lists, for the signed-in person."""
    versions = ReviewVersion.objects.order_by("name")
    mine = Q(created_by=user) | Q(editors=user)
    stuck_since = timezone.now() - timedelta(days=settings.STUCK_IN_REVIEW_DAYS)
    awaiting = versions.filter(state=State.IN_REVIEW).exclude(editors=user)
    return {
        "shared_changes": SharedChange.objects.filter(state=SharedChange.State.PENDING)
        .select_related("reference", "glossary_term", "proposed_by")
        .order_by("proposed_at"),
        "sections": [
            (
                "Awaiting my review",
                awaiting if is_clinical_consultant(user) else versions.none(),
                "Nothing is waiting for you.",
            ),
            (
                "My drafts and changes requested",
                versions.filter(mine, state__in=ReviewVersion.EDITABLE_STATES).distinct(),
                "You have no open drafts.",
            ),
            (
                "Scheduled to publish",
                versions.filter(state=State.APPROVED, publish_at__isnull=False),
                "Nothing is scheduled.",
            ),
            (
                "Full literature review overdue",
                ReviewVersion.objects.due_for_review().order_by("name"),
                "No review is overdue.",
            ),
            (
                "Full literature review due within 90 days",
                ReviewVersion.objects.due_for_review(90)
                .exclude(pk__in=ReviewVersion.objects.due_for_review().values("pk"))
                .order_by("name"),
                "None due in the next 90 days.",
            ),
            (
                f"In review for more than {settings.STUCK_IN_REVIEW_DAYS} days",
                versions.filter(state=State.IN_REVIEW, submitted_at__lt=stuck_since),
                "Nothing is stuck.",
            ),
        ],
    }
