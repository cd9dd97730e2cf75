"""The seven rated attributes, what each score means, evidence levels, and a review
version's ratings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords

from cancerchoices.markdown import validate_markdown


class Attribute(models.Model):
    """One of the seven things every therapy is rated on. Labels may change; codes never do."""

    code = models.SlugField(
        max_length=40, unique=True, help_text="Stable identifier used by code; never change it."
    )
    label = models.CharField(max_length=100)
    short_label = models.CharField(
        max_length=40, help_text="Shown where space is tight: the comparison grid, filters."
    )
    rated_on = models.TextField(help_text="What the rating considers, in one or two sentences.")
    is_evidence_based = models.BooleanField(
        default=True,
        help_text="Rates the strength of evidence for a medical benefit (and so has an "
        "evidence level). Off for expert use, safety, and affordability.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.label


class ScoreMeaning(models.Model):
    """What one score (0 to 5) means for one attribute: the methodology lists them, and a
    review shows the meaning beside each rating."""

    attribute = models.ForeignKey(
        Attribute, on_delete=models.CASCADE, related_name="score_meanings"
    )
    score = models.PositiveSmallIntegerField(choices=[(n, f"{n} of 5") for n in range(6)])
    meaning = models.TextField(
        help_text="One or two plain sentences a reader sees beside a rating with this score."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["attribute_id", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "score"], name="one_meaning_per_attribute_score"
            ),
            models.CheckConstraint(condition=Q(score__lte=5), name="score_meaning_score_0_to_5"),
        ]

    def __str__(self):
        return f"{self.attribute}: {self.score} of 5"


class EvidenceLevel(models.Model):
    """The team's vocabulary for strength of evidence, which way it points, and how each level
    maps to a score."""

    class Direction(models.TextChoices):
        BENEFIT = "benefit", "Evidence of benefit"
        TOO_LITTLE = "too_little", "Too little evidence to judge"
        NO_BENEFIT = "no_benefit", "Good evidence of no benefit"
        HARM = "harm", "Evidence of harm"

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=60, help_text="e.g. 'Preliminary'.")
    badge_text = models.CharField(
        "badge",
        max_length=80,
        blank=True,
        help_text="How a rating with this level says it. Leave empty for the label and "
        "'evidence' ('Preliminary evidence'); a level that is not evidence of benefit needs its "
        "own words ('Good evidence of no benefit', 'Evidence of harm').",
    )
    direction = models.CharField(
        max_length=20,
        choices=Direction.choices,
        default=Direction.BENEFIT,
        help_text="Which way the evidence points. Ratings show 'no benefit' and 'harm' "
        "differently from 'too little to judge', so a negative trial never reads as an "
        "untested therapy.",
    )
    definition = models.TextField(help_text="The house definition, shown on the methodology page.")
    score_min = models.PositiveSmallIntegerField(default=0)
    score_max = models.PositiveSmallIntegerField(default=0)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score_min__lte=models.F("score_max"), score_max__lte=5),
                name="evidence_level_score_range",
            ),
        ]

    def __str__(self):
        # As a rating says it: what a researcher picks in a form and a comparison of versions
        # shows ("Good evidence of no benefit", not "No benefit").
        return self.badge

    @property
    def badge(self) -> str:
        return badge_words(self.label, self.badge_text)

    def clean(self):
        if self.direction != self.Direction.BENEFIT and not self.badge_text.strip():
            raise ValidationError(
                {"badge_text": "Say in words what this level means, e.g. 'Good evidence of no "
                 "benefit': the label and 'evidence' would read as evidence of a benefit."}
            )  # fmt: skip


def badge_words(label: str, badge_text: str = "") -> str:
    """What a rating's evidence badge says: the level's own words, or its label and
    'evidence' ("Preliminary evidence"). For pages that read levels with raw SQL too."""
    return badge_text or f"{label} evidence"


class Rating(models.Model):
    version = models.ForeignKey(
        "therapies.ReviewVersion", on_delete=models.CASCADE, related_name="ratings"
    )
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(n, f"{n} of 5") for n in range(6)],
        help_text="Leave empty for 'Not rated yet', which is not the same as 0.",
    )
    evidence_level = models.ForeignKey(
        EvidenceLevel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="For the four evidence-based attributes only.",
    )
    note = MarkdownxField(
        "evidence note",
        blank=True,
        validators=[validate_markdown],
        help_text="Shown under 'See more'. Markdown with citations and glossary terms.",
    )
    note_html = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["attribute__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "attribute"], name="one_rating_per_attribute"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=5),
                name="rating_score_0_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.attribute}: {self.score_text}"

    def clean(self):
        """A rating fits its evidence: an evidence level only on an attribute rated on evidence,
        and a score within the range the level maps to (editorial policy, on the methodology
        page). A 0 on the evidence says why, so that a negative trial never reads as a therapy
        nobody has tested."""
        level = self.evidence_level
        if self.attribute_id is None:
            return
        if level is None and self.score == 0 and self.attribute.is_evidence_based:
            raise ValidationError(
                {"evidence_level": "A 0 for evidence needs its evidence level: too little "
                 "evidence to judge, good evidence of no benefit, or evidence of harm."}
            )  # fmt: skip
        if level is None:
            return
        if not self.attribute.is_evidence_based:
            raise ValidationError(
                {"evidence_level": f"“{self.attribute}” is not rated on the strength of "
                 "evidence: leave its evidence level empty."}
            )  # fmt: skip
        if self.score is not None and not level.score_min <= self.score <= level.score_max:
            scores = (
                str(level.score_min)
                if level.score_min == level.score_max
                else f"{level.score_min} to {level.score_max}"
            )
            raise ValidationError(
                {"score": f"{level.badge} means a score of {scores}, not {self.score}. Change "
                 "the score or the evidence level."}
            )  # fmt: skip

    @property
    def is_rated(self) -> bool:
        return self.score is not None

    @property
    def score_text(self) -> str:
        return f"{self.score} of 5" if self.is_rated else "Not rated yet"

    @property
    def meaning(self) -> str:
        """What this rating tells a reader. A 0 on the evidence says why through its evidence
        level (too little to judge, no benefit, harm), so the level's definition; otherwise
        what the attribute's score means (pages load it with ``with_meaning``)."""
        if not self.is_rated:
            return ""
        level = self.evidence_level
        if level is not None and level.direction != EvidenceLevel.Direction.BENEFIT:
            return level.definition
        if hasattr(self, "score_meaning"):
            return self.score_meaning or ""
        meanings = ScoreMeaning.objects.filter(attribute_id=self.attribute_id, score=self.score)
        return meanings.values_list("meaning", flat=True).first() or ""

    @staticmethod
    def with_meaning(ratings: models.QuerySet) -> models.QuerySet:
        """``ratings`` with each one's score meaning in the same query (``score_meaning``)."""
        meanings = ScoreMeaning.objects.filter(
            attribute=models.OuterRef("attribute"), score=models.OuterRef("score")
        )
        return ratings.annotate(score_meaning=models.Subquery(meanings.values("meaning")[:1]))
