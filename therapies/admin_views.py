"""Admin screens of the editorial workflow: steps, preview, comparison, starting a draft.

Each is wrapped by ``admin_site.admin_view`` (staff only) and checks the same permission as
the version's change or view page.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from . import workflow
from .comments import CommentForm, add_comment
from .forms import StaffSettingsForm, StepForm
from .models import ReviewVersion, SharedChange, StaffSettings, Therapy
from .pages import main_page_context, subpage_context
from .roles import is_clinical_consultant
from .shared_changes import approve_change, reject_change, withdraw_change
from .version_diff import changes_since_sent_back, diff_versions
from .workflow import STEPS, WorkflowError, draft_source, refusal, start_draft


def staff_or_404(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _viewable_version(request, pk) -> ReviewVersion:
    version = get_object_or_404(ReviewVersion.objects.for_public_page(), pk=pk)
    if not request.user.has_perm("therapies.view_reviewversion"):
        raise PermissionDenied
    return version


def _change_url(version) -> str:
    return reverse("admin:therapies_reviewversion_change", args=[version.pk])


def _live_version(version) -> ReviewVersion | None:
    return (
        ReviewVersion.objects.published()
        .filter(therapy_id=version.therapy_id)
        .exclude(pk=version.pk)
        .first()
    )


# The function of each step; its screen's form gives the step's other keyword arguments.
STEP_FUNCTIONS = {
    "submit": workflow.submit_version,
    "recall": workflow.recall_version,
    "request_changes": workflow.request_changes,
    "approve": workflow.approve_version,
    "reopen": workflow.reopen_version,
    "schedule": workflow.schedule_version,
    "publish": workflow.publish_version,
    "unschedule": workflow.unschedule_version,
    "withdraw": workflow.withdraw_version,
    "set_expiry": workflow.set_expiry,
    "cancel_expiry": workflow.cancel_expiry,
    "discard": workflow.discard_version,
    "restore": workflow.restore_version,
}

# What a step's form starts from besides the revision: what was said or set last time.
STEP_INITIAL = {
    "submit": lambda version: {"literature_searched": version.literature_searched},
    "schedule": lambda version: {"at": version.publish_at},
    "set_expiry": lambda version: {"at": version.expires_at, "comment": version.expiry_reason},
}


def step_view(request, pk, step):
    """A workflow step's screen: what it changes, and the form that confirms it."""
    version = _viewable_version(request, pk)
    if step not in STEPS:
        raise PermissionDenied
    reason = refusal(step, version, request.user)
    if reason:
        messages.error(request, reason)
        return redirect(_change_url(version))
    # A resubmission starts from what the researcher said last time.
    initial = {"revision": version.revision, "change_kind": version.change_kind,
               "change_summary": version.change_summary}  # fmt: skip
    initial.update(STEP_INITIAL[step](version) if step in STEP_INITIAL else {})
    form = StepForm(request.POST or None, step=step, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = dict(form.cleaned_data)
        try:
            STEP_FUNCTIONS[step](
                version=version,
                by=request.user,
                expected_revision=arguments.pop("revision"),
                **arguments,
            )
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            version.refresh_from_db()
            messages.success(
                request, f"{STEPS[step].label}: done. The version is now "
                f"{version.get_state_display().lower()}."
            )  # fmt: skip
        return redirect(_change_url(version))
    live = _live_version(version)
    compared = step in {"approve", "request_changes", "publish"}
    sent_back, since_sent_back = changes_since_sent_back(version) if compared else (None, [])
    context = {
        **site.each_context(request),
        "title": f"{STEPS[step].label}: {version.name}",
        "version": version,
        "step": STEPS[step],
        "form": form,
        "live": live,
        "changes": diff_versions(live, version) if compared or step == "restore" else None,
        # What "last update" and "last full literature review" become once published.
        "publication_dates": (
            workflow.publication_dates(version) if step in {"approve", "publish"} else None
        ),
        "sent_back": sent_back,
        "since_sent_back": since_sent_back,
        "opts": ReviewVersion._meta,
    }
    return TemplateResponse(request, "admin/therapies/reviewversion/step.html", context)


def preview_view(request, pk, kind=None):
    """A draft rendered exactly as the public page would be, marked as a preview: once its
    kind of change is known, with the dates that publishing it will set."""
    version = _viewable_version(request, pk)
    publication_dates = None
    if version.state in ReviewVersion.OPEN_STATES and version.change_kind:
        publication_dates = workflow.publication_dates(version)
        version.last_updated = publication_dates.last_updated
        version.literature_reviewed = publication_dates.literature_reviewed
    if kind:
        context, template = subpage_context(version, kind), "therapies/subpage.html"
    else:
        context, template = main_page_context(version), "therapies/therapy_detail.html"
    context["preview_of"] = version
    context["publication_dates"] = publication_dates
    return TemplateResponse(request, template, context)


def compare_view(request, pk):
    version = _viewable_version(request, pk)
    others = ReviewVersion.objects.filter(therapy_id=version.therapy_id).exclude(pk=version.pk)
    against_pk = request.GET.get("against", "")
    if against_pk.isdigit():
        against = get_object_or_404(others, pk=against_pk)
    else:
        against = _live_version(version)
    sent_back, since_sent_back = changes_since_sent_back(version)
    context = {
        **site.each_context(request),
        "title": f"Compare: {version}",
        "version": version,
        "against": against,
        "others": others.order_by("-number"),
        "changes": diff_versions(against, version),
        "sent_back": sent_back,
        "since_sent_back": since_sent_back,
        "opts": ReviewVersion._meta,
    }
    return TemplateResponse(request, "admin/therapies/reviewversion/compare.html", context)


def comment_view(request, pk):
    """POST: add a comment to a version's conversation, or answer one. Anyone who may view
    the version may; a refused comment comes back with its text and what to fix."""
    version = _viewable_version(request, pk)
    if request.method != "POST":
        return redirect(_change_url(version) + "#conversation")
    form = CommentForm(request.POST, version=version)
    if form.is_valid():
        add_comment(version=version, by=request.user, **form.cleaned_data)
        messages.success(request, "Comment added.")
        return redirect(_change_url(version) + "#conversation")
    context = {
        **site.each_context(request),
        "title": f"Comment on {version}",
        "version": version,
        "form": form,
        "opts": ReviewVersion._meta,
    }
    return TemplateResponse(request, "admin/therapies/reviewversion/comment.html", context)


def start_draft_view(request, therapy_pk):
    therapy = get_object_or_404(Therapy, pk=therapy_pk)
    if not request.user.has_perm("therapies.add_reviewversion"):
        raise PermissionDenied
    existing = ReviewVersion.objects.open().filter(therapy=therapy).first()
    if existing:
        messages.info(request, "This review already has an open version; here it is.")
        return redirect(_change_url(existing))
    if request.method == "POST":
        try:
            draft = start_draft(therapy, request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect(reverse("admin:therapies_therapy_change", args=[therapy.pk]))
        messages.success(request, "New draft started. The public page stays as it is until "
                         "this draft is approved and published.")  # fmt: skip
        return redirect(_change_url(draft))
    source = draft_source(therapy)
    context = {
        **site.each_context(request),
        "title": f"Start a new draft of {source.name if source else therapy}",
        "therapy": therapy,
        "source": source,
        "opts": ReviewVersion._meta,
    }
    return TemplateResponse(request, "admin/therapies/reviewversion/start_draft.html", context)


def shared_change_decisions(change: SharedChange, user) -> list[str]:
    """The decisions ``user`` may take on the pending ``change``: approve, reject, withdraw."""
    decisions = []
    if is_clinical_consultant(user) and change.proposed_by_id != user.pk:
        decisions += ["approve", "reject"]
    if change.proposed_by_id == user.pk:
        decisions.append("withdraw")
    return decisions


SHARED_CHANGE_DECISIONS = {
    "approve": lambda change, by, comment, seen: approve_change(
        change=change, by=by, seen_digest=seen
    ),
    "reject": lambda change, by, comment, seen: reject_change(
        change=change, by=by, comment=comment, seen_digest=seen
    ),
    "withdraw": lambda change, by, comment, seen: withdraw_change(
        change=change, by=by, seen_digest=seen
    ),
}


def decide_shared_change_view(request, pk):
    """POST: approve, reject (with a comment) or withdraw one proposed change."""
    change = get_object_or_404(SharedChange, pk=pk)
    if not request.user.has_perm("therapies.view_sharedchange"):
        raise PermissionDenied
    url = reverse("admin:therapies_sharedchange_change", args=[change.pk])
    decision = request.POST.get("decision", "")
    if request.method != "POST" or decision not in SHARED_CHANGE_DECISIONS:
        return redirect(url)
    try:
        SHARED_CHANGE_DECISIONS[decision](
            change, request.user, request.POST.get("comment", ""), request.POST.get("seen", "")
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        change.refresh_from_db()
        messages.success(request, f"Done: the change is now {change.get_state_display().lower()}.")
    return redirect(url)


def staff_settings_view(request):
    """Each staff member's own settings ("Your settings" in the admin's user tools)."""
    mine = StaffSettings.objects.filter(user=request.user).first()
    form = StaffSettingsForm(
        request.POST or None, instance=mine or StaffSettings(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, f"Saved. Times in the admin are now in {form.instance.time_zone}."
        )
        return redirect(reverse("staff_settings"))
    context = {
        **site.each_context(request),
        "title": "Your settings",
        "form": form,
    }
    return TemplateResponse(request, "admin/staff_settings.html", context)
