"""The methodology page: the seven attributes and every evidence level, as editors keep them."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from ratings.models import Attribute, EvidenceLevel

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
        assert f'<th scope="row">{escape(level.label)}</th>' in row
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
    assert '<th scope="row">Moderate</th>' in row
    assert row.endswith("<td>2 to 3</td>")
    assert "<dt>Cost and access</dt>" in html
