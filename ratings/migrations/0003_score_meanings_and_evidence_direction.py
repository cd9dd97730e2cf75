"""What each score means, per attribute; and the direction of the evidence, with levels for good
evidence of no benefit and for evidence of harm, distinct from too little evidence to judge.

Frozen copies of ``ratings.defaults`` as they were when this was written (a migration must give
the same result whenever it runs; ``tests/test_migrations.py`` checks they still match).
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

LEVELS = [
    (
        "strong",
        "Strong",
        "",
        "benefit",
        5,
        5,
        "Consistent, significant effects in several large, well-designed studies, or at least two "
        "moderate-quality meta-analyses that agree.",
    ),
    (
        "good",
        "Good",
        "",
        "benefit",
        4,
        4,
        "Significant effects in several well-designed studies, with few that disagree, but short of the "
        "size or consistency needed for strong evidence.",
    ),
    (
        "modest",
        "Modest",
        "",
        "benefit",
        3,
        3,
        "Significant effects in at least three small well-designed randomized trials, in one or more "
        "well-designed mid-sized studies, or in a meta-analysis of several small studies.",
    ),
    (
        "preliminary",
        "Preliminary",
        "",
        "benefit",
        2,
        2,
        "Significant effects in small or poorly designed studies, or adequate studies that conflict but "
        "mostly show an effect.",
    ),
    (
        "weak",
        "Weak",
        "",
        "benefit",
        1,
        1,
        "Case studies supported by animal research, small effects of limited clinical relevance, "
        "uncontrolled studies, or weak trends.",
    ),
    (
        "insufficient",
        "Too little to judge",
        "Too little evidence to judge",
        "too_little",
        0,
        0,
        "Not yet studied in people, or the studies are too few, too small or too flawed to say whether "
        "it helps. This is not evidence that it does not work: it has not been properly tested.",
    ),
    (
        "no_benefit",
        "No benefit",
        "Good evidence of no benefit",
        "no_benefit",
        0,
        0,
        "Well-designed studies of a good size consistently found no benefit. This is evidence that it "
        "does not help with this, not a lack of evidence.",
    ),
    (
        "harm",
        "Harm",
        "Evidence of harm",
        "harm",
        0,
        0,
        "Well-designed studies found that it made things worse, for example more cancers or shorter "
        "survival. The review's cautions say more.",
    ),
]

SCORE_MEANINGS = {
    "treatment_outcomes": (
        "No benefit to report for survival or the cancer's growth: too little "
        "evidence to judge, good evidence that it does not help, or evidence of "
        "harm. Its evidence level says which.",
        "Weak evidence that it improves survival, slows the cancer or helps "
        "cancer treatment work: case reports, laboratory and animal studies, "
        "uncontrolled studies or small effects.",
        "Preliminary evidence that it improves survival, slows the cancer or "
        "helps cancer treatment work: small or flawed studies, or studies that "
        "conflict but mostly agree.",
        "Modest evidence that it improves survival, slows the cancer or helps "
        "cancer treatment work: small well-designed randomized trials or a "
        "mid-sized well-designed study.",
        "Good evidence that it improves survival, slows the cancer or helps "
        "cancer treatment work: several well-designed studies, with few that "
        "disagree.",
        "Strong evidence that it improves survival, slows the cancer or helps "
        "cancer treatment work: consistent results in several large, "
        "well-designed studies.",
    ),
    "body_terrain": (
        "No benefit to report for the body's internal conditions: too little evidence "
        "to judge, good evidence that it does not help, or evidence of harm. Its "
        "evidence level says which.",
        "Weak evidence that it improves the body's internal conditions, such as "
        "inflammation or insulin resistance: case reports, animal studies, uncontrolled "
        "studies or small effects.",
        "Preliminary evidence that it improves the body's internal conditions: small or "
        "flawed studies, or studies that conflict but mostly agree.",
        "Modest evidence that it improves the body's internal conditions: small "
        "well-designed randomized trials or a mid-sized well-designed study.",
        "Good evidence that it improves the body's internal conditions: several "
        "well-designed studies, with few that disagree.",
        "Strong evidence that it improves the body's internal conditions: consistent "
        "results in several large, well-designed studies.",
    ),
    "side_effects": (
        "No benefit to report for side effects or quality of life: too little evidence "
        "to judge, good evidence that it does not help, or evidence of harm. Its "
        "evidence level says which.",
        "Weak evidence that it eases side effects or symptoms or improves quality of "
        "life: case reports, uncontrolled studies or small effects.",
        "Preliminary evidence that it eases side effects or symptoms or improves "
        "quality of life: small or flawed studies, or studies that conflict but mostly "
        "agree.",
        "Modest evidence that it eases side effects or symptoms or improves quality of "
        "life: small well-designed randomized trials or a mid-sized well-designed "
        "study.",
        "Good evidence that it eases side effects or symptoms or improves quality of "
        "life: several well-designed studies, with few that disagree.",
        "Strong evidence that it eases side effects or symptoms or improves quality of "
        "life: consistent results in several large, well-designed studies.",
    ),
    "cancer_risk": (
        "No benefit to report for the risk of cancer or of its return: too little "
        "evidence to judge, good evidence that it does not help, or evidence of harm. "
        "Its evidence level says which.",
        "Weak evidence that it lowers the risk of cancer or of its return: laboratory "
        "and animal studies, uncontrolled studies or weak trends.",
        "Preliminary evidence that it lowers the risk of cancer or of its return: small "
        "or flawed studies, or studies that conflict but mostly agree.",
        "Modest evidence that it lowers the risk of cancer or of its return: "
        "well-designed mid-sized studies or a meta-analysis of several small ones.",
        "Good evidence that it lowers the risk of cancer or of its return: several "
        "well-designed studies, with few that disagree.",
        "Strong evidence that it lowers the risk of cancer or of its return: consistent "
        "results in several large, well-designed studies.",
    ),
    "expert_use": (
        "Not used by integrative oncology experts, or guidelines advise against it.",
        "Rarely used by integrative oncology experts, and in no published guideline or protocol.",
        "Used by some integrative oncology experts; a few published protocols include it.",
        "Used by many integrative oncology experts and in several published protocols, "
        "but not recommended in major guidelines.",
        "Recommended in at least one clinical practice guideline, or a standard part of "
        "most published integrative oncology protocols.",
        "Recommended in major clinical practice guidelines for people with cancer.",
    ),
    "safety": (
        "Should not be used: serious harm is likely.",
        "Serious risks for many people: serious side effects or dangerous interactions with "
        "cancer treatment are a real possibility.",
        "Use only with your care team's supervision: common or significant side effects, or "
        "important interactions with cancer treatment or other medicines.",
        "Generally safe with care: some side effects, cautions or interactions your care team "
        "should know about.",
        "Safe for most people: mild side effects and few cautions or interactions, easily managed.",
        "Very safe: side effects are rare and mild, with no known important interactions.",
    ),
    "access": (
        "Not available to most people: for example, only in clinical trials or not sold.",
        "Very costly, or available only in a few clinics or countries.",
        "Costly or hard to get: a specialist practitioner, a prescription that is hard to "
        "obtain, or limited supply.",
        "Moderately costly, or needs a prescription or a trained practitioner, but available "
        "in most places.",
        "Inexpensive and easy to get, perhaps with a prescription or a practitioner that is "
        "easy to find.",
        "Cheap, no prescription needed, and easy to find.",
    ),
}

# The label and definition 0002 gave the level that now means "too little to judge".
OLD_INSUFFICIENT = ("Insufficient", "No evidence of benefit, or too little to judge.")


def load(apps, schema_editor):
    """Give every level its direction and the new ones their badges, add the levels for no
    benefit and harm, and what each score means. The level that meant "insufficient" becomes
    "too little to judge" unless an editor has changed it since 0002."""
    Attribute = apps.get_model("ratings", "Attribute")  # noqa: N806 (a model class)
    EvidenceLevel = apps.get_model("ratings", "EvidenceLevel")  # noqa: N806
    ScoreMeaning = apps.get_model("ratings", "ScoreMeaning")  # noqa: N806
    for order, (code, label, badge, direction, low, high, definition) in enumerate(LEVELS, start=1):
        level = EvidenceLevel.objects.filter(code=code).first()
        if level is None:
            EvidenceLevel.objects.create(
                code=code, label=label, badge_text=badge, direction=direction, score_min=low,
                score_max=high, definition=definition, order=order,
            )  # fmt: skip
            continue
        level.direction = direction
        if (level.label, level.definition) == OLD_INSUFFICIENT:
            level.label, level.badge_text, level.definition = label, badge, definition
        level.save()
    attributes = {a.code: a for a in Attribute.objects.filter(code__in=SCORE_MEANINGS)}
    for code, meanings in SCORE_MEANINGS.items():
        if code in attributes:
            ScoreMeaning.objects.bulk_create(
                ScoreMeaning(attribute=attributes[code], score=score, meaning=meaning)
                for score, meaning in enumerate(meanings)
            )


def give_editors_score_meaning_permissions(apps, schema_editor):
    """Editors hold every permission of the content apps (``therapies.roles``): these too, so
    that they can change what a score means."""
    app_config = apps.get_app_config("ratings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")  # noqa: N806
    Permission = apps.get_model("auth", "Permission")  # noqa: N806
    editor = Group.objects.filter(name="Editor").first()
    if editor is not None:
        editor.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="ratings", content_type__model="scoremeaning"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0002_attributes_and_levels"),
        ("therapies", "0002_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="evidencelevel",
            name="badge_text",
            field=models.CharField(
                blank=True,
                help_text="How a rating with this level says it. Leave empty for the label and 'evidence' ('Preliminary evidence'); a level that is not evidence of benefit needs its own words ('Good evidence of no benefit', 'Evidence of harm').",
                max_length=80,
                verbose_name="badge",
            ),
        ),
        migrations.AddField(
            model_name="evidencelevel",
            name="direction",
            field=models.CharField(
                choices=[
                    ("benefit", "Evidence of benefit"),
                    ("too_little", "Too little evidence to judge"),
                    ("no_benefit", "Good evidence of no benefit"),
                    ("harm", "Evidence of harm"),
                ],
                default="benefit",
                help_text="Which way the evidence points. Ratings show 'no benefit' and 'harm' differently from 'too little to judge', so a negative trial never reads as an untested therapy.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="historicalevidencelevel",
            name="badge_text",
            field=models.CharField(
                blank=True,
                help_text="How a rating with this level says it. Leave empty for the label and 'evidence' ('Preliminary evidence'); a level that is not evidence of benefit needs its own words ('Good evidence of no benefit', 'Evidence of harm').",
                max_length=80,
                verbose_name="badge",
            ),
        ),
        migrations.AddField(
            model_name="historicalevidencelevel",
            name="direction",
            field=models.CharField(
                choices=[
                    ("benefit", "Evidence of benefit"),
                    ("too_little", "Too little evidence to judge"),
                    ("no_benefit", "Good evidence of no benefit"),
                    ("harm", "Evidence of harm"),
                ],
                default="benefit",
                help_text="Which way the evidence points. Ratings show 'no benefit' and 'harm' differently from 'too little to judge', so a negative trial never reads as an untested therapy.",
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="HistoricalScoreMeaning",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "score",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "0 of 5"),
                            (1, "1 of 5"),
                            (2, "2 of 5"),
                            (3, "3 of 5"),
                            (4, "4 of 5"),
                            (5, "5 of 5"),
                        ]
                    ),
                ),
                (
                    "meaning",
                    models.TextField(
                        help_text="One or two plain sentences a reader sees beside a rating with this score."
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "attribute",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ratings.attribute",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical score meaning",
                "verbose_name_plural": "historical score meanings",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ScoreMeaning",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "score",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "0 of 5"),
                            (1, "1 of 5"),
                            (2, "2 of 5"),
                            (3, "3 of 5"),
                            (4, "4 of 5"),
                            (5, "5 of 5"),
                        ]
                    ),
                ),
                (
                    "meaning",
                    models.TextField(
                        help_text="One or two plain sentences a reader sees beside a rating with this score."
                    ),
                ),
                (
                    "attribute",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="score_meanings",
                        to="ratings.attribute",
                    ),
                ),
            ],
            options={
                "ordering": ["attribute_id", "-score"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("attribute", "score"), name="one_meaning_per_attribute_score"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("score__lte", 5)), name="score_meaning_score_0_to_5"
                    ),
                ],
            },
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(give_editors_score_meaning_permissions, migrations.RunPython.noop),
    ]
