"""A rating fits its evidence level, and an evidence level only rates evidence."""

import pytest
from django.core.exceptions import ValidationError

from ratings.models import Attribute, Rating
from tests.factories import VersionFactory, evidence_level

pytestmark = pytest.mark.django_db


def rating(code: str, score, level: str | None) -> Rating:
    return Rating(
        version=VersionFactory(),
        attribute=Attribute.objects.get(code=code),
        score=score,
        evidence_level=evidence_level(level) if level else None,
    )


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
