"""The admin home: the work lists each person starts their day from, and the "start a new
draft" action shared by those lists and a published version's page."""

from dataclasses import dataclass, field
from datetime import timedelta

from django import template
from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode

from therapies.models import AuditEntry, ReviewVersion, SharedChange
from therapies.roles import is_clinical_consultant
from therapies.workflow import STEPS, refusal

register = template.Library()
State = ReviewVersion.State

# Rows a list shows before it says how many more there are and links to all of them.
ROWS_SHOWN = 15


@dataclass
class Action:
    label: str
    url: str
    primary: bool = False


@dataclass
class Row:
    version: ReviewVersion
    detail: str = ""
    comment: str = ""  # what the last step said (a consultant's request, a withdrawal's reason)
    actions: list[Action] = field(default_factory=list)


@dataclass
class Section:
    title: str
    empty: str
    versions: object  # the queryset listed
    detail: object  # version, its latest audit entry -> the row's detail and comment
    actions: object  # version, open version of its therapy -> [Action]
    more_url: str = ""
    rows: list[Row] = field(default_factory=list)
    total: int = 0


def _version_url(version, name="change", *args) -> str:
    return reverse(f"admin:therapies_reviewversion_{name}", args=[version.pk, *args])


def _changelist(**filters) -> str:
    return reverse("admin:therapies_reviewversion_changelist") + "?" + urlencode(filters)


def _person(user) -> str:
    if user is None:
        return "the scheduled publisher"
    return user.get_full_name() or user.get_username()


def _day(value) -> str:
    return date_format(timezone.localtime(value), "M j, Y")


def draft_action(
    therapy_id: int, open_version: ReviewVersion | None, user, primary: bool = True
) -> Action | None:
    """Where to work on the next version of a review: its open version if it has one, else a
    new draft (for those who may write one)."""
    if open_version is not None:
        return Action(
            f"Open version {open_version.number} ({open_version.get_state_display().lower()})",
            _version_url(open_version),
        )
    if user.has_perm("therapies.add_reviewversion"):
        url = reverse("admin:therapies_reviewversion_start_draft", args=[therapy_id])
        return Action("Start a new draft", url, primary=primary)
    return None


def _step_actions(version, user, *names, relabel=None, primary=True) -> list[Action]:
    """Buttons for the workflow steps ``user`` may take on ``version`` now (one rule:
    ``workflow.refusal``), each leading to the step's own screen; the first is the row's main
    action unless ``primary`` is False."""
    relabel = relabel or {}
    return [
        Action(relabel.get(name, STEPS[name].label), _version_url(version, "step", name),
               primary=primary and index == 0)
        for index, name in enumerate(names)
        if refusal(name, version, user) is None
    ]  # fmt: skip


@register.inclusion_tag("admin/includes/dashboard.html")
def review_dashboard(user):
    """The admin home's work lists for the signed-in person: what needs them, what waits on
    others, and where every review stands (scheduled, overdue, due soon, stuck, withdrawn)."""
    versions = ReviewVersion.objects.select_related("therapy").order_by("name", "pk")
    mine = versions.filter(Q(created_by=user) | Q(editors=user)).distinct()
    consultant = is_clinical_consultant(user)
    writer = user.has_perm("therapies.submit_reviewversion")
    publisher = user.has_perm("therapies.publish_reviewversion")
    in_review = versions.filter(state=State.IN_REVIEW)
    awaiting_me = in_review.exclude(pk__in=mine.values("pk")) if consultant else in_review.none()
    ready = versions.filter(state=State.APPROVED, publish_at__isnull=True)
    stuck_since = timezone.now() - timedelta(days=settings.STUCK_IN_REVIEW_DAYS)
    overdue = ReviewVersion.objects.due_for_review().select_related("therapy")

    def submitted(version, entry):
        by = f" by {_person(entry.actor)}" if entry and entry.action == "submit" else ""
        kind = version.get_change_kind_display().split(" (")[0].lower()
        return f"{kind}, submitted {_day(version.submitted_at)}{by}", version.change_summary

    def requested(version, entry):
        if entry is None or entry.to_state != State.CHANGES_REQUESTED:
            return f"version {version.number}", ""
        return f"{_person(entry.actor)} asked for changes on {_day(entry.created_at)}", (
            entry.comment
        )

    def approved(version, entry):
        return f"approved by {_person(version.approved_by)} on {_day(version.approved_at)}", ""

    def scheduled(version, entry):
        times = {"publishes": version.publish_at, "expires": version.expires_at}
        said = [
            f"{verb} {date_format(timezone.localtime(moment), 'M j, Y H:i T')}"
            for verb, moment in times.items()
            if moment
        ]
        return "; ".join(said), version.expiry_reason  # the reason readers will be given

    def due(version, entry):
        was = "was " if version.review_due < timezone.localdate() else ""
        return f"full literature review {was}due {date_format(version.review_due, 'F Y')}", ""

    def withdrawn(version, entry):
        if entry is None or entry.action != "withdraw":
            return "withdrawn", ""
        return f"withdrawn by {_person(entry.actor)} on {_day(entry.created_at)}", entry.comment

    def draft(version, entry):
        return f"last saved {_day(version.modified_at)}", ""

    def next_version(version, open_version, primary=True):
        action = draft_action(version.therapy_id, open_version, user, primary)
        return [action] if action else []

    needs_you = [
        Section(
            "Awaiting my review", "Nothing is waiting for you.", awaiting_me, submitted,
            lambda v, o: [*_step_actions(v, user, "approve", "request_changes"),
                          Action("Compare", _version_url(v, "compare"))],
        ) if consultant else None,
        Section(
            "Changes requested on my work", "No changes are requested of you.",
            mine.filter(state=State.CHANGES_REQUESTED), requested,
            lambda v, o: [Action("Revise", _version_url(v), primary=True),
                          *_step_actions(v, user, "submit", relabel={"submit": "Resubmit"},
                                         primary=False)],
        ) if writer else None,
        Section(
            "My drafts", "You have no open drafts.", mine.filter(state=State.DRAFT), draft,
            lambda v, o: [Action("Edit", _version_url(v), primary=True),
                          Action("Preview", _version_url(v, "preview")),
                          *_step_actions(v, user, "submit", primary=False)],
        ) if writer else None,
        Section(
            "Approved, ready to publish", "Nothing approved is waiting to be published.",
            ready, approved,
            lambda v, o: _step_actions(v, user, "publish", "schedule"),
        ) if publisher else None,
    ]  # fmt: skip
    waiting = [
        Section(
            "In review, waiting for a consultant", "Nothing else is in review.",
            in_review.exclude(pk__in=awaiting_me.values("pk")), submitted,
            lambda v, o: _step_actions(v, user, "recall"),
            more_url=_changelist(state__exact=State.IN_REVIEW),
        ),
        Section(
            "Approved, waiting to be published", "Nothing approved is waiting.", ready, approved,
            lambda v, o: [],
        ) if not publisher else None,
    ]  # fmt: skip
    everywhere = [
        Section(
            "Scheduled to publish or expire", "Nothing is scheduled.",
            versions.filter(Q(state=State.APPROVED, publish_at__isnull=False)
                            | Q(state__in=[State.APPROVED, State.PUBLISHED],
                                expires_at__isnull=False))
            .order_by(Coalesce("publish_at", "expires_at")),
            scheduled,
            lambda v, o: _step_actions(v, user, "publish", "schedule", "unschedule",
                                       "cancel_expiry", relabel={"schedule": "Change the time"}),
        ),
        Section(
            "Full literature review overdue", "No review is overdue.", overdue.order_by("name"),
            due, next_version, more_url=_changelist(due="overdue"),
        ),
        Section(
            "Full literature review due within 90 days", "None due in the next 90 days.",
            ReviewVersion.objects.due_for_review(90).select_related("therapy")
            .exclude(pk__in=overdue.values("pk")).order_by("review_due", "name"),
            due, lambda v, o: next_version(v, o, primary=False), more_url=_changelist(due="90"),
        ),
        Section(
            f"In review for more than {settings.STUCK_IN_REVIEW_DAYS} days", "Nothing is stuck.",
            in_review.filter(submitted_at__lt=stuck_since).order_by("submitted_at"), submitted,
            lambda v, o: [],
        ),
        Section(
            "Withdrawn from the public site", "No review is withdrawn.",
            versions.filter(pk__in=_still_withdrawn()),
            withdrawn, next_version, more_url=_changelist(state__exact=State.WITHDRAWN),
        ),
    ]  # fmt: skip
    groups = [
        ("Needs you", [s for s in needs_you if s]),
        ("Waiting on others", [s for s in waiting if s]),
        ("Across all reviews", everywhere),
    ]
    _fill([section for _, sections in groups for section in sections])
    pending = SharedChange.objects.filter(state=SharedChange.State.PENDING).select_related(
        "reference", "glossary_term", "proposed_by"
    )
    return {
        "groups": groups,
        "shared_changes": pending.order_by("proposed_at"),
        # Consultants approve these changes; everyone else waits on them.
        "shared_changes_group": groups[0][0] if consultant else groups[1][0],
        "shared_change_action": "Review the change" if consultant else "View",
    }


def _still_withdrawn():
    """The latest withdrawn version of each review that has not been published again."""
    return (
        ReviewVersion.objects.filter(state=State.WITHDRAWN)
        .exclude(therapy__versions__state=State.PUBLISHED)
        .order_by("therapy_id", "-number")
        .distinct("therapy_id")
        .values("pk")
    )


def _fill(sections: list[Section]) -> None:
    """Each section's first rows, with their details and actions, in a few queries for all."""
    for section in sections:
        section.total = section.versions.count()
        section.rows = [Row(version) for version in section.versions[:ROWS_SHOWN]]
        if section.total <= ROWS_SHOWN:
            section.more_url = ""
    rows = [row for section in sections for row in section.rows]
    latest = {
        entry.version_id: entry
        for entry in AuditEntry.objects.filter(version__in=[row.version.pk for row in rows])
        .select_related("actor")
        .order_by("version_id", "-created_at", "-pk")
        .distinct("version_id")
    }
    open_versions = {
        version.therapy_id: version
        for version in ReviewVersion.objects.open().filter(
            therapy__in={row.version.therapy_id for row in rows}
        )
    }
    for section in sections:
        for row in section.rows:
            version = row.version
            row.detail, row.comment = section.detail(version, latest.get(version.pk))
            row.actions = section.actions(version, open_versions.get(version.therapy_id))


@register.inclusion_tag("admin/includes/next_version_tool.html")
def next_version_tool(version, user):
    """On a published (or withdrawn, not since republished) version's page: open the review's
    next version, or start one."""
    therapy_versions = ReviewVersion.objects.filter(therapy_id=version.therapy_id)
    current = version.state == State.PUBLISHED or (
        version.state == State.WITHDRAWN
        and not therapy_versions.filter(state=State.PUBLISHED).exists()
    )
    action = None
    if current:
        action = draft_action(version.therapy_id, therapy_versions.open().first(), user)
    return {"action": action}
