"""Therapies, their review versions, sub-pages, references and the glossary.

A ``Therapy`` is the stable identity (its address). Everything the public reads lives on a
``ReviewVersion`` and is approved with it: the public pages always show the therapy's single
published version, and edits happen on another version. Pages are composed from these rows on
each request (behind the page cache); only the sanitised HTML of each Markdown text is stored,
rendered when the text is saved (``therapies.rendering.render_version``), with the index of
what each text cites (``PageReference``) and marks (``ReviewVersion.marked_terms``).
"""

import hashlib
import json
import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat, TruncMonth
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords

from cancerchoices.markdown import (
    CITATION_RE,
    MarkdownPage,
    citation_id,
    cited_keys,
    marked_terms,
    validate_markdown,
    validate_marks,
)


def validate_citations(text: str) -> None:
    """Every reference the Markdown ``text`` cites and every glossary term it marks exists, and
    it renders within the HTML limit (``cancerchoices.markdown.validate_marks``)."""
    validate_marks(text, markdown_page_for(text))


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="One or two plain sentences.")
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class CancerTypeQuerySet(models.QuerySet):
    def with_published_findings(self):
        """Cancer types some published finding is about (the cancer-type guides), with
        ``therapy_count`` and ``finding_count``: how many therapies and findings. A review
        tagged with a cancer type but without findings for it does not count."""
        published = published_rule("findings__version__")
        # In name order: an aggregating query does not keep Meta.ordering.
        return (
            self.annotate(
                therapy_count=models.Count("findings__version", filter=published, distinct=True),
                finding_count=models.Count("findings", filter=published),
            )
            .filter(therapy_count__gt=0)
            .order_by("name")
        )


class CancerType(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    objects = CancerTypeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TherapyQuerySet(models.QuerySet):
    def with_current_name(self):
        """Annotate ``current_name``: the name in the therapy's newest version (the admin's
        label for it; the public reads the name of the published version)."""
        newest = ReviewVersion.objects.filter(therapy=models.OuterRef("pk")).order_by("-number")
        return self.annotate(current_name=models.Subquery(newest.values("name")[:1]))


class Therapy(models.Model):
    """The stable identity of a reviewed therapy: its address. Everything the public reads of
    it (name, other names, category, cancer types, sample flag, review interval) belongs to a
    version and is approved with it."""

    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The page address: /therapies/this-slug/. Only editors change it; the old "
        "addresses then redirect to the new one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TherapyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "therapies"

    def __str__(self):
        return getattr(self, "current_name", None) or self.slug

    def get_absolute_url(self):
        return reverse("therapies:detail", kwargs={"slug": self.slug})


class FormerSlug(models.Model):
    """An address a therapy had before an editor changed its slug: it redirects (301)."""

    slug = models.SlugField(max_length=200, unique=True)
    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="former_slugs")
    retired_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.slug


def name_in_sentence(name: str) -> str:
    """'Low-dose naltrexone' reads 'low-dose naltrexone' mid-sentence; 'LDN' stays."""
    if name[1:2].islower():
        return name[0].lower() + name[1:]
    return name


# What the pages of a review read of its version and what it points to (``only`` is about twice
# as fast as loading every column of four joined tables, Markdown sources and search document
# included: 0.8 ms against 1.6 ms for the query in make bench's data set).
PUBLIC_PAGE_FIELDS = [
    "number", "state", "name", "alternate_names", "is_sample", "review_interval_months",
    "summary", "body_html", "cautions_avoid_if_html", "cautions_interactions_html",
    "cautions_stop_and_call_html", "last_updated", "literature_reviewed", "approved_at",
    "published_at", "therapy__slug", "category__name", "approved_by__username",
    "approved_by__first_name", "approved_by__last_name", "approved_by__person__name",
    "approved_by__person__slug", "approved_by__person__credentials",
]  # fmt: skip


def review_due_after(literature_reviewed: date | None, interval_months: int) -> date | None:
    """The first of the month ``interval_months`` after that of ``literature_reviewed``."""
    if not literature_reviewed:
        return None
    months = literature_reviewed.month - 1 + interval_months
    return date(literature_reviewed.year + months // 12, months % 12 + 1, 1)


class VersionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DISCARDED = "discarded", "Discarded"


# A version still being worked on; a therapy has at most one.
OPEN_STATES = [
    VersionState.DRAFT,
    VersionState.IN_REVIEW,
    VersionState.CHANGES_REQUESTED,
    VersionState.APPROVED,
]


def published_rule(path: str = "") -> Q:
    """The published rule: the only versions the public may ever see (one per therapy, at
    most), as a condition on the version at the end of ``path`` ("versions__", say)."""
    return Q(**{f"{path}state": VersionState.PUBLISHED})


class ReviewVersionQuerySet(models.QuerySet):
    def published(self):
        """The only versions the public may ever see."""
        return self.filter(published_rule())

    def for_public_page(self):
        """A version with what every one of its public pages shows beside its own text, in one
        query: the therapy's address, the category, who approved it, and ``subpage_kinds``."""
        kinds = SubPage.objects.filter(version=models.OuterRef("pk")).values("kind")
        return (
            self.select_related("therapy", "category", "approved_by__person")
            .only(*PUBLIC_PAGE_FIELDS)
            .annotate(subpage_kinds=ArraySubquery(kinds))
        )

    def public_history(self):
        """Versions that were once public, for the 'what changed' list and feeds."""
        return self.filter(
            state__in=[
                ReviewVersion.State.PUBLISHED,
                ReviewVersion.State.SUPERSEDED,
                ReviewVersion.State.WITHDRAWN,
            ],
            published_at__isnull=False,
        )

    def open(self):
        return self.filter(state__in=ReviewVersion.OPEN_STATES)

    def with_review_due(self):
        """Annotate ``review_due``, in SQL, as ``ReviewVersion.next_review_due`` computes it
        in Python: the first of the month of the last full literature review, plus the review
        interval in months (tests compare the two over many dates)."""
        interval = models.Func(
            models.F("review_interval_months"),
            template="make_interval(months => %(expressions)s)",
        )
        due = models.ExpressionWrapper(
            TruncMonth("literature_reviewed") + interval, output_field=models.DateTimeField()
        )
        return self.annotate(review_due=Cast(due, models.DateField()))

    def due_for_review(self, within_days: int = 0):
        """Published versions whose next full literature review is due, or due soon."""
        cutoff = timezone.localdate() + timedelta(days=within_days)
        return self.published().with_review_due().filter(review_due__lte=cutoff)


def search_document(version_model):
    """The weighted words of a version, as an expression on its row: name and alternate
    names A, summary B, body C, its ratings' notes, its sub-pages and its findings D.
    ``version_model`` is ``ReviewVersion`` (or the migrations' copy of it)."""
    this = version_model.objects.filter(pk=models.OuterRef("pk")).values("pk")
    notes = this.annotate(text=StringAgg("ratings__note", "\n")).values("text")
    subpage_text = Concat(
        "subpages__title", Value("\n"), "subpages__body", output_field=models.TextField()
    )
    subpages = this.annotate(text=StringAgg(subpage_text, "\n")).values("text")
    document = (
        SearchVector("name", weight="A", config="english")
        + SearchVector("alternate_names", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
        + SearchVector(models.Subquery(notes), weight="D", config="english")
        + SearchVector(models.Subquery(subpages), weight="D", config="english")
    )
    # The research findings' words, as the sub-page they make used to hold them (the copy of
    # the model in migrations before findings existed has none).
    if any(relation.name == "findings" for relation in version_model._meta.related_objects):
        finding_text = Concat(
            *(f"findings__{name}" for name in FINDING_WORDS[:1]),
            *(part for name in FINDING_WORDS[1:] for part in (Value(" "), f"findings__{name}")),
            output_field=models.TextField(),
        )
        findings = this.annotate(text=StringAgg(finding_text, "\n")).values("text")
        document += SearchVector(models.Subquery(findings), weight="D", config="english")
    return document


# The words of a finding a search finds it by.
FINDING_WORDS = ["outcome", "population", "combined_with", "detail"]


class ReviewVersion(models.Model):
    """One version of a therapy's review: everything the public sees on its pages."""

    State = VersionState

    class ChangeKind(models.TextChoices):
        CORRECTION = "correction", "Correction (no date moves)"
        UPDATE = "update", "Update (moves 'last update')"
        FULL_REVIEW = "full_review", "Full literature review (also sets its month)"

    OPEN_STATES = OPEN_STATES
    EDITABLE_STATES = [State.DRAFT, State.CHANGES_REQUESTED]

    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(editable=False)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # What the public reads of the therapy is part of the version, approved with the rest.
    name = models.CharField(max_length=200, help_text="The therapy's public name.")
    alternate_names = models.CharField(
        max_length=500,
        blank=True,
        help_text="Other names readers may search for, comma-separated (e.g. 'LDN').",
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="versions")
    cancer_types = models.ManyToManyField(CancerType, blank=True, related_name="versions")
    is_sample = models.BooleanField(
        default=False,
        help_text="Sample content for demonstration: the pages say its ratings are not real.",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=24,
        help_text="How long after a full literature review the next one is due.",
    )
    summary = models.TextField(
        max_length=400,
        help_text="One plain sentence under the title, repeated atop every sub-page.",
    )
    body = MarkdownxField(
        "at a glance",
        blank=True,
        validators=[validate_markdown, validate_citations],
        help_text=(
            "A few short paragraphs in Markdown. Cite with [@reference-key] or "
            "[@key, p. 20; @other-key]. Mark a glossary term with [[case study]] or "
            "[[case studies|case-study]]."
        ),
    )
    body_html = models.TextField(blank=True, editable=False)
    # The cautions: shown in a box near the top of the main page (above "at a glance", so
    # their citations are numbered first) and in print.
    cautions_avoid_if = MarkdownxField(
        "who should not use it",
        blank=True,
        validators=[validate_markdown, validate_citations],
        help_text=(
            "Cautions: who should not use it, or only with their care team's advice (a few "
            "short bullets in Markdown, citations as in the text above)."
        ),
    )
    cautions_interactions = MarkdownxField(
        "interactions",
        blank=True,
        validators=[validate_markdown, validate_citations],
        help_text=(
            "Cautions: interactions with cancer treatments (chemotherapy, radiotherapy, "
            "surgery, hormone and targeted therapies) and with other medicines or supplements."
        ),
    )
    cautions_stop_and_call = MarkdownxField(
        "when to stop and call the care team",
        blank=True,
        validators=[validate_markdown, validate_citations],
        help_text="Cautions: the signs that mean stop using it and call the care team.",
    )
    cautions_avoid_if_html = models.TextField(blank=True, editable=False)
    cautions_interactions_html = models.TextField(blank=True, editable=False)
    cautions_stop_and_call_html = models.TextField(blank=True, editable=False)
    # The index of what the version's texts mark (its citations are PageReference rows):
    # which versions to render again when a term's definition changes, and which terms'
    # slugs may not be renamed.
    marked_terms = models.ManyToManyField(
        "GlossaryTerm", blank=True, editable=False, related_name="marking_versions"
    )
    last_updated = models.DateField(
        null=True, blank=True, help_text="Date this content was last published with a change."
    )
    literature_reviewed = models.DateField(
        "last full literature review",
        null=True,
        blank=True,
        help_text="Month of the last systematic search of the literature (the day is ignored).",
    )
    change_kind = models.CharField(max_length=20, choices=ChangeKind.choices, blank=True)
    change_summary = models.TextField(
        blank=True, help_text="What changed and why, in a sentence or two; shown to the public."
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A fingerprint of the content at approval: publishing checks it, so an approval never
    # covers content that changed after it.
    approved_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    publish_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Scheduled publication time."
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    literature_searched = models.DateField(
        "literature search run",
        null=True,
        blank=True,
        editable=False,
        help_text="Month the literature search of a full literature review was run (entered "
        "on submitting it); publishing makes it the last full literature review.",
    )
    # A time after which the worker withdraws the version (``withdraw_expired``), and the
    # reason readers of the withdrawal notice are given.
    expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    expiry_reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_versions",
        editable=False,
        help_text="Everyone who saved content of this version; none of them may approve it.",
    )
    # Incremented on every save and transition: a form or action based on an older
    # revision is refused instead of overwriting someone else's work.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # Weighted words of the name, alternate names, summary and body, kept up to date by
    # ``index_for_search`` so a search reads an index instead of parsing every review.
    search_document = SearchVectorField(null=True, editable=False)

    objects = ReviewVersionQuerySet.as_manager()

    # History keeps what people wrote; the rest is derived from it on every save.
    history = HistoricalRecords(
        excluded_fields=[
            "body_html", "cautions_avoid_if_html", "cautions_interactions_html",
            "cautions_stop_and_call_html", "search_document",
        ],
        m2m_fields=[cancer_types],
    )  # fmt: skip

    # The cautions' Markdown fields, in the order the page shows them.
    CAUTION_FIELDS = ["cautions_avoid_if", "cautions_interactions", "cautions_stop_and_call"]

    class Meta:
        ordering = ["name", "-number"]
        permissions = [
            ("submit_reviewversion", "Can submit a version for review and recall it"),
            ("review_reviewversion", "Can request changes to, approve and reopen a version"),
            ("publish_reviewversion", "Can publish, schedule and withdraw a version"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["therapy", "number"], name="unique_version_number"),
            models.UniqueConstraint(
                fields=["therapy"],
                condition=published_rule(),
                name="one_published_version_per_therapy",
            ),
            models.UniqueConstraint(
                fields=["therapy"],
                condition=Q(state__in=OPEN_STATES),
                name="one_open_version_per_therapy",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_document"], name="version_search_document"),
            # Trigram indexes serve the misspelling-tolerant name match of a search.
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="version_name_trigrams"),
            GinIndex(
                fields=["alternate_names"],
                opclasses=["gin_trgm_ops"],
                name="version_altname_trigrams",
            ),
        ]

    def __str__(self):
        return f"{self.name} (version {self.number}, {self.get_state_display().lower()})"

    def save(self, *args, **kwargs):
        if not self.number:
            latest = self.therapy.versions.aggregate(models.Max("number"))["number__max"]
            self.number = (latest or 0) + 1
        if self.literature_reviewed:
            self.literature_reviewed = self.literature_reviewed.replace(day=1)
        super().save(*args, **kwargs)
        self.index_for_search()

    def index_for_search(self) -> None:
        """Store the weighted search document of this version (``search_document``). Ratings
        and sub-pages are saved after the version, and every step of the workflow saves it
        again, so the published version's document holds them."""
        ReviewVersion.objects.filter(pk=self.pk).update(
            search_document=search_document(ReviewVersion)
        )

    @property
    def has_cautions(self) -> bool:
        """Whether any part of the cautions is written (the page shows the box)."""
        return any(getattr(self, f"{name}_html") for name in self.CAUTION_FIELDS)

    @property
    def is_published(self) -> bool:
        """Whether this is the version the public sees now (``published_rule``)."""
        return self.state == VersionState.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @property
    def name_in_sentence(self) -> str:
        return name_in_sentence(self.name)

    @property
    def alternate_name_list(self) -> list[str]:
        return [name.strip() for name in self.alternate_names.split(",") if name.strip()]

    @property
    def next_review_due(self) -> date | None:
        """When the next full literature review is due: the first of the month of the last
        one, plus the review interval (``with_review_due`` gives the same in SQL)."""
        return review_due_after(self.literature_reviewed, self.review_interval_months)

    @property
    def is_overdue(self) -> bool:
        due = self.next_review_due
        return due is not None and due <= timezone.localdate()

    @property
    def public_modified(self) -> datetime | None:
        """When this version's public pages last changed, for sitemaps and feeds.

        The publication time when known; otherwise the editorial "last update" date.
        """
        if self.published_at:
            return self.published_at
        if self.last_updated:
            return datetime.combine(self.last_updated, time.min, tzinfo=UTC)
        return None


class SubPage(models.Model):
    """A "Keep reading" page of a review, with its own numbered references."""

    class Kind(models.TextChoices):
        # The value is the page's address under the therapy: /therapies/<slug>/<kind>/.
        FINDINGS = "how-it-can-help", "Research findings"
        EXPERT_USE = "expert-use", "Use by experts"
        SAFETY = "safety", "Safety and precautions"
        ACCESS = "access", "Affordability and access"
        PROFESSIONALS = "for-health-professionals", "For health professionals"

    version = models.ForeignKey(ReviewVersion, on_delete=models.CASCADE, related_name="subpages")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="Heading of the page; leave empty for the usual one "
        "(e.g. 'How can low-dose naltrexone help me?').",
    )
    body = MarkdownxField(
        blank=True,
        validators=[validate_markdown, validate_citations],
        help_text="Markdown, with the same citation and glossary syntax as the review. The "
        "research findings page lists the version's findings after it, so its text may be a "
        "short introduction, or empty.",
    )
    body_html = models.TextField(blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["body_html"])

    class Meta:
        ordering = ["version", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["version", "kind"], name="one_subpage_per_kind"),
        ]

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return reverse(
            "therapies:subpage", kwargs={"slug": self.version.therapy.slug, "kind": self.kind}
        )

    def clean(self):
        """Only the research sub-page may have no text: its findings make the page."""
        if self.kind and self.kind != self.Kind.FINDINGS and not (self.body or "").strip():
            raise ValidationError({"body": "Write the page's text."})

    @property
    def heading(self) -> str:
        if self.title:
            return self.title
        name = self.version.name
        lowered = self.version.name_in_sentence
        return {
            self.Kind.FINDINGS: f"How can {lowered} help me?",
            self.Kind.EXPERT_USE: f"How experts use {lowered}",
            self.Kind.SAFETY: f"Safety and precautions for {lowered}",
            self.Kind.ACCESS: f"Getting {lowered}: cost and access",
            self.Kind.PROFESSIONALS: f"{name}: for health professionals",
        }[self.kind]


# The strength levels (``ratings.defaults.LEVELS``) a finding of no benefit may have: weaker
# studies that found nothing are too little evidence to judge, not evidence of no benefit.
NO_BENEFIT_LEVEL_CODES = ["strong", "good", "modest"]


class Finding(models.Model):
    """One research finding of a review version: the research sub-page ("How can X help me?")
    is built from them, and the cancer-type guides ask them across reviews.

    Approved with its version, like its text. Only the HTML of its citations is stored
    (``sources_html``, numbered with the research sub-page's other citations); the sentence is
    composed from the fields when the page is shown."""

    class Direction(models.TextChoices):
        BENEFIT = "benefit", "Benefit"
        NO_BENEFIT = "no_benefit", "No benefit"
        HARM = "harm", "Harm"
        MIXED = "mixed", "Mixed results"

    version = models.ForeignKey(ReviewVersion, on_delete=models.CASCADE, related_name="findings")
    attribute = models.ForeignKey(
        "ratings.Attribute",
        on_delete=models.PROTECT,
        related_name="findings",
        limit_choices_to={"is_evidence_based": True},
        verbose_name="benefit",
        help_text="Which of the four benefits rated on evidence it is about.",
    )
    cancer_type = models.ForeignKey(CancerType, on_delete=models.PROTECT, related_name="findings")
    direction = models.CharField(
        max_length=12,
        choices=Direction.choices,
        help_text="Which way the studies point: benefit, no benefit (well-designed studies "
        "found none), harm, or mixed results.",
    )
    evidence_level = models.ForeignKey(
        "ratings.EvidenceLevel",
        on_delete=models.PROTECT,
        related_name="findings",
        help_text="How strong the evidence is for this direction: strong to weak. 'No benefit' "
        "needs strong, good or modest evidence (weaker studies that found nothing are too "
        "little evidence to judge); 'Too little evidence to judge' goes with the direction "
        "'benefit' (a possible benefit not yet properly tested).",
    )
    outcome = models.CharField(
        max_length=200,
        help_text="What was found, to follow 'Preliminary evidence of': 'improved survival', "
        "'less nausea on the first day of chemotherapy'. For no benefit, what it did not "
        "improve: 'the time free of disease'.",
    )
    population = models.CharField(
        max_length=300,
        help_text="Who and in what setting, to follow 'among': 'people with high-grade gliomas'.",
    )
    combined_with = models.CharField(
        max_length=200,
        blank=True,
        help_text="Another therapy it was combined with, to follow 'with': 'radiotherapy'.",
    )
    detail = models.CharField(
        max_length=300,
        blank=True,
        help_text="Optional, after a comma: 'from one small randomized trial'.",
    )
    sources = models.CharField(
        max_length=500,
        validators=[validate_markdown, validate_citations],
        help_text="Its references, as in the text: [@key] or [@key, p. 20; @other-key].",
    )
    sources_html = models.TextField(blank=True, editable=False)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(excluded_fields=["sources_html"])

    class Meta:
        ordering = ["version", "order", "pk"]

    def __str__(self):
        return self.sentence

    def clean(self):
        """A finding is about a benefit rated on evidence, has a level suited to its direction,
        and cites at least one reference, with nothing but citations in its sources."""
        errors = {}
        if self.attribute_id is not None and not self.attribute.is_evidence_based:
            errors["attribute"] = (
                f"“{self.attribute}” is not rated on evidence: a finding is about one of the "
                "four benefits."
            )
        level = self.evidence_level if self.evidence_level_id else None
        if level is not None and self.direction:
            message = finding_level_error(level, self.direction)
            if message:
                errors["evidence_level"] = message
        sources = self.sources or ""
        if sources.strip():
            if not cited_keys(sources):
                errors["sources"] = "Cite at least one reference: [@key]."
            elif re.sub(CITATION_RE, "", sources).strip(" ,;\n"):
                errors["sources"] = (
                    "Only citations here, such as [@key, p. 20; @other-key]: say the rest in "
                    "the outcome, population or detail."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def badge(self) -> str:
        """The words of its evidence badge: the strength, and the direction where the badge
        must say it ("Good evidence of no benefit", "Weak evidence of harm")."""
        level = self.evidence_level
        if self.direction == self.Direction.NO_BENEFIT:
            return f"{level.label} evidence of no benefit"
        if self.direction == self.Direction.HARM:
            return f"{level.label} evidence of harm"
        return level.badge

    @property
    def badge_direction(self) -> str:
        """How its badge is drawn (an ``EvidenceLevel.Direction`` value)."""
        if self.direction in (self.Direction.NO_BENEFIT, self.Direction.HARM):
            return self.direction
        return self.evidence_level.direction

    @property
    def sentence_rest(self) -> str:
        """The plain words after the badge: " of improved survival with radiotherapy among
        people with high-grade gliomas, from one small randomized trial"."""
        if self.evidence_level.direction == "too_little":
            words = f": {self.outcome}"
        elif self.direction == self.Direction.NO_BENEFIT:
            words = f" for {self.outcome}"
        elif self.direction == self.Direction.HARM:
            words = f": {self.outcome}"
        elif self.direction == self.Direction.MIXED:
            words = f" of mixed results for {self.outcome}"
        else:
            words = f" of {self.outcome}"
        if self.combined_with:
            words += f" with {self.combined_with}"
        words += f" among {self.population}"
        if self.detail:
            words += f", {self.detail}"
        return words

    @property
    def sentence(self) -> str:
        """The finding as one plain sentence, without its citations."""
        return f"{self.badge}{self.sentence_rest}"


class FindingGroup(NamedTuple):
    """The findings of one cancer type under one benefit, in the research sub-page's order."""

    cancer_type: "CancerType"
    findings: list


class BenefitFindings(NamedTuple):
    """The findings about one benefit, by cancer type."""

    attribute: object  # ratings.Attribute
    groups: list  # of FindingGroup

    @property
    def count(self) -> int:
        return sum(len(group.findings) for group in self.groups)


def group_findings(findings) -> list[BenefitFindings]:
    """``findings`` (with their attribute and cancer type loaded) as the research sub-page
    shows and numbers them: by benefit in the attributes' order, then by cancer type in the
    order of each type's first finding under that benefit, then in their own order."""
    ordered = sorted(
        findings, key=lambda f: (f.attribute.order, f.attribute_id, f.order, f.pk or 0)
    )
    benefits: list[BenefitFindings] = []
    for finding in ordered:
        if not benefits or benefits[-1].attribute.pk != finding.attribute_id:
            benefits.append(BenefitFindings(finding.attribute, []))
        groups = benefits[-1].groups
        group = next((g for g in groups if g.cancer_type.pk == finding.cancer_type_id), None)
        if group is None:
            group = FindingGroup(finding.cancer_type, [])
            groups.append(group)
        group.findings.append(finding)
    return benefits


def finding_level_error(level, direction: str) -> str:
    """Why evidence ``level`` does not suit a finding pointing ``direction`` (empty if it
    does)."""
    if level.direction in ("no_benefit", "harm"):
        return (
            f"“{level.badge}” is a rating's level: choose how strong the evidence is (strong to "
            "weak) and say which way it points with the direction."
        )
    if level.direction == "too_little" and direction != Finding.Direction.BENEFIT:
        return (
            "Too little evidence to judge goes with the direction 'benefit': a possible benefit "
            "not yet properly tested."
        )
    if direction == Finding.Direction.NO_BENEFIT and level.code not in NO_BENEFIT_LEVEL_CODES:
        return (
            f"{level.badge} of no benefit is too little evidence to judge: no benefit needs "
            "strong, good or modest evidence. Choose 'Too little evidence to judge' with the "
            "direction 'benefit', or a stronger level."
        )
    return ""


class SharedRecord(models.Model):
    """A record reviews only point at (a reference, a glossary term), whose ``shared_fields``
    are medical content: a change to them that published reviews show waits for approval
    (``therapies.shared_changes``), and a version's approval covers their values."""

    shared_fields: list[str] = []

    class Meta:
        abstract = True

    def shared_values(self) -> dict:
        """The shared fields as JSON-ready text."""
        return {
            name: self._meta.get_field(name).value_to_string(self) for name in self.shared_fields
        }

    def apply_shared_values(self, values: dict) -> None:
        """Set the shared fields (unsaved) to ``values`` as ``shared_values`` wrote them."""
        for name, value in values.items():
            field = self._meta.get_field(name)
            # value_to_string writes an empty date or number as "".
            setattr(self, name, None if value == "" and field.null else field.to_python(value))


class Reference(SharedRecord):
    """A structured source, cited from any review by its key."""

    # What an approved change may alter; the key, which texts cite, never changes once used.
    shared_fields = [
        "kind", "authors", "title", "container", "place", "year", "volume", "issue", "pages",
        "doi", "pmid", "url", "viewed_on",
    ]  # fmt: skip

    class Kind(models.TextChoices):
        ARTICLE = "article", "Journal article"
        BOOK = "book", "Book"
        WEB = "web", "Web page"

    key = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Short name used to cite it in Markdown, e.g. [@elsegood-2016].",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    authors = models.CharField(
        max_length=500, blank=True, help_text="As printed: 'Smith J, Jones AB'."
    )
    title = models.CharField(max_length=500)
    container = models.CharField(
        "journal or publisher", max_length=300, blank=True, help_text="Journal, publisher or site."
    )
    place = models.CharField(max_length=100, blank=True, help_text="Place of publication (books).")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=30, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True, help_text="e.g. 10.1000/xyz123")
    pmid = models.CharField("PMID", max_length=12, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    viewed_on = models.DateField(null=True, blank=True, help_text="For web pages.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pmid="") | Q(pmid__regex=r"^[0-9]+$"), name="pmid_is_digits"
            ),
        ]

    def __str__(self):
        return f"{self.key}: {self.title}"

    @property
    def citation(self) -> str:
        """The house style (Vancouver-like), as plain text."""
        parts = []
        if self.authors:
            parts.append(self.authors.rstrip(".") + ".")
        parts.append(self.title.rstrip(".") + ".")
        if self.kind == self.Kind.ARTICLE:
            source = self.container
            if self.year:
                source += f". {self.year}"
            if self.volume:
                source += f";{self.volume}"
            if self.issue:
                source += f"({self.issue})"
            if self.pages:
                source += f":{self.pages}"
            parts.append(source.strip(". ") + ".")
        else:
            publisher = ": ".join(p for p in (self.place, self.container) if p)
            if publisher:
                parts.append(publisher + ".")
            if self.year:
                parts.append(f"{self.year}.")
        if self.kind == self.Kind.WEB and self.viewed_on:
            parts.append(f"Viewed {self.viewed_on:%B} {self.viewed_on.day}, {self.viewed_on.year}.")
        return " ".join(p for p in parts if p.strip("."))

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pmid_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""


class PageReference(models.Model):
    """One numbered entry of a page's reference list, written when the page is rendered."""

    version = models.ForeignKey(
        ReviewVersion, on_delete=models.CASCADE, related_name="page_references"
    )
    subpage = models.ForeignKey(
        SubPage, null=True, blank=True, on_delete=models.CASCADE, related_name="page_references"
    )
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    # How many times the page cites it: the list links back to each citation.
    citation_count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "subpage", "number"],
                nulls_distinct=False,
                name="unique_reference_number_per_page",
            ),
        ]

    def __str__(self):
        return f"[{self.number}] {self.reference.key}"

    def backlinks(self) -> list["Backlink"]:
        """Each place the page cites the reference, in page order: labelled a, b, c... (z, then
        aa, ab...). Plain strings, as a long reference list renders hundreds of them."""
        prefix = page_id_prefix(self.subpage)
        count = self.citation_count
        return [
            Backlink(
                label=_letters(n),
                citation_id=citation_id(prefix, self.number, n),
                description=(
                    f"Back to citation {n} of {count}" if count > 1 else "Back to the citation"
                ),
            )
            for n in range(1, count + 1)
        ]


class Backlink(NamedTuple):
    """A link from a reference list's entry back to one place the page cites it."""

    label: str
    citation_id: str
    description: str


def page_id_prefix(subpage: SubPage | None) -> str:
    """What the ids of a review page's citations and tooltips start with: "main" on the main
    page, the kind on a sub-page."""
    return subpage.kind if subpage is not None else "main"


def _letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa."""
    label = ""
    while n:
        n, remainder = divmod(n - 1, 26)
        label = chr(ord("a") + remainder) + label
    return label


class GlossaryTerm(SharedRecord):
    # What an approved change may alter; the slug, which texts mark, never changes once used.
    shared_fields = ["term", "variants", "short_definition", "definition"]

    term = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    variants = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other forms that should link here, comma-separated ('case studies').",
    )
    short_definition = models.CharField(
        max_length=400, help_text="One plain sentence, shown beside the term in reviews."
    )
    definition = MarkdownxField(
        blank=True,
        validators=[validate_markdown, validate_citations],
        help_text="Longer definition for the glossary page (Markdown). Optional.",
    )
    definition_html = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("therapies:glossary") + f"#{self.slug}"

    @property
    def all_forms(self) -> list[str]:
        return [self.term, *(v.strip() for v in self.variants.split(",") if v.strip())]


def markdown_page_for(*texts: str, id_prefix: str = "p") -> MarkdownPage:
    """A page to render ``texts`` on, with the references they cite and, if they mark any,
    the glossary terms by every form and slug (2 queries)."""
    keys = {key for text in texts for key in cited_keys(text)}
    references = {r.key: r for r in Reference.objects.filter(key__in=keys)} if keys else {}
    terms = {}
    if any(marked_terms(text) for text in texts):
        for term in GlossaryTerm.objects.all():
            terms[term.slug] = term
            for form in term.all_forms:
                terms[form.lower()] = term
    return MarkdownPage(references=references, terms=terms, id_prefix=id_prefix)


class SharedChange(models.Model):
    """A change to a reference or glossary term that published reviews cite or mark, waiting
    for a clinical consultant: the record keeps its approved text until then.

    ``values`` holds the proposed fields exactly as proposed, and ``base`` the record's
    fields when it was proposed: the approval covers exactly ``values``, and a change made
    to the record in between makes the proposal stale instead of overwriting it.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved and applied"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    reference = models.ForeignKey(
        Reference, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    glossary_term = models.ForeignKey(
        GlossaryTerm, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    values = models.JSONField(help_text="The proposed fields.")
    base = models.JSONField(help_text="The record's fields when the change was proposed.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__isnull=False, glossary_term__isnull=True)
                | Q(reference__isnull=True, glossary_term__isnull=False),
                name="shared_change_has_one_record",
            ),
            models.UniqueConstraint(
                fields=["reference"], condition=Q(state="pending"), name="one_pending_per_reference"
            ),
            models.UniqueConstraint(
                fields=["glossary_term"],
                condition=Q(state="pending"),
                name="one_pending_per_glossary_term",
            ),
        ]

    def __str__(self):
        return f"Change to {self.record} ({self.get_state_display().lower()})"

    @property
    def record(self):
        return self.reference or self.glossary_term

    @property
    def digest(self) -> str:
        """Names the proposed values: an approval names the exact text it was shown."""
        return hashlib.sha256(json.dumps(self.values, sort_keys=True).encode()).hexdigest()


class AuditEntry(models.Model):
    """One workflow step on a version: who did what, when, from which state to which."""

    version = models.ForeignKey(ReviewVersion, on_delete=models.CASCADE, related_name="audit")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the scheduled publisher.",
    )
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, choices=ReviewVersion.State.choices)
    to_state = models.CharField(max_length=20, choices=ReviewVersion.State.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        who = self.actor or "scheduler"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who}: {self.action}"


class ReviewComment(models.Model):
    """A remark on a version by someone who may view it: on the whole version, on one rating
    or one sub-page, or an answer to another comment. Never shown to the public. Kept as
    written (never edited or deleted), so it is its own record of who said what, and when."""

    version = models.ForeignKey(ReviewVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(max_length=5000)
    rating = models.ForeignKey(
        "ratings.Rating", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subpage = models.ForeignKey(
        SubPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The part's name when the comment was written: it stays readable if the part is removed.
    part = models.CharField(max_length=200, blank=True)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author} on {self.part or 'the version'}, {self.created_at:%Y-%m-%d %H:%M}"


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(f"'{name}' is not a time zone this server knows.")


class StaffSettings(models.Model):
    """A staff member's own settings for the admin: the time zone its dates and times are
    entered and shown in (``therapies.middleware.StaffTimeZoneMiddleware``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_settings"
    )
    time_zone = models.CharField(
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
        help_text="Times in the admin are entered and shown in this zone (publication, "
        "expiry, the audit trail). Public pages keep the site's.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "staff settings"
        # Each person edits only their own, on their own page: no one is given the model.
        default_permissions = ()

    def __str__(self):
        return f"Settings of {self.user}"


class ContactMessage(models.Model):
    """A message a reader sent through the contact page (``therapies.contact``): a question, an
    error on a page, or a therapy to review. Editors work through them in the admin's queue."""

    class Kind(models.TextChoices):
        QUESTION = "question", "A question"
        ERROR = "error", "An error on a page"
        SUGGESTION = "suggestion", "A therapy to review"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        ANSWERED = "answered", "Answered"
        SPAM = "spam", "Spam"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.TextField(max_length=5000)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField("e-mail address", blank=True, help_text="Empty: no reply wanted.")
    page = models.CharField(
        max_length=500, blank=True, help_text="The page on this site the message is about."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who last changed its status.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.created_at:%Y-%m-%d %H:%M}"
