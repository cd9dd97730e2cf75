"""The seven attributes and the evidence levels every database starts with.

A frozen copy of ``ratings.defaults`` as it was when this was written: a migration must give the
same result whenever it runs. ``tests/test_migrations.py`` checks the copy still matches.
"""

from django.db import migrations

ATTRIBUTES = [
    (
        "treatment_outcomes",
        "Improving treatment outcomes",
        "Treatment outcomes",
        True,
        "Evidence that it improves survival, slows tumour growth or spread, or makes conventional "
        "treatment work better.",
    ),
    (
        "body_terrain",
        "Optimizing your body terrain",
        "Body terrain",
        True,
        "Evidence that it improves the body's internal conditions, such as inflammation, insulin "
        "resistance, hormone balance, nutrition or fitness.",
    ),
    (
        "side_effects",
        "Managing side effects and promoting wellness",
        "Side effects",
        True,
        "Evidence that it eases treatment side effects and symptoms or improves quality of life.",
    ),
    (
        "cancer_risk",
        "Reducing cancer risk",
        "Cancer risk",
        True,
        "Evidence that it lowers the risk of developing cancer or of cancer coming back.",
    ),
    (
        "expert_use",
        "Use by integrative oncology experts",
        "Expert use",
        False,
        "Whether clinical practice guidelines and published expert protocols include it.",
    ),
    (
        "safety",
        "Safety",
        "Safety",
        False,
        "Its side effects, cautions, and interactions with cancer treatment.",
    ),
    (
        "access",
        "Affordability and access",
        "Access",
        False,
        "What it costs, whether a prescription is needed, and how easy it is to get.",
    ),
]

LEVELS = [
    (
        "strong",
        "Strong",
        5,
        5,
        "Consistent, significant effects in several large, well-designed studies, or at least two "
        "moderate-quality meta-analyses that agree.",
    ),
    (
        "good",
        "Good",
        4,
        4,
        "Significant effects in several well-designed studies, with few that disagree, but short of "
        "the size or consistency needed for strong evidence.",
    ),
    (
        "modest",
        "Modest",
        3,
        3,
        "Significant effects in at least three small well-designed randomized trials, in one or more "
        "well-designed mid-sized studies, or in a meta-analysis of several small studies.",
    ),
    (
        "preliminary",
        "Preliminary",
        2,
        2,
        "Significant effects in small or poorly designed studies, or adequate studies that conflict "
        "but mostly show an effect.",
    ),
    (
        "weak",
        "Weak",
        1,
        1,
        "Case studies supported by animal research, small effects of limited clinical relevance, "
        "uncontrolled studies, or weak trends.",
    ),
    ("insufficient", "Insufficient", 0, 0, "No evidence of benefit, or too little to judge."),
]


def load(apps, schema_editor):
    Attribute = apps.get_model("ratings", "Attribute")  # noqa: N806 (a model class)
    EvidenceLevel = apps.get_model("ratings", "EvidenceLevel")  # noqa: N806
    for order, (code, label, short, evidence, rated_on) in enumerate(ATTRIBUTES, start=1):
        Attribute.objects.create(
            code=code,
            label=label,
            short_label=short,
            is_evidence_based=evidence,
            rated_on=rated_on,
            order=order,
        )
    for order, (code, label, low, high, definition) in enumerate(LEVELS, start=1):
        EvidenceLevel.objects.create(
            code=code,
            label=label,
            score_min=low,
            score_max=high,
            definition=definition,
            order=order,
        )


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
