"""The five-segment scale every rating is shown with: "Not rated yet" never looks like a 0."""

import re

import pytest
from django.template import Context, Template

from ratings.models import Rating
from ratings.scale import badge_html, scale_html


def lit_segments(html: str) -> int:
    return len(re.findall(r'<span class="seg on">', html))


@pytest.mark.parametrize("score", range(6))
def test_a_score_lights_as_many_of_the_five_segments_and_says_it_in_words(score):
    html = scale_html(score)
    assert html.count('class="seg') == 5
    assert lit_segments(html) == score
    assert f'<span class="score-text">{score} of 5</span>' in html


def test_not_rated_yet_is_drawn_and_said_differently_from_zero():
    unrated, zero = scale_html(None), scale_html(0)
    assert unrated != zero
    assert 'class="scale scale-unrated"' in unrated
    assert '<span class="score-text unrated">Not rated yet</span>' in unrated
    assert "of 5" not in unrated
    assert "scale-unrated" not in zero


def test_the_template_filter_shows_a_rating_or_its_absence():
    template = Template("{% load ratings %}{{ rating|rating_scale }}")
    assert template.render(Context({"rating": Rating(score=4)})) == scale_html(4)
    assert template.render(Context({"rating": Rating(score=None)})) == scale_html(None)
    assert template.render(Context({"rating": None})) == scale_html(None)


def test_no_benefit_is_struck_through_and_harm_drawn_as_a_warning_unlike_too_little():
    plain, too_little = scale_html(0), scale_html(0, "too_little")
    no_benefit, harm = scale_html(0, "no_benefit"), scale_html(0, "harm")
    assert 'class="scale scale-too-little"' in too_little
    assert 'class="scale scale-no-benefit"' in no_benefit
    assert 'class="scale scale-harm"' in harm
    assert len({plain, too_little, no_benefit, harm}) == 4
    assert scale_html(3, "benefit") == scale_html(3)
    assert scale_html(3, "nonsense") == scale_html(3)


@pytest.mark.parametrize(
    ("direction", "words", "css"),
    [
        ("too_little", "Too little evidence to judge", "level-too-little"),
        ("no_benefit", "Good evidence of no benefit", "level-no-benefit"),
        ("harm", "Evidence of harm", "level-harm"),
    ],
)
def test_a_badge_says_which_way_the_evidence_points_in_words_and_with_an_icon(
    direction, words, css
):
    html = badge_html("code", words, direction, href="/methodology/")
    assert html.startswith(f'<a class="badge {css}" href="/methodology/#level-code"><svg')
    assert html.endswith(f"</svg>{words}</a>")
    assert 'aria-hidden="true"' in html
    plain = badge_html("modest", "Modest evidence", "benefit")
    assert plain == '<span class="badge">Modest evidence</span>'


def test_a_badges_words_are_escaped():
    assert "&lt;b&gt;" in badge_html("x", "<b>", "harm")


@pytest.mark.django_db
def test_the_template_tags_draw_a_rating_by_its_evidence_level():
    from tests.factories import evidence_level

    harm = evidence_level("harm")
    rating = Rating(score=0, evidence_level=harm)
    template = Template(
        "{% load ratings %}{{ rating|rating_scale }}"
        "{% evidence_badge rating.evidence_level '/m/' %}{% evidence_badge None %}"
    )
    html = template.render(Context({"rating": rating}))
    assert html == scale_html(0, "harm") + badge_html("harm", harm.badge, "harm", "/m/")
