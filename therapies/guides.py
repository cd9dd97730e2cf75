"""The cancer-type guides: for one cancer type, the therapies with published findings for it,
per benefit, best evidence first (each benefit's best few, and all of them a page at a time on
the benefit's own pages); and what the index says of a therapy for a cancer type.

A therapy counts for a cancer type only where a published finding names that cancer type
(``Finding``), never because its review is tagged with it: a tag says the review discusses a
cancer, not what the evidence for it shows. Everything lives in the query string (a GET form),
and a value we cannot use is dropped with a plain message, as on the index.
"""

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Count, F, IntegerField, Min, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ratings.models import Attribute, EvidenceLevel, badge_words
from ratings.scale import ICONS, badge_html

from .addresses import therapy_url_maker
from .filters import FilterForm
from .models import CancerType, Finding, SubPage, name_in_sentence, published_rule

# Which way a finding points, in words with an icon beside them (never colour alone). No
# benefit and harm draw as their evidence badges do (ratings.scale); so does a possible benefit
# with too little evidence to judge, which must never read as a benefit.
TOO_LITTLE = EvidenceLevel.Direction.TOO_LITTLE
_ICON = '<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">{}</svg>'
DIRECTION_ICONS = {
    Finding.Direction.BENEFIT: _ICON.format(
        '<circle cx="8" cy="8" r="6.3" fill="none" stroke="currentColor" stroke-width="1.6"/>'
        '<path d="M4.8 8.3 7 10.5l4.2-4.7" fill="none" stroke="currentColor" stroke-width="1.8" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    ),
    Finding.Direction.NO_BENEFIT: ICONS["no_benefit"],
    Finding.Direction.HARM: ICONS["harm"],
    Finding.Direction.MIXED: _ICON.format(
        '<circle cx="8" cy="8" r="6.3" fill="none" stroke="currentColor" stroke-width="1.6"/>'
        '<path d="M8 1.7a6.3 6.3 0 0 1 0 12.6z" fill="currentColor"/>'
    ),
    TOO_LITTLE: ICONS["too_little"],
}
DIRECTION_CLASSES = {
    Finding.Direction.BENEFIT: "benefit",
    Finding.Direction.NO_BENEFIT: "no-benefit",
    Finding.Direction.HARM: "harm",
    Finding.Direction.MIXED: "mixed",
    TOO_LITTLE: "too-little",
}
DIRECTION_WORDS = {**dict(Finding.Direction.choices), TOO_LITTLE: "Too little to judge"}
# "Best evidence first": the strongest level first, then this order of directions.
DIRECTION_RANK = Case(
    *(When(direction=value, then=Value(n)) for n, value in enumerate(Finding.Direction.values)),
    output_field=IntegerField(),
)


def _direction_html(direction: str) -> SafeString:
    return format_html(
        '<span class="direction direction-{}">{}{}</span>',
        DIRECTION_CLASSES[direction],
        mark_safe(DIRECTION_ICONS[direction]),
        DIRECTION_WORDS[direction],
    )


# Which way a finding points: its icon and its words ("No benefit"). Built once: a guide shows
# hundreds.
DIRECTIONS_HTML = {direction: _direction_html(direction) for direction in DIRECTION_WORDS}


def shown_direction(direction: str, level: EvidenceLevel) -> str:
    """Which way a finding is said to point: too little evidence to judge, whatever its
    direction, when its level says so."""
    return TOO_LITTLE if level.direction == TOO_LITTLE else direction


def evidence_words(direction: str, level: EvidenceLevel) -> str:
    """What a finding's level and direction say together, mid-sentence: "good evidence of no
    benefit", "preliminary evidence of benefit", "too little evidence to judge"."""
    if level.direction == EvidenceLevel.Direction.TOO_LITTLE:
        return badge_words(level.label, level.badge_text).lower()
    strength = level.label.lower()
    return {
        Finding.Direction.BENEFIT: f"{strength} evidence of benefit",
        Finding.Direction.NO_BENEFIT: f"{strength} evidence of no benefit",
        Finding.Direction.HARM: f"{strength} evidence of harm",
        Finding.Direction.MIXED: f"{strength} evidence of mixed results",
    }[direction]


def published_findings():
    """Findings of the versions the public sees (``published_rule``), best evidence first."""
    return Finding.objects.filter(published_rule("version__")).order_by(
        "attribute__order", "evidence_level__order", DIRECTION_RANK, "version__name", "order", "pk"
    )


# --- The index: what the findings for the cancer type chosen say of each result ---------------


@dataclass
class CancerEvidence:
    """The best finding of one benefit for one cancer type, as the index says it."""

    benefit: str  # the attribute's short label
    direction: str
    words: str  # "good evidence of no benefit"

    @property
    def direction_html(self) -> SafeString:
        return DIRECTIONS_HTML[self.direction]


def cancer_evidence(version_ids: list[int], cancer_slug: str) -> dict[int, list[CancerEvidence]]:
    """For each of ``version_ids``, the best published finding of each benefit for the cancer
    type ``cancer_slug``, in the benefits' order (one query)."""
    findings = (
        published_findings()
        .filter(version__in=version_ids, cancer_type__slug=cancer_slug)
        .select_related("attribute", "evidence_level")
        .only(
            "version_id", "direction", "attribute__short_label", "attribute__order",
            "evidence_level__label", "evidence_level__badge_text", "evidence_level__direction",
        )
    )  # fmt: skip
    evidence: dict[int, list[CancerEvidence]] = {}
    seen = set()
    for finding in findings:
        if (finding.version_id, finding.attribute_id) in seen:
            continue  # a weaker finding of a benefit already said
        seen.add((finding.version_id, finding.attribute_id))
        evidence.setdefault(finding.version_id, []).append(
            CancerEvidence(
                benefit=finding.attribute.short_label,
                direction=shown_direction(finding.direction, finding.evidence_level),
                words=evidence_words(finding.direction, finding.evidence_level),
            )
        )
    return evidence


# --- The guide -------------------------------------------------------------------------------


def guide_choices() -> tuple[list[tuple[str, str]], dict[str, tuple[str, int]]]:
    """The guide's filters' choices in one query: the four benefits as (code, label), and the
    levels of evidence of a benefit, strongest first, as {code: (label, order)}."""
    kind = CharField()
    rows = (
        Attribute.objects.filter(is_evidence_based=True)
        .annotate(kind=Value("benefit", kind))
        .values_list("kind", "order", "code", "label")
        .union(
            EvidenceLevel.objects.filter(direction=EvidenceLevel.Direction.BENEFIT)
            .annotate(kind=Value("level", kind))
            .values_list("kind", "order", "code", "label"),
            all=True,
        )
        .order_by("kind", "order")
    )
    benefits, levels = [], {}
    for kind, order, code, label in rows:
        if kind == "benefit":
            benefits.append((code, label))
        else:
            levels[code] = (label, order)
    return benefits, levels


class GuideForm(FilterForm):
    """A guide's filters, bound to the query string; what cannot be used is named on the page
    and the rest applies."""

    FILTERS = ("benefit", "min")

    benefit = forms.ChoiceField(
        label="Benefit",
        required=False,
        error_messages={"invalid_choice": "We rate no such benefit, so we show all four."},
    )
    min = forms.ChoiceField(
        label="Evidence at least",
        required=False,
        error_messages={
            "invalid_choice": "We have no such level of evidence, so we show findings at "
            "every level."
        },
    )

    def __init__(self, data):
        super().__init__(data)
        self.benefits, self.levels = guide_choices()
        self.fields["benefit"].choices = [("", "All four benefits"), *self.benefits]
        strongest = next(iter(self.levels), None)
        self.fields["min"].choices = [
            ("", "Any level"),
            *(
                (code, label if code == strongest else f"{label} or stronger")
                for code, (label, _) in self.levels.items()
            ),
        ]
        self.is_valid()

    def active_filters(self) -> list[tuple[str, str]]:
        """(what it is, the query string without it) for each filter in effect."""
        choices = self.choices
        filters = []
        if "benefit" in choices:
            label = dict(self.benefits)[choices["benefit"]]
            filters.append((f"Benefit: {label}", "benefit"))
        if "min" in choices:
            label = self.levels[choices["min"]][0]
            filters.append((f"{label} evidence or stronger", "min"))
        return [(text, self.query_string(**{name: None})) for text, name in filters]


@dataclass
class TherapyFindings:
    """One therapy's findings for one benefit and cancer type."""

    name: str
    research_url: str  # the benefit's part of the review's research findings page
    address: str  # the review's address on the public site, written out in print
    findings: list = field(default_factory=list)


@dataclass
class BenefitSection:
    code: str
    label: str
    therapies: list[TherapyFindings] = field(default_factory=list)
    therapy_count: int = 0  # all the benefit's therapies, shown or not
    see_all: str = ""  # the query string of the benefit's own pages

    @property
    def more(self) -> bool:
        """Whether the overview leaves some of the benefit's therapies for its own pages."""
        return self.therapy_count > len(self.therapies)


@dataclass
class Guide:
    cancer_type: CancerType
    sections: list[BenefitSection]
    last_updated: object  # date or None: the newest "last updated" of the reviews listed
    page: Page | None = None  # one benefit's page of therapies; None for the overview

    @property
    def cancer_in_sentence(self) -> str:
        return name_in_sentence(self.cancer_type.name)

    @property
    def paged(self) -> bool:
        """Whether this is one benefit's pages (an empty page is falsy: it has no rows)."""
        return self.page is not None

    @property
    def is_empty(self) -> bool:
        return not any(section.therapy_count for section in self.sections)


# The overview shows each benefit's therapies with the best evidence, a handful each, and leads
# to the benefit's own pages for the rest: the page stays a page a reader can take in (and
# print), however many therapies a cancer type has findings for.
OVERVIEW_SIZE = 5
PAGE_SIZE = 20


def build_guide(cancer_type: CancerType, form: GuideForm) -> Guide:
    """The published findings for ``cancer_type`` the filters ask for: per benefit in order,
    its best ``OVERVIEW_SIZE`` therapies (best finding first) and how many there are (one
    query); or, for one benefit, a page of its therapies (counted, then read: two queries);
    then those therapies' findings (one query)."""
    choices = form.choices
    findings = Finding.objects.filter(published_rule("version__"), cancer_type=cancer_type)
    if "benefit" in choices:
        findings = findings.filter(attribute__code=choices["benefit"])
    if "min" in choices:
        _, order = form.levels[choices["min"]]
        findings = findings.filter(
            evidence_level__direction=EvidenceLevel.Direction.BENEFIT,
            evidence_level__order__lte=order,
        )
    sections = {
        code: BenefitSection(code, label, see_all=form.query_string(benefit=code))
        for code, label in form.benefits
        if choices.get("benefit", code) == code
    }
    # Each benefit's therapies, each ranked by its best finding (level, then direction).
    ranked = (
        findings.order_by()
        .values("attribute__code", "version_id", "version__name", "version__therapy__slug")
        .annotate(best=Min(F("evidence_level__order") * 10 + DIRECTION_RANK))
    )
    best_first = ("best", "version__name", "version_id")
    page = None
    if "benefit" in choices:
        paginator = Paginator(ranked.order_by(*best_first), PAGE_SIZE)
        page = paginator.get_page(form.cleaned_data["page"])
        rows = list(page.object_list)
        sections[choices["benefit"]].therapy_count = page.paginator.count
    else:
        rows = list(
            ranked.annotate(
                rank=Window(RowNumber(), partition_by=F("attribute__code"), order_by=best_first),
                therapy_count=Window(Count("*"), partition_by=F("attribute__code")),
            )
            .filter(rank__lte=OVERVIEW_SIZE)
            .order_by("attribute__code", "rank")
        )
        for row in rows:
            sections[row["attribute__code"]].therapy_count = row["therapy_count"]
    research_url = therapy_url_maker("therapies:subpage", kind=SubPage.Kind.FINDINGS)
    review_url = therapy_url_maker()
    therapies: dict[tuple[str, int], TherapyFindings] = {}
    for row in rows:
        code, slug = row["attribute__code"], row["version__therapy__slug"]
        therapies[code, row["version_id"]] = TherapyFindings(
            name=row["version__name"],
            research_url=f"{research_url(slug)}#{research_anchor(code)}",
            address=settings.SITE_URL + review_url(slug),
        )
        sections[code].therapies.append(therapies[code, row["version_id"]])
    last_updated = None
    levels: dict[int, EvidenceLevel] = {}
    badges: dict[tuple[int, str], SafeString] = {}
    methodology = reverse("ratings:methodology")
    shown = (
        findings.filter(version__in={version for _, version in therapies})
        .order_by(*published_findings().query.order_by)
        .values_list(*GUIDE_FINDING_FIELDS)
    )
    for row in shown if therapies else []:
        code, version_id = row[5], row[7]
        if (code, version_id) not in therapies:
            continue  # a finding of a therapy shown under another benefit only
        finding = GuideFinding(*row[:5])
        level_id, updated = row[6], row[8]
        if level_id not in levels:
            fields = dict(zip(["code", "label", "badge_text", "direction"], row[9:], strict=True))
            levels[level_id] = EvidenceLevel(id=level_id, **fields)
        finding.evidence_level = levels[level_id]
        if (level_id, finding.direction) not in badges:
            badges[level_id, finding.direction] = badge_html(
                finding.evidence_level.code, finding.badge, finding.badge_direction, methodology
            )
        finding.html = format_html(
            '{} <span class="finding-text">{}{}.</span>',
            DIRECTIONS_HTML[shown_direction(finding.direction, finding.evidence_level)],
            badges[level_id, finding.direction],
            finding.sentence_rest,
        )
        therapies[code, version_id].findings.append(finding)
        if updated and (last_updated is None or updated > last_updated):
            last_updated = updated
    return Guide(
        cancer_type=cancer_type,
        sections=list(sections.values()),
        last_updated=last_updated,
        page=page,
    )


# What the guide reads of a finding and what it points to (not the versions' texts), in the
# order ``build_guide`` reads them: the finding, where it belongs, its level.
GUIDE_FINDING_FIELDS = [
    "direction", "outcome", "population", "combined_with", "detail",
    "attribute__code", "evidence_level_id", "version_id", "version__last_updated",
    "evidence_level__code", "evidence_level__label", "evidence_level__badge_text",
    "evidence_level__direction",
]  # fmt: skip


class GuideFinding:
    """A finding as a guide shows it, from plain values: a guide lists hundreds, and building
    them as model instances (a finding, its version, therapy, benefit and level each) took 10.6
    ms of a 42 ms page in make bench's data set (300 findings), against 2.3 ms for the values.
    Its line (``html``: which way it points, its badge, its words) is composed here, each badge
    once for each level and direction: written by the template, with the evidence_badge tag,
    the 300 lines took 9.1 ms to render, against 5.4 ms so. Its words are ``Finding``'s own."""

    __slots__ = (
        "combined_with", "detail", "direction", "evidence_level", "html", "outcome",
        "population",
    )  # fmt: skip
    Direction = Finding.Direction
    badge = Finding.badge
    badge_direction = Finding.badge_direction
    sentence_rest = Finding.sentence_rest

    def __init__(self, direction, outcome, population, combined_with, detail):
        self.direction = direction
        self.outcome = outcome
        self.population = population
        self.combined_with = combined_with
        self.detail = detail


def research_anchor(code: str) -> str:
    """The id of a benefit's part of a review's research findings page
    (templates/includes/findings.html)."""
    return f"findings-{code}"
