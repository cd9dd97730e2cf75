"""Editors keep what each score means in the admin, on each attribute's page, with history."""

import pytest
from django.urls import reverse

from ratings.models import Attribute, EvidenceLevel, ScoreMeaning
from tests.admin_forms import formset_management, signed_in
from tests.factories import role_user

pytestmark = pytest.mark.django_db


def attribute_form(attribute: Attribute, changes: dict[int, str]) -> dict:
    """The attribute's change form as posted, with the meanings of some scores changed."""
    meanings = list(attribute.score_meanings.all())
    data = {
        "label": attribute.label,
        "short_label": attribute.short_label,
        "rated_on": attribute.rated_on,
        "order": attribute.order,
        **({"is_evidence_based": "on"} if attribute.is_evidence_based else {}),
        **formset_management("score_meanings", total=len(meanings), initial=len(meanings)),
    }
    for n, meaning in enumerate(meanings):
        data |= {
            f"score_meanings-{n}-id": meaning.pk,
            f"score_meanings-{n}-attribute": attribute.pk,
            f"score_meanings-{n}-score": meaning.score,
            f"score_meanings-{n}-meaning": changes.get(meaning.score, meaning.meaning),
        }
    return data


def test_an_editor_changes_what_a_score_means_on_the_attributes_page():
    editor = signed_in(role_user("Editor"))
    attribute = Attribute.objects.get(code="access")
    url = reverse("admin:ratings_attribute_change", args=[attribute.pk])
    page = editor.get(url).content.decode()
    assert "Cheap, no prescription needed, and easy to find." in page
    assert page.count('name="score_meanings-') >= 6 * 3

    response = editor.post(url, attribute_form(attribute, {5: "Costs next to nothing."}))
    assert response.status_code == 302, response.content.decode()[:2000]
    meaning = ScoreMeaning.objects.get(attribute=attribute, score=5)
    assert meaning.meaning == "Costs next to nothing."
    change = meaning.history.first()
    assert (change.meaning, change.history_user.groups.get().name) == (
        "Costs next to nothing.",
        "Editor",
    )


def test_two_meanings_for_one_score_are_refused():
    editor = signed_in(role_user("Editor"))
    attribute = Attribute.objects.get(code="access")
    data = attribute_form(attribute, {})
    data["score_meanings-1-score"] = data["score_meanings-0-score"]
    url = reverse("admin:ratings_attribute_change", args=[attribute.pk])
    response = editor.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the duplicate data for score" in html


def test_an_editor_may_set_a_levels_direction_and_badge():
    editor = signed_in(role_user("Editor"))
    level = EvidenceLevel.objects.get(code="harm")
    page = editor.get(reverse("admin:ratings_evidencelevel_change", args=[level.pk]))
    html = page.content.decode()
    assert '<option value="harm" selected>Evidence of harm</option>' in html
    assert 'name="badge_text"' in html


def test_a_level_that_is_not_evidence_of_benefit_needs_its_own_words():
    editor = signed_in(role_user("Editor"))
    level = EvidenceLevel.objects.get(code="harm")
    data = {
        "code": level.code, "label": level.label, "badge_text": "", "direction": "harm",
        "definition": level.definition, "score_min": 0, "score_max": 0, "order": level.order,
    }  # fmt: skip
    url = reverse("admin:ratings_evidencelevel_change", args=[level.pk])
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "would read as evidence of a benefit" in response.content.decode()
    assert editor.post(url, data | {"badge_text": "Evidence it harms"}).status_code == 302
    level.refresh_from_db()
    assert level.badge == "Evidence it harms"


def test_a_new_attribute_starts_with_a_row_per_score_and_no_meaning_is_deleted():
    editor = signed_in(role_user("Editor"))
    add = editor.get(reverse("admin:ratings_attribute_add")).content.decode()
    assert 'name="score_meanings-TOTAL_FORMS" value="6"' in add
    attribute = Attribute.objects.get(code="access")
    change = editor.get(reverse("admin:ratings_attribute_change", args=[attribute.pk]))
    assert "score_meanings-0-DELETE" not in change.content.decode()
