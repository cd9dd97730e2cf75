"""A review shows what each rating's score means, a key to the scale near the ratings in brief,
and a 0 from good evidence of no benefit or of harm in words apart from "too little evidence"."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from ratings.models import Attribute, ScoreMeaning
from tests.factories import PublishedVersionFactory, RatingFactory, evidence_level

pytestmark = pytest.mark.django_db


def rate(version, code, score, level=None):
    return RatingFactory(
        version=version,
        attribute=Attribute.objects.get(code=code),
        score=score,
        evidence_level=evidence_level(level) if level else None,
    )


@pytest.fixture
def review_page(client):
    version = PublishedVersionFactory()
    rate(version, "treatment_outcomes", 0, "no_benefit")
    rate(version, "body_terrain", 2, "preliminary")
    rate(version, "side_effects", 0, "insufficient")
    rate(version, "cancer_risk", 0, "harm")
    rate(version, "safety", 4)

    def page():
        response = client.get(version.therapy.get_absolute_url())
        assert response.status_code == 200
        return response.content.decode()

    return page


def full_rating(html: str, code: str) -> str:
    return re.search(rf'<li class="rating-row" id="rating-{code}">(.*?)</li>', html, re.S).group(1)


def in_brief(html: str, code: str) -> str:
    return re.search(rf'<a class="summary-row" href="#rating-{code}">(.*?)</a>', html, re.S).group(
        1
    )


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_each_rating_says_what_its_score_means_for_its_attribute(review_page):
    html = review_page()
    preliminary = ScoreMeaning.objects.get(attribute__code="body_terrain", score=2).meaning
    assert f"2 of 5: {escape(preliminary)}" in words(full_rating(html, "body_terrain"))
    safe = ScoreMeaning.objects.get(attribute__code="safety", score=4).meaning
    assert f"4 of 5: {escape(safe)}" in words(full_rating(html, "safety"))
    # Not rated yet means nothing yet.
    assert "rating-meaning" not in full_rating(html, "access")


def test_no_benefit_and_harm_read_apart_from_too_little_evidence(review_page):
    html = review_page()
    no_benefit = words(full_rating(html, "treatment_outcomes"))
    too_little = words(full_rating(html, "side_effects"))
    harm = words(full_rating(html, "cancer_risk"))
    assert "0 of 5 — Good evidence of no benefit: Well-designed studies" in no_benefit
    assert "0 of 5 — Too little evidence to judge: Not yet studied in people" in too_little
    assert "not evidence that it does not work" in too_little
    assert "0 of 5 — Evidence of harm: Well-designed studies found that it made things worse" in (
        harm
    )
    assert "no benefit" not in too_little.lower()
    # The badges link to the definitions, with a mark of their own besides their words.
    assert 'class="badge level-no-benefit" href="/methodology/#level-no_benefit"><svg' in html
    assert 'class="badge level-harm" href="/methodology/#level-harm"><svg' in html


def test_the_ratings_in_brief_draw_and_say_each_direction(review_page):
    html = review_page()
    assert 'class="scale scale-no-benefit"' in in_brief(html, "treatment_outcomes")
    assert "0 of 5 , Good evidence of no benefit" in words(in_brief(html, "treatment_outcomes"))
    assert 'class="scale scale-harm"' in in_brief(html, "cancer_risk")
    assert "Evidence of harm" in words(in_brief(html, "cancer_risk"))
    assert "Too little evidence to judge" in words(in_brief(html, "side_effects"))
    assert "Preliminary evidence" in words(in_brief(html, "body_terrain"))


def test_a_key_to_the_scale_sits_with_the_ratings_in_brief_and_links_to_the_methodology(
    review_page,
):
    html = review_page()
    summary = re.search(r'<section class="rating-summary".*?</section>', html, re.S).group(0)
    key = words(re.search(r'<div class="summary-key">(.*?)</div>', summary, re.S).group(1))
    assert "0 is the lowest rating and 5 the highest" in key
    assert "not rated yet, which is not a 0" in key
    assert "Too little evidence to judge : not properly tested yet" in key
    assert "Good evidence of no benefit : tested well, and it did not help" in key
    assert "Evidence of harm : tested, and it made things worse" in key
    assert '<a href="/methodology/">How we rate</a>' in summary


def test_an_editors_new_meaning_shows_on_the_review_at_once(review_page):
    review_page()  # cached for anonymous readers
    meaning = ScoreMeaning.objects.get(attribute__code="safety", score=4)
    meaning.meaning = "Safe for nearly everyone we studied."
    meaning.save()
    assert "4 of 5: Safe for nearly everyone we studied." in words(
        full_rating(review_page(), "safety")
    )


def test_the_comparison_draws_and_says_no_benefit_and_harm_like_the_review(client):
    version = PublishedVersionFactory(therapy__slug="fish-oil")
    rate(version, "treatment_outcomes", 0, "insufficient")
    rate(version, "cancer_risk", 0, "no_benefit")
    rate(version, "body_terrain", 0, "harm")
    html = client.get(reverse("therapies:compare") + "?therapies=fish-oil").content.decode()
    assert 'class="scale scale-no-benefit"' in html
    assert 'class="scale scale-harm"' in html
    assert 'class="badge level-no-benefit" href="/methodology/#level-no_benefit"' in html
    assert ">Good evidence of no benefit</a>" in html
    assert 'class="badge level-harm" href="/methodology/#level-harm"' in html
    assert 'class="badge level-too-little"' in html
    assert ">Too little evidence to judge</a>" in html


def test_the_index_sorted_by_a_rating_draws_and_says_no_benefit(client):
    version = PublishedVersionFactory(name="Fish oil", therapy__slug="fish-oil")
    rate(version, "cancer_risk", 0, "no_benefit")
    url = reverse("therapies:list") + "?attribute=cancer_risk"
    html = client.get(url).content.decode()
    result = re.search(r'<p class="result-rating">(.*?)</p>', html, re.S).group(1)
    assert 'class="scale scale-no-benefit"' in result
    assert 'class="badge level-no-benefit" href="/methodology/#level-no_benefit"' in result
    assert "Good evidence of no benefit</a>" in result
    assert "No benefit evidence" not in html
