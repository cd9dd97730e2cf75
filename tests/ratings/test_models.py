"""The seven attributes, evidence levels and ratings: a rating fits its evidence level, an
evidence level only rates evidence, and "not rated yet" is never a 0."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from ratings.models import Attribute, EvidenceLevel, Rating, ScoreMeaning
from tests.factories import RatingFactory, VersionFactory, evidence_level

pytestmark = pytest.mark.django_db


def rating(code: str, score, level: str | None) -> Rating:
    return Rating(
        version=VersionFactory(),
        attribute=Attribute.objects.get(code=code),
        score=score,
        evidence_level=evidence_level(level) if level else None,
    )


def test_seven_attributes_exist_with_stable_codes():
    assert list(Attribute.objects.values_list("code", flat=True)) == [
        "treatment_outcomes", "body_terrain", "side_effects", "cancer_risk",
        "expert_use", "safety", "access",
    ]  # fmt: skip


def test_the_four_benefits_are_rated_on_evidence_the_other_three_are_not():
    on_evidence = Attribute.objects.filter(is_evidence_based=True)
    assert list(on_evidence.values_list("code", flat=True)) == [
        "treatment_outcomes", "body_terrain", "side_effects", "cancer_risk",
    ]  # fmt: skip


def test_score_above_five_is_refused_by_the_database():
    rating = RatingFactory()
    with pytest.raises(IntegrityError):
        Rating.objects.filter(pk=rating.pk).update(score=6)


def test_not_rated_is_distinct_from_zero():
    assert RatingFactory(score=None).score_text == "Not rated yet"
    assert RatingFactory(score=0, attribute=Attribute.objects.get(code="access")).score_text == (
        "0 of 5"
    )


def test_one_rating_per_attribute_per_version():
    rating = RatingFactory()
    with pytest.raises(IntegrityError):
        RatingFactory(version=rating.version, attribute=rating.attribute)


def test_a_score_outside_its_evidence_levels_range_is_refused():
    with pytest.raises(ValidationError) as refused:
        rating("treatment_outcomes", 4, "preliminary").full_clean()
    assert "Preliminary evidence means a score of 2, not 4" in str(refused.value)
    rating("treatment_outcomes", 2, "preliminary").full_clean()
    rating("treatment_outcomes", None, "preliminary").full_clean()  # not rated yet


def test_an_evidence_level_on_an_attribute_not_rated_on_evidence_is_refused():
    with pytest.raises(ValidationError, match="not rated on the strength of evidence"):
        rating("safety", 4, "good").full_clean()
    rating("safety", 4, None).full_clean()


@pytest.mark.parametrize(("low", "high"), [(4, 3), (4, 6)], ids=["upside-down", "above-five"])
def test_an_evidence_levels_scores_run_upwards_within_zero_to_five(low, high):
    level = EvidenceLevel(code="new", label="New", definition="-", score_min=low, score_max=high)
    with pytest.raises(ValidationError, match="evidence_level_score_range"):
        level.full_clean()


def test_a_0_on_evidence_says_why_with_three_levels_that_read_apart():
    zeros = EvidenceLevel.objects.filter(score_max=0).order_by("order")
    assert [(level.code, level.direction, level.badge) for level in zeros] == [
        ("insufficient", "too_little", "Too little evidence to judge"),
        ("no_benefit", "no_benefit", "Good evidence of no benefit"),
        ("harm", "harm", "Evidence of harm"),
    ]
    assert all(level.score_min == 0 for level in zeros)
    for level in EvidenceLevel.objects.filter(direction="benefit"):
        assert level.badge == f"{level.label} evidence"
    # Forms and comparisons of versions name a level as a rating says it.
    assert [str(level) for level in zeros] == [level.badge for level in zeros]


@pytest.mark.parametrize("level", ["no_benefit", "harm"])
def test_no_benefit_and_harm_mean_a_0_on_an_attribute_rated_on_evidence(level):
    rating("treatment_outcomes", 0, level).full_clean()
    badge = evidence_level(level).badge
    with pytest.raises(ValidationError, match=f"{badge} means a score of 0, not 1"):
        rating("treatment_outcomes", 1, level).full_clean()
    with pytest.raises(ValidationError, match="not rated on the strength of evidence"):
        rating("safety", 0, level).full_clean()


def test_every_attribute_has_a_meaning_for_each_score():
    for attribute in Attribute.objects.all():
        scores = attribute.score_meanings.values_list("score", flat=True)
        assert sorted(scores) == [0, 1, 2, 3, 4, 5]


def test_one_meaning_per_attribute_and_score_and_no_score_above_five():
    meaning = ScoreMeaning.objects.get(attribute__code="safety", score=5)
    with pytest.raises(IntegrityError):
        ScoreMeaning.objects.create(attribute=meaning.attribute, score=5, meaning="Again.")


def test_a_score_meaning_above_five_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        ScoreMeaning.objects.filter(attribute__code="safety", score=5).update(score=6)


def test_a_rating_means_its_attributes_meaning_of_the_score_or_its_levels_definition():
    modest = rating("treatment_outcomes", 3, "modest")
    assert modest.meaning.startswith("Modest evidence that it improves survival")
    safe = rating("safety", 5, None)
    assert safe.meaning == ScoreMeaning.objects.get(attribute__code="safety", score=5).meaning
    # A 0 on the evidence is explained by its level: no benefit is never "not tested".
    no_benefit = rating("treatment_outcomes", 0, "no_benefit")
    assert no_benefit.meaning == evidence_level("no_benefit").definition
    assert "consistently found no benefit" in no_benefit.meaning
    too_little = rating("treatment_outcomes", 0, "insufficient")
    assert "not evidence that it does not work" in too_little.meaning
    assert rating("safety", None, None).meaning == ""


def test_a_page_reads_every_ratings_meaning_in_the_same_query(django_assert_num_queries):
    version = VersionFactory()
    RatingFactory(version=version, score=2)
    RatingFactory(
        version=version,
        attribute=Attribute.objects.get(code="cancer_risk"),
        score=0,
        evidence_level=evidence_level("harm"),
    )
    with django_assert_num_queries(1):
        ratings = list(Rating.with_meaning(version.ratings.select_related("evidence_level")))
        meanings = {r.attribute_id: r.meaning for r in ratings}
    assert meanings[Attribute.objects.get(code="safety").pk].startswith("Use only with your care")
    assert meanings[Attribute.objects.get(code="cancer_risk").pk].startswith(
        "Well-designed studies found that it made things worse"
    )


def test_a_0_on_the_evidence_must_say_why():
    with pytest.raises(ValidationError, match="A 0 for evidence needs its evidence level"):
        rating("cancer_risk", 0, None).full_clean()
    rating("cancer_risk", None, None).full_clean()  # not rated yet
    rating("access", 0, None).full_clean()  # not rated on evidence
