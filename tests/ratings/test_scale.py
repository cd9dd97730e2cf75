"""The five-segment scale every rating is shown with: "Not rated yet" never looks like a 0."""

import re

import pytest
from django.template import Context, Template

from ratings.models import Rating
from ratings.scale import scale_html


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
