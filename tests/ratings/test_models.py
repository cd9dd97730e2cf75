"""The seven attributes, evidence levels and ratings: a rating fits its evidence level, an
evidence level only rates evidence, and "not rated yet" is never a 0."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from ratings.models import Attribute, EvidenceLevel, Rating
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
