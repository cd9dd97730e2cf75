"""The methodology page: the seven attributes, what each score means and every evidence level,
as editors keep them."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from ratings.models import Attribute, EvidenceLevel, ScoreMeaning

pytestmark = pytest.mark.django_db


def methodology(client) -> str:
    response = client.get(reverse("ratings:methodology"))
    assert response.status_code == 200
    return response.content.decode()


def test_lists_the_seven_attributes_in_order_saying_which_are_rated_on_evidence(client):
    html = methodology(client)
    shown = re.findall(r'<div id="attribute-([\w-]+)"><dt>([^<]+)</dt><dd>([^<]+)</dd>', html)
    assert [(code, label) for code, label, _ in shown] == list(
        Attribute.objects.values_list("code", "label")
    )
    on_evidence = {code for code, _, text in shown if "strength of the evidence" in text}
    assert on_evidence == set(
        Attribute.objects.filter(is_evidence_based=True).values_list("code", flat=True)
    )


def test_lists_every_evidence_level_with_its_definition_and_score(client):
    html = methodology(client)
    for level in EvidenceLevel.objects.all():
        row = re.search(rf'<tr id="level-{level.code}">(.*?)</tr>', html).group(1)
        assert f">{escape(level.badge)}</span></th>" in row
        assert f"<td>{escape(level.definition)}</td>" in row
        assert row.endswith(f"<td>{level.score_min}</td>")


def test_a_range_of_scores_and_an_editors_changes_show_at_once(client):
    methodology(client)  # cached for anonymous readers
    level = EvidenceLevel.objects.get(code="modest")
    level.label, level.score_min, level.score_max = "Moderate", 2, 3
    level.save()
    attribute = Attribute.objects.get(code="access")
    attribute.label = "Cost and access"
    attribute.save()
    html = methodology(client)
    row = re.search(r'<tr id="level-modest">(.*?)</tr>', html).group(1)
    assert ">Moderate evidence</span></th>" in row
    assert row.endswith("<td>2 to 3</td>")
    assert "<dt>Cost and access</dt>" in html


def test_shows_what_each_of_the_six_scores_means_for_every_attribute(client):
    html = methodology(client)
    for attribute in Attribute.objects.all():
        table = re.search(rf'<table[^>]* id="meanings-{attribute.code}">(.*?)</table>', html, re.S)
        assert f"<caption>{escape(attribute.label)}</caption>" in table.group(1)
        rows = re.findall(
            r'<tr><th scope="row">(\d) of 5</th><td>([^<]+)</td></tr>', table.group(1)
        )
        meanings = dict(
            ScoreMeaning.objects.filter(attribute=attribute).values_list("score", "meaning")
        )
        assert [int(score) for score, _ in rows] == [5, 4, 3, 2, 1, 0]
        assert {int(score): text for score, text in rows} == {
            score: escape(meaning) for score, meaning in meanings.items()
        }


def test_an_editors_new_meaning_shows_at_once(client):
    methodology(client)  # cached for anonymous readers
    meaning = ScoreMeaning.objects.get(attribute__code="access", score=5)
    meaning.meaning = "Costs next to nothing and sold everywhere."
    meaning.save()
    assert "Costs next to nothing and sold everywhere." in methodology(client)


def test_no_benefit_and_harm_are_defined_apart_from_too_little_evidence(client):
    html = methodology(client)
    rows = {
        code: re.search(rf'<tr id="level-{code}">(.*?)</tr>', html).group(1)
        for code in ["insufficient", "no_benefit", "harm"]
    }
    assert "Too little evidence to judge" in rows["insufficient"]
    assert "not evidence that it does not work" in rows["insufficient"]
    assert 'class="level-name level-no-benefit"' in rows["no_benefit"]
    assert "Good evidence of no benefit" in rows["no_benefit"]
    assert "consistently found no benefit" in rows["no_benefit"]
    assert 'class="level-name level-harm"' in rows["harm"]
    assert "Evidence of harm" in rows["harm"]
    assert all(row.endswith("<td>0</td>") for row in rows.values())
