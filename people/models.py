"""People who write and review, and the roles they are credited in on a review."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords

from cancerchoices.markdown import validate_markdown


class Person(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    credentials = models.CharField(max_length=100, blank=True, help_text="e.g. 'MSN, RN, OCNS'.")
    role_title = models.CharField(max_length=100, help_text="e.g. 'Senior Clinical Consultant'.")
    short_bio = models.CharField(max_length=300, help_text="One sentence for reviewer cards.")
    bio = MarkdownxField(
        blank=True,
        validators=[validate_markdown],
        help_text="Full profile.",
    )
    bio_html = models.TextField(blank=True, editable=False)
    photo = models.ImageField(
        upload_to="people/", blank=True, help_text="Square JPEG or PNG; initials show without one."
    )
    is_sample = models.BooleanField(
        default=False, help_text="A sample profile for demonstration, not a real person."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The sign-in this person uses, if any.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("therapies:person", kwargs={"slug": self.slug})

    @property
    def display_name(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.name.split()[:2] if word).upper()


class Credit(models.Model):
    """A person credited on one version of a review, in one role."""

    class Role(models.TextChoices):
        LEAD_RESEARCHER = "lead_researcher", "Lead researcher"
        RESEARCHER = "researcher", "Researcher"
        CLINICAL_REVIEWER = "clinical_reviewer", "Clinical reviewer"
        EXPERT_REVIEWER = "expert_reviewer", "Expert reviewer"

    version = models.ForeignKey(
        "therapies.ReviewVersion", on_delete=models.CASCADE, related_name="credits"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="credits")
    role = models.CharField(max_length=30, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "person", "role"], name="one_credit_per_person_and_role"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"
