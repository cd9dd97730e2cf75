"""Admin forms for editing review versions and taking workflow steps."""

import zoneinfo
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from cancerchoices.markdown import marked_terms
from people.models import Person
from ratings.models import Rating

from .models import (
    GlossaryTerm,
    PageReference,
    Reference,
    ReviewVersion,
    StaffSettings,
    Therapy,
    validate_citations,
)
from .version_diff import Change, content_as_of, diff_contents, version_content
from .workflow import literature_search_problem


class ReviewVersionForm(forms.ModelForm):
    """Refuses a save based on a stale copy, instead of overwriting someone else's work."""

    seen_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReviewVersion
        fields = [
            "therapy", "name", "alternate_names", "category", "cancer_types", "is_sample",
            "review_interval_months", "summary", "body", *ReviewVersion.CAUTION_FIELDS,
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_revision"].initial = self.instance.revision
        self.refused = False  # refused as stale, or because the version moved on
        self.stale_changes: list[Change] = []

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        therapy = cleaned.get("therapy") or (self.instance.therapy_id and self.instance.therapy)
        if name and therapy:
            taken = (
                ReviewVersion.objects.filter(name__iexact=name)
                .exclude(therapy=therapy)
                .exclude(state__in=[ReviewVersion.State.SUPERSEDED, ReviewVersion.State.DISCARDED])
            )
            if taken.exists():
                self.add_error("name", "Another therapy's review already uses this name.")
        if self.instance.pk is None:
            if therapy and ReviewVersion.objects.open().filter(therapy=therapy).exists():
                raise forms.ValidationError(
                    f"{therapy} already has an open version; edit that one instead."
                )
            if therapy and therapy.versions.exists():
                raise forms.ValidationError(
                    f"{therapy} already has a review. To revise it, open the therapy and use "
                    "'Start a new draft', which copies the current review."
                )
            return cleaned
        # The admin runs this inside its transaction: the row lock holds a concurrent save
        # back until this one has finished, and then that one sees the new revision.
        current = ReviewVersion.objects.select_for_update().get(pk=self.instance.pk)
        seen = cleaned.get("seen_revision")
        if seen is not None and seen == current.revision and current.is_editable:
            return cleaned
        self.refused = True
        self.stale_changes = self._changes_since(seen, current)
        raise forms.ValidationError(self._why_refused(current))

    @staticmethod
    def _why_refused(current: ReviewVersion) -> str:
        kept = (
            "Your changes were not saved (nothing was overwritten); your text is still in the "
            "form below, to copy what you need."
        )
        if current.is_editable:
            editor = current.history.first()
            who = editor.history_user if editor and editor.history_user else "Someone else"
            return (
                f"{who} saved this version after you opened it. {kept} What they changed is "
                "shown below."
            )
        step = current.audit.select_related("actor").first()
        state = current.get_state_display().lower()
        if step is None:
            return f"This version is {state} and can no longer be edited. {kept}"
        done = MOVED_ON.get(step.action, f"moved to '{step.get_to_state_display().lower()}'")
        when = timezone.localtime(step.created_at)
        return (
            f"This version moved on after you opened it: {done} by "
            f"{step.actor or 'the background worker'} on {when:%B %-d, %Y at %H:%M} "
            f"({timezone.get_current_timezone_name()}). It is {state} now, so it can no longer "
            f"be edited here. {kept}"
        )

    @staticmethod
    def _changes_since(seen: int | None, current: ReviewVersion) -> list[Change]:
        """What changed in the whole version (its own fields, ratings, sub-pages, credits and
        references) between the revision this form was opened at and now, from the history
        records: the revision seen lasted until the first record of a later one."""
        if seen is None:
            return []
        later = current.history.filter(revision__gt=seen).order_by("history_date").first()
        if later is None:
            return []
        opened = content_as_of(current, later.history_date - timedelta(microseconds=1))
        return diff_contents(opened, version_content(current))


# What a step did, said of the version, for the person whose form it made stale.
MOVED_ON = {
    "submit": "submitted for review",
    "approve": "approved",
    "schedule": "scheduled to publish",
    "unschedule": "taken off its publication schedule",
    "set_expiry": "given an expiry",
    "cancel_expiry": "relieved of its expiry",
    "publish": "published",
    "withdraw": "withdrawn",
    "discard": "discarded",
    "approval_voided": "sent back to review (its approval voided)",
}


class RatingForm(forms.ModelForm):
    """A rating's note may cite references and mark glossary terms, which live in this app:
    its model checks the Markdown, this form that what it cites exists."""

    class Meta:
        model = Rating
        fields = ["attribute", "score", "evidence_level", "note"]

    def clean_note(self):
        validate_citations(self.cleaned_data["note"])
        return self.cleaned_data["note"]


class PersonForm(forms.ModelForm):
    """A biography may cite references and mark glossary terms, as a rating's note may."""

    class Meta:
        model = Person
        fields = [
            "name", "slug", "credentials", "role_title", "short_bio", "bio", "photo", "is_sample",
            "user",
        ]  # fmt: skip

    def clean_bio(self):
        validate_citations(self.cleaned_data["bio"])
        return self.cleaned_data["bio"]


class StepForm(forms.Form):
    """The confirmation of one workflow step. Which fields show depends on the step; they are
    named after the keyword arguments of the step's function in ``therapies.workflow``. Times
    are entered in the current time zone (the person's own in the admin), which labels say."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    change_kind = forms.ChoiceField(
        label="Kind of change",
        choices=ReviewVersion.ChangeKind.choices,
        widget=forms.RadioSelect,
        help_text="A correction moves no date; an update moves 'last update'; a full "
        "literature review also sets the month of the last full literature review.",
    )
    literature_searched = forms.DateField(
        label="Month the literature search was run (full literature review only)",
        required=False,
        input_formats=["%Y-%m", "%m/%Y", "%B %Y", "%b %Y"],
        widget=forms.DateInput(format="%Y-%m", attrs={"type": "month", "placeholder": "YYYY-MM"}),
        error_messages={"invalid": "Give the month as year and month, e.g. 2026-03."},
        help_text="Published, it becomes the review's 'last full literature review' month, "
        "from which the next review is due.",
    )
    change_summary = forms.CharField(
        label="What changed and why",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Shown to the public on the review's 'what changed' page.",
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    at = forms.DateTimeField(
        error_messages={"required": "Give the date and time."},
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )

    FIELDS_BY_STEP = {
        "submit": ["change_kind", "literature_searched", "change_summary"],
        "request_changes": ["comment"],
        "reopen": ["comment"],
        "withdraw": ["comment"],
        "approve": ["comment"],
        "schedule": ["at"],
        "set_expiry": ["at", "comment"],
    }
    COMMENT_LABELS = {
        "request_changes": "What needs changing (the researcher sees this)",
        "reopen": "Why the approval is being reopened",
        "withdraw": "Why the review is withdrawn from the public site",
        "approve": "Comment (optional)",
        "set_expiry": "Why it will be withdrawn (readers see this once it is)",
    }
    AT_LABELS = {"schedule": "Publish at", "set_expiry": "Withdraw at"}

    def __init__(self, *args, step: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"revision", *self.FIELDS_BY_STEP.get(step, [])}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "comment" in self.fields:
            self.fields["comment"].label = self.COMMENT_LABELS[step]
            self.fields["comment"].required = step != "approve"
        if "at" in self.fields:
            zone = timezone.get_current_timezone_name()
            self.fields["at"].label = f"{self.AT_LABELS[step]} ({zone})"
        if "literature_searched" in self.fields:
            this_month = f"{timezone.localdate():%Y-%m}"
            self.fields["literature_searched"].widget.attrs["max"] = this_month

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at <= timezone.now():
            raise forms.ValidationError("That time has passed; choose a time to come.")
        return at

    def clean(self):
        cleaned = super().clean()
        if "change_kind" in cleaned and "literature_searched" not in self.errors:
            problem = literature_search_problem(
                cleaned["change_kind"], cleaned.get("literature_searched")
            )
            if problem:
                self.add_error("literature_searched", problem)
        return cleaned


class TherapyForm(forms.ModelForm):
    class Meta:
        model = Therapy
        fields = ["slug"]


class ReferenceForm(forms.ModelForm):
    """A key that any version cites is never renamed: its texts would cite nothing."""

    # An address typed without a scheme is a secure one (Django 6's default).
    url = forms.URLField(label="URL", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Reference
        fields = ["key", *Reference.shared_fields]

    def clean_key(self):
        key = self.cleaned_data["key"]
        renamed = self.instance.pk and key != self.instance.key
        if renamed and PageReference.objects.filter(reference=self.instance).exists():
            raise forms.ValidationError(
                f"Reviews cite this reference as @{self.instance.key}, so its key cannot "
                "change. Add a new reference instead if you need another key."
            )
        return key


class GlossaryTermForm(forms.ModelForm):
    """A slug or form (the term or a variant) that any version's text marks is never removed:
    the mark would resolve to nothing."""

    class Meta:
        model = GlossaryTerm
        fields = ["term", "slug", "variants", "short_definition", "definition"]

    def clean(self):
        cleaned = super().clean()
        term = self.instance
        if term.pk is None or not term.marking_versions.exists():
            return cleaned
        if cleaned.get("slug", term.slug) != term.slug:
            self.add_error("slug", "Reviews mark this term by its slug, so it cannot change.")
        edited = GlossaryTerm(
            term=cleaned.get("term", term.term), variants=cleaned.get("variants", term.variants)
        )
        kept = {form.lower() for form in edited.all_forms} | {term.slug}
        lost = sorted(self._marks_in_use() - kept)
        if lost:
            raise forms.ValidationError(
                "Reviews mark this term as: " + ", ".join(lost) + ". Keep those forms as the "
                "term or among its variants."
            )
        return cleaned

    def _marks_in_use(self) -> set[str]:
        """How the versions that mark this term write it (lower-cased), slugs included."""
        stored = GlossaryTerm.objects.get(pk=self.instance.pk)  # not a proposal's values
        texts = []
        for version in stored.marking_versions.prefetch_related("ratings", "subpages"):
            texts += [version.body, *(r.note for r in version.ratings.all())]
            texts += [s.body for s in version.subpages.all()]
        own = {form.lower() for form in stored.all_forms} | {stored.slug}
        marks = [mark for text in texts for mark in marked_terms(text)]
        return {(slug or shown.strip()).lower() for shown, slug in marks} & own


def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(zoneinfo.available_timezones() - {"localtime"})
    return [
        (zone, f"{zone} (the site's)" if zone == settings.TIME_ZONE else zone) for zone in zones
    ]


class StaffSettingsForm(forms.ModelForm):
    """A staff member's own settings: the time zone of the admin's dates and times."""

    time_zone = forms.ChoiceField(label="Time zone", choices=time_zone_choices)

    class Meta:
        model = StaffSettings
        fields = ["time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].help_text = StaffSettings._meta.get_field("time_zone").help_text
