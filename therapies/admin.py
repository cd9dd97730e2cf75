from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from markdownx.admin import MarkdownxModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from people.models import Credit, Person
from ratings.models import Rating

from . import admin_views
from .addresses import change_slug
from .comments import CommentForm, threads
from .forms import (
    GlossaryTermForm,
    PersonForm,
    RatingForm,
    ReferenceForm,
    ReviewVersionForm,
    TherapyForm,
)
from .images import ImageUploadField
from .models import (
    AuditEntry,
    CancerType,
    Category,
    ContactMessage,
    Finding,
    GlossaryTerm,
    PageReference,
    Reference,
    ReviewComment,
    ReviewVersion,
    SharedChange,
    SubPage,
    Therapy,
)
from .rendering import render_person, render_version, versions_citing, versions_marking
from .shared_changes import is_in_live_use, propose_change, save_directly
from .version_diff import last_sent_back, version_history
from .workflow import STEPS, WorkflowError, available_steps

# What a new review's first version asks for; the rest is added once it is saved.
NEW_VERSION_FIELDS = [
    "therapy", "name", "alternate_names", "category", "cancer_types", "is_sample", "summary",
    "body", *ReviewVersion.CAUTION_FIELDS,
]  # fmt: skip


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(CancerType)
class CancerTypeAdmin(SimpleHistoryAdmin):
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class VersionLinkInline(admin.TabularInline):
    model = ReviewVersion
    fields = ["number", "state", "last_updated", "literature_reviewed"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "Versions of this review"


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin, MarkdownxModelAdmin):
    """People are edited here, beside the reviews, because a biography cites this app's
    references and glossary terms and is rendered with them."""

    form = PersonForm
    # A new photo is stored only as a re-encoded JPEG or PNG under a random name.
    formfield_overrides = {
        **MarkdownxModelAdmin.formfield_overrides,
        models.ImageField: {"form_class": ImageUploadField},
    }
    list_display = ["name", "credentials", "role_title", "is_sample"]
    list_filter = ["is_sample", "role_title"]
    search_fields = ["name", "credentials", "role_title", "short_bio"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        render_person(obj)


@admin.register(Therapy)
class TherapyAdmin(SimpleHistoryAdmin):
    """A therapy is its address; its name and everything else the public reads are edited on
    its versions. Researchers add therapies; only editors change a slug."""

    form = TherapyForm
    list_display = ["__str__", "slug"]
    search_fields = ["slug", "versions__name", "versions__alternate_names"]
    inlines = [VersionLinkInline]
    readonly_fields = ["editing", "former_addresses"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_name()

    def has_delete_permission(self, request, obj=None):
        # Published versions and their audit trail are kept: only an unused address goes.
        return (
            obj is not None
            and not obj.versions.exists()
            and super().has_delete_permission(request, obj)
        )

    def get_fields(self, request, obj=None):
        return ["slug"] if obj is None else ["slug", "former_addresses", "editing"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.has_perm("therapies.change_therapy"):
            fields.append("slug")
        return fields

    def save_model(self, request, obj, form, change):
        if change:
            change_slug(therapy=obj, new_slug=obj.slug)
        else:
            super().save_model(request, obj, form, change)

    @admin.display(description="Former addresses (redirect here)")
    def former_addresses(self, therapy):
        return ", ".join(therapy.former_slugs.values_list("slug", flat=True)) or "-"

    @admin.display(description="Edit the review")
    def editing(self, therapy):
        open_version = ReviewVersion.objects.open().filter(therapy=therapy).first()
        if open_version:
            url = reverse("admin:therapies_reviewversion_change", args=[open_version.pk])
            return format_html('<a href="{}">Open version {} ({})</a>', url, open_version.number,
                               open_version.get_state_display().lower())  # fmt: skip
        if not therapy.versions.exists():
            url = reverse("admin:therapies_reviewversion_add") + f"?therapy={therapy.pk}"
            return format_html('<a class="button" href="{}">Write its first version</a>', url)
        url = reverse("admin:therapies_reviewversion_start_draft", args=[therapy.pk])
        return format_html('<a class="button" href="{}">Start a new draft</a>', url)


class VersionContentInline:
    """Inlines of a version's content: editable only while the version is."""

    extra = 0

    def _editable(self, request, obj):
        # A POST to a version that moved on is let through to be refused by its form, which
        # shows the person's own text again (ReviewVersionAdmin.has_change_permission).
        return obj is None or obj.is_editable or request.method == "POST"

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


class RatingInline(VersionContentInline, admin.StackedInline):
    model = Rating
    form = RatingForm
    max_num = 7
    fields = [("attribute", "score", "evidence_level"), "note"]
    formfield_overrides = MarkdownxModelAdmin.formfield_overrides


class SubPageInline(VersionContentInline, admin.StackedInline):
    model = SubPage
    max_num = len(SubPage.Kind.choices)
    fields = [("kind", "title"), "body"]
    formfield_overrides = MarkdownxModelAdmin.formfield_overrides

    def part_label(self, subpage) -> str:
        """Its name in the form's jump list (``form_parts``)."""
        return subpage.get_kind_display()


class FindingInline(VersionContentInline, admin.StackedInline):
    """The research findings the research sub-page is built from, in the order it lists them
    under each benefit and cancer type (``order``)."""

    model = Finding
    fields = [
        ("attribute", "cancer_type"), ("direction", "evidence_level"), "outcome",
        ("population", "combined_with"), "detail", ("sources", "order"), "reads_as",
    ]  # fmt: skip
    readonly_fields = ["reads_as"]
    ordering = ["order", "pk"]
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"class": "vLargeTextField"})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("attribute", "evidence_level")

    @admin.display(description="Reads as")
    def reads_as(self, finding):
        if finding.pk is None:
            return "-"
        return f"{finding.sentence} {finding.sources}"

    def part_label(self, finding) -> str:
        """Its name in the form's jump list (``form_parts``)."""
        return f"{finding.attribute.short_label}: {Truncator(finding.outcome).chars(40)}"


class CreditInline(VersionContentInline, admin.TabularInline):
    model = Credit
    fields = ["person", "role", "order"]
    autocomplete_fields = ["person"]


class PageReferenceInline(admin.TabularInline):
    """The numbered references, as the public pages will list them (worked out on save)."""

    model = PageReference
    fields = ["page", "number", "reference"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = "References cited (numbered on save, in order of first citation)"

    @admin.display(description="Page")
    def page(self, row):
        return row.subpage.get_kind_display() if row.subpage else "Main review"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reference", "subpage")


class AuditInline(admin.TabularInline):
    model = AuditEntry
    fields = ["created_at", "actor", "action", "from_state", "to_state", "comment"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = "Workflow audit trail"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("90", "Due within 90 days")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(pk__in=ReviewVersion.objects.due_for_review().values("pk"))
        if self.value() == "90":
            return queryset.filter(pk__in=ReviewVersion.objects.due_for_review(90).values("pk"))
        return queryset


@admin.register(ReviewVersion)
class ReviewVersionAdmin(SimpleHistoryAdmin):
    form = ReviewVersionForm
    change_form_template = "admin/therapies/reviewversion/change_form.html"
    object_history_template = "admin/therapies/reviewversion/object_history.html"
    list_display = [
        "therapy",
        "number",
        "state_badge",
        "change_kind",
        "last_updated",
        "modified_at",
    ]
    list_filter = ["state", ReviewDueFilter, "category", "is_sample"]
    search_fields = ["name", "alternate_names", "therapy__slug", "summary"]
    list_select_related = ["therapy"]
    autocomplete_fields = ["therapy"]
    formfield_overrides = MarkdownxModelAdmin.formfield_overrides
    readonly_fields = [
        "state_badge", "public_page", "last_updated", "literature_reviewed", "next_review_due",
        "change_kind", "change_summary", "literature_search", "approval",
    ]  # fmt: skip
    filter_horizontal = ["cancer_types"]
    fieldsets = [
        ("The review", {"fields": ["therapy", "state_badge", "public_page", "name",
                                   "alternate_names",
                           "category", "cancer_types", "is_sample", "summary", "body",
                           "seen_revision"]}),
        ("Cautions", {"fields": ReviewVersion.CAUTION_FIELDS,
                      "description": "Shown in a box near the top of the main page and in "
                                     "print, and linked from the Safety rating."}),
        ("Change", {"fields": ["change_kind", "change_summary", "literature_search",
                               "approval"]}),
        ("Dates (set by publishing)", {"fields": ["last_updated", "literature_reviewed",
                                                  "review_interval_months", "next_review_due"]}),
    ]  # fmt: skip
    inlines = [
        RatingInline, SubPageInline, FindingInline, CreditInline, PageReferenceInline,
        AuditInline,
    ]  # fmt: skip

    @admin.display(description="State", ordering="state")
    def state_badge(self, version):
        return format_html(
            '<span class="state-badge state-{}">{}</span>',
            version.state,
            version.get_state_display(),
        )

    @admin.display(description="Public page")
    def public_page(self, version):
        if version.pk and version.state == ReviewVersion.State.PUBLISHED:
            url = version.therapy.get_absolute_url()
            return format_html('<a href="{}">{}</a>', url, url)
        return "Not public"

    @admin.display(description="Approval")
    def approval(self, version):
        if not version.approved_by:
            return "Not approved"
        return f"Approved by {version.approved_by} on {version.approved_at:%B %-d, %Y}"

    @admin.display(description="Literature search run")
    def literature_search(self, version):
        searched = version.literature_searched
        return f"{searched:%B %Y}" if searched else "-"

    @admin.display(description="Next full review due")
    def next_review_due(self, version):
        due = version.next_review_due
        return f"{due:%B %Y}" if due else "-"

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # a new review starts as a draft with only its content
            return [(None, {"fields": NEW_VERSION_FIELDS})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "therapy"] if obj else fields

    def get_inlines(self, request, obj):
        return self.inlines if obj else [RatingInline, SubPageInline, FindingInline, CreditInline]

    def has_change_permission(self, request, obj=None):
        # Only drafts are edited; everything else changes through workflow steps. A save posted
        # after the version moved on (someone submitted or approved it meanwhile) gets through
        # to the form, which refuses it and shows the person's own text again: never a bare 403.
        editable = obj is None or obj.is_editable or request.method == "POST"
        return super().has_change_permission(request, obj) and editable

    def has_delete_permission(self, request, obj=None):
        return False  # drafts are discarded, published versions kept

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.revision += 1
        super().save_model(request, obj, form, change)
        obj.editors.add(request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        render_version(form.instance)

    def response_change(self, request, obj):
        """'Save and submit for review' (any step button of the save bar): the edits are saved,
        then the step's own screen opens; 'Save and preview': then the preview."""
        step = request.POST.get("_step")
        if step in STEPS:
            messages.success(request, "Your changes were saved.")
            return redirect("admin:therapies_reviewversion_step", obj.pk, step)
        if "_preview" in request.POST:
            return redirect("admin:therapies_reviewversion_preview", obj.pk)
        return super().response_change(request, obj)

    def get_urls(self):
        views = [
            ("<int:pk>/step/<str:step>/", admin_views.step_view, "step"),
            ("<int:pk>/preview/", admin_views.preview_view, "preview"),
            ("<int:pk>/preview/<slug:kind>/", admin_views.preview_view, "preview_subpage"),
            ("<int:pk>/compare/", admin_views.compare_view, "compare"),
            ("<int:pk>/comment/", admin_views.comment_view, "comment"),
            ("start-draft/<int:therapy_pk>/", admin_views.start_draft_view, "start_draft"),
        ]
        urls = [
            path(route, self.admin_site.admin_view(view), name=f"therapies_reviewversion_{name}")
            for route, view, name in views
        ] + super().get_urls()
        # Anyone who is not staff gets 404 here, never a hint that a draft exists.
        for url in urls:
            url.callback = admin_views.staff_or_404(url.callback)
        return urls

    def history_view(self, request, object_id, extra_context=None):
        """Every recorded save of the version and of its ratings, sub-pages and credits, with
        whole values and the words changed marked (``version_diff.version_history``)."""
        version = self.get_object(request, object_id)
        content = version_history(version) if version is not None else []
        extra = {**(extra_context or {}), "content_history": content}
        return super().history_view(request, object_id, extra_context=extra)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past state is for reading; saving it would bypass the workflow (and its checks).
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["steps"] = available_steps(obj, request.user)
            form = context["adminform"].form
            context["stale_changes"] = getattr(form, "stale_changes", [])
            context["refused"] = refused = getattr(form, "refused", False)
            editable = obj.is_editable and self.has_change_permission(request, obj)
            context["editing"] = editable and not refused
            context["show_save_and_add_another"] = False  # a review has one open version
            if not context["editing"]:  # a refused save shown again is for copying from
                context.update(show_save=False, show_save_and_continue=False)
            context["parts"] = form_parts(context["adminform"], context["inline_admin_formsets"])
            if obj.state in ReviewVersion.OPEN_STATES:
                context["latest_request"] = last_sent_back(obj)
            context["comment_threads"] = threads(obj)
            context["comment_form"] = CommentForm(version=obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


@dataclass
class FormPart:
    """One part of a long change form, for its jump list: its anchor, and its own parts."""

    label: str
    anchor: str
    has_errors: bool = False
    parts: list["FormPart"] = field(default_factory=list)


def form_parts(adminform, inline_admin_formsets) -> list[FormPart]:
    """The fieldsets and inlines of a change form, with each row of a stacked inline, in the
    order shown; the anchors are the ids Django's admin templates give them."""
    form = adminform.form
    parts = [
        FormPart(
            str(fieldset.name),
            f"fieldset-0-{index}-heading",
            any(name in form.errors for name in flatten(fieldset.fields)),
        )
        for index, fieldset in enumerate(adminform)
        if fieldset.name
    ]
    for inline in inline_admin_formsets:
        formset = inline.formset
        part = FormPart(
            str(inline.opts.verbose_name_plural).capitalize(),
            f"{formset.prefix}-group",
            formset.total_error_count() > 0,
        )
        if isinstance(inline.opts, admin.StackedInline):
            label = getattr(inline.opts, "part_label", str)
            part.parts = [
                FormPart(label(row.original), f"{formset.prefix}-{index}", bool(row.form.errors))
                for index, row in enumerate(inline)
                if row.original is not None
            ]
        parts.append(part)
    return parts


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    """Every comment on every version, to search; comments are written and answered on the
    version's page, and kept as written."""

    list_display = ["version", "part", "author", "created_at", "text"]
    list_filter = ["created_at"]
    list_select_related = ["version", "author"]
    search_fields = ["text", "version__name", "part"]
    fields = ["version", "part", "reply_to", "author", "created_at", "text"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("therapies.view_reviewversion")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SharedRecordAdmin(SimpleHistoryAdmin):
    """References and glossary terms: a change to one that published reviews use waits for a
    clinical consultant's approval (therapies.shared_changes); others are saved at once."""

    def get_object(self, request, object_id, from_field=None):
        """The record as its editor last left it: with the values of their own pending
        proposal, so that saving again revises the proposal instead of starting over."""
        record = super().get_object(request, object_id, from_field)
        if record is not None:
            mine = record.changes.filter(state=SharedChange.State.PENDING, proposed_by=request.user)
            proposal = mine.first()
            if proposal is not None:
                record.apply_shared_values(proposal.values)
        return record

    def save_model(self, request, obj, form, change):
        request.proposed_change = None
        if change and is_in_live_use(obj):
            record = type(obj).objects.get(pk=obj.pk)
            try:
                request.proposed_change = propose_change(record=record, edited=obj, by=request.user)
            except WorkflowError as error:
                request.proposed_change = error
        else:
            save_directly(obj)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "proposed_change", None) is None:
            super().save_related(request, form, formsets, change)

    def response_change(self, request, obj):
        proposed = getattr(request, "proposed_change", None)
        if isinstance(proposed, WorkflowError):
            messages.error(request, str(proposed))
            return redirect(request.path)
        if proposed is not None:
            url = reverse("admin:therapies_sharedchange_change", args=[proposed.pk])
            messages.info(
                request,
                format_html(
                    "Published reviews use this record, so your change now waits for a clinical "
                    "consultant's approval; readers see the current text until then. "
                    '<a href="{}">See the proposed change</a>.',
                    url,
                ),
            )
            return redirect(request.path)
        return super().response_change(request, obj)

    @admin.display(description="Pending change")
    def pending_change(self, record):
        change = record.changes.filter(state=SharedChange.State.PENDING).first()
        if change is None:
            return "-"
        url = reverse("admin:therapies_sharedchange_change", args=[change.pk])
        return format_html('<a href="{}">Proposed by {}, waiting for approval</a>', url,
                           change.proposed_by)  # fmt: skip


@admin.register(Reference)
class ReferenceAdmin(SharedRecordAdmin):
    form = ReferenceForm
    list_display = ["key", "title", "authors", "year", "kind"]
    list_filter = ["kind", "year"]
    search_fields = ["key", "title", "authors", "doi", "pmid"]
    readonly_fields = ["pending_change"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(SharedRecordAdmin, MarkdownxModelAdmin):
    form = GlossaryTermForm
    list_display = ["term", "short_definition"]
    search_fields = ["term", "variants", "short_definition"]
    prepopulated_fields = {"slug": ["term"]}
    readonly_fields = ["pending_change"]


@admin.register(SharedChange)
class SharedChangeAdmin(admin.ModelAdmin):
    """Proposed changes to references and glossary terms: a consultant approves or rejects one
    here, its proposer may withdraw it. Proposals are made by saving the record itself."""

    change_form_template = "admin/therapies/sharedchange/change_form.html"
    list_display = ["__str__", "state", "proposed_by", "proposed_at", "decided_by", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["reference", "glossary_term", "proposed_by", "decided_by"]
    fields = [
        "record_link", "used_by", "state", "proposed_by", "proposed_at", "differences",
        "decided_by", "decided_at", "comment",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decided by the buttons below, never edited

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Record")
    def record_link(self, change):
        record = change.record
        url = reverse(f"admin:therapies_{record._meta.model_name}_change", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record)

    @admin.display(description="Published reviews that show it")
    def used_by(self, change):
        record = change.record
        ids = versions_citing(record) if change.reference_id else versions_marking(record)
        names = ReviewVersion.objects.published().filter(pk__in=ids).values_list("name", flat=True)
        return ", ".join(names) or "None"

    @admin.display(description="What changes (approved text, then proposed text)")
    def differences(self, change):
        rows = [
            (record_field_label(change.record, name), change.base.get(name, ""), value)
            for name, value in change.values.items()
            if change.base.get(name, "") != value
        ]
        if not rows:
            return "Nothing: the proposal repeats the approved text."
        return format_html(
            '<table class="shared-change"><thead><tr><th scope="col">Field</th>'
            '<th scope="col">Approved (public now)</th><th scope="col">Proposed</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>", rows),
        )

    def get_urls(self):
        decide = self.admin_site.admin_view(admin_views.decide_shared_change_view)
        route = path("<int:pk>/decide/", decide, name="therapies_sharedchange_decide")
        return [route, *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.state == SharedChange.State.PENDING:
            context["decisions"] = admin_views.shared_change_decisions(obj, request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)


def record_field_label(record, name: str) -> str:
    return str(record._meta.get_field(name).verbose_name).capitalize()


def _mark_as(status: ContactMessage.Status):
    label = status.label.lower()

    @admin.action(description=f"Mark selected messages as {label}", permissions=["change"])
    def mark(modeladmin, request, queryset):
        count = queryset.update(status=status, handled_by=request.user)
        modeladmin.message_user(request, f"{count} message{'s' if count != 1 else ''} marked as "
                                f"{label}.")  # fmt: skip

    mark.__name__ = f"mark_{status.value}"
    return mark


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """Readers' messages from the contact page, newest first: the queue editors work through.
    Only the status changes, and whoever changes it is recorded; the message stays as sent."""

    list_display = ["created_at", "kind", "status", "excerpt", "page_link", "sender", "handled_by"]
    list_filter = ["status", "kind"]
    list_select_related = ["handled_by"]
    search_fields = ["message", "name", "email", "page"]
    fields = ["status", "handled_by", "kind", "created_at", "sender", "page_link", "message"]
    readonly_fields = ["handled_by", "kind", "created_at", "sender", "page_link", "message"]
    actions = [_mark_as(status) for status in ContactMessage.Status]

    def has_add_permission(self, request):
        return False  # messages come from readers

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.handled_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Message")
    def excerpt(self, message):
        return Truncator(message.message).chars(80)

    @admin.display(description="About the page")
    def page_link(self, message):
        if not message.page:
            return "-"
        return format_html('<a href="{}">{}</a>', message.page, message.page)

    @admin.display(description="From")
    def sender(self, message):
        if not message.email:
            return message.name or "No name or address (no reply possible)"
        return format_html('{} <a href="mailto:{}">{}</a>', message.name, message.email,
                           message.email)  # fmt: skip


admin.site.index_template = "admin/dashboard.html"
admin.site.site_header = "CancerChoices Reviews: editorial admin"
admin.site.site_title = "CancerChoices Reviews admin"
