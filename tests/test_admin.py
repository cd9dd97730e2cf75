"""The admin: every model's list, add and change pages work; saving a review renders it."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from ratings.models import Attribute
from tests.admin_forms import formset_management, version_fields
from tests.factories import PersonFactory, ReferenceFactory, UserFactory, build_review
from therapies.workflow import start_draft

pytestmark = pytest.mark.django_db


def test_every_model_list_add_and_change_page_opens(admin_client):
    build_review()
    PersonFactory()
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        assert admin_client.get(changelist + "?q=a").status_code == 200, changelist
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        assert admin_client.get(add).status_code in {200, 403}, add
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert admin_client.get(change).status_code == 200, change


def draft_of(version):
    """An editable draft of a published review, as an editor would start one."""
    return start_draft(version.therapy, UserFactory(username="writer", is_staff=True))


def test_markdown_fields_use_the_markdownx_editor(admin_client):
    version = draft_of(build_review())
    html = admin_client.get(
        reverse("admin:therapies_reviewversion_change", args=[version.pk])
    ).content.decode()
    assert "markdownx-editor" in html
    assert "markdownx-preview" in html


def test_saving_a_review_in_the_admin_renders_its_html_and_reference_list(admin_client):
    version = draft_of(build_review())
    reference = ReferenceFactory(key="new-source")
    rating = version.ratings.get(attribute__code="safety")
    data = {
        **version_fields(version),
        "summary": "A changed summary.",
        "body": "Now citing [@new-source, p. 4].",
        "seen_revision": version.revision,
        **formset_management("ratings", 1, 1),
        "ratings-0-id": rating.pk,
        "ratings-0-version": version.pk,
        "ratings-0-attribute": Attribute.objects.get(code="safety").pk,
        "ratings-0-score": "5",
        "ratings-0-note": "",
        **formset_management("subpages", 0),
        **formset_management("findings"),
        **formset_management("credits", 0),
        **formset_management("page_references", 0),
        **formset_management("audit", 0),
    }
    url = reverse("admin:therapies_reviewversion_change", args=[version.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    version.refresh_from_db()
    assert 'href="#ref-1"' in version.body_html
    numbered = version.page_references.filter(subpage=None).order_by("number")
    # The body now cites the new source first; the untouched rating note still cites its own.
    assert [row.number for row in numbered] == [1, 2]
    assert numbered[0].reference == reference
    assert version.ratings.get(attribute__code="safety").score == 5


def test_a_review_citing_an_unknown_reference_is_refused_with_its_name(admin_client):
    version = draft_of(build_review())
    url = reverse("admin:therapies_reviewversion_change", args=[version.pk])
    data = {
        **version_fields(version),
        "summary": "x",
        "body": "See [@does-not-exist].",
        "seen_revision": version.revision,
        **formset_management("ratings", 0),
        **formset_management("subpages", 0),
        **formset_management("findings"),
        **formset_management("credits", 0),
        **formset_management("page_references", 0),
        **formset_management("audit", 0),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Not found: @does-not-exist" in response.content.decode()
    version.refresh_from_db()
    assert "does-not-exist" not in version.body


def save_one_rating(client, version, rating, **changes):
    """Post the version's change form with one rating's fields, ``changes`` applied (score,
    evidence_level, note); the rest of the version as it is."""
    fields = {
        "attribute": rating.attribute_id,
        "score": rating.score,
        "evidence_level": rating.evidence_level_id or "",
        "note": rating.note,
        **changes,
    }
    data = {
        **version_fields(version),
        "summary": version.summary,
        "body": version.body,
        "seen_revision": version.revision,
        **formset_management("ratings", 1, 1),
        "ratings-0-id": rating.pk,
        "ratings-0-version": version.pk,
        **{f"ratings-0-{name}": value for name, value in fields.items()},
        **formset_management("subpages", 0),
        **formset_management("findings"),
        **formset_management("credits", 0),
        **formset_management("page_references", 0),
        **formset_management("audit", 0),
    }
    return client.post(reverse("admin:therapies_reviewversion_change", args=[version.pk]), data)


def test_a_rating_note_citing_an_unknown_reference_is_refused_with_its_name(admin_client):
    version = draft_of(build_review())
    rating = version.ratings.get(attribute__code="safety")
    response = save_one_rating(admin_client, version, rating, note="- Mild [@no-such-trial]")
    assert response.status_code == 200
    assert "Not found: @no-such-trial" in response.content.decode()
    rating.refresh_from_db()
    assert "no-such-trial" not in rating.note


def test_a_biography_citing_an_unknown_reference_is_refused_and_a_known_one_rendered(
    admin_client,
):
    person = PersonFactory(bio="Writes reviews.")
    ReferenceFactory(key="her-thesis", title="A thesis on sleep")
    url = reverse("admin:people_person_change", args=[person.pk])
    fields = {
        "name": person.name,
        "slug": person.slug,
        "credentials": person.credentials,
        "role_title": person.role_title,
        "short_bio": person.short_bio,
    }
    response = admin_client.post(url, {**fields, "bio": "Wrote [@no-such-thesis]."})
    assert response.status_code == 200
    assert "Not found: @no-such-thesis" in response.content.decode()
    response = admin_client.post(url, {**fields, "bio": "Wrote [@her-thesis]."})
    assert response.status_code == 302
    person.refresh_from_db()
    assert "A thesis on sleep" in person.bio_html


def test_markdown_preview_is_for_signed_in_staff_only(admin_client):
    url = reverse("markdownx_markdownify")
    anonymous = Client()
    assert anonymous.post(url, {"content": "hi"}).status_code == 302  # to the admin login
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url, {"content": "**hi** <script>x</script>"})
    assert response.status_code == 200
    assert "<strong>hi</strong>" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_a_rating_that_does_not_fit_its_evidence_is_refused_in_the_admin(admin_client):
    version = draft_of(build_review())
    rating = version.ratings.get(attribute__code="treatment_outcomes")
    # Its evidence is preliminary: a score of 2.
    response = save_one_rating(admin_client, version, rating, score="5")
    assert response.status_code == 200
    assert "Preliminary evidence means a score of 2, not 5" in response.content.decode()
    assert version.ratings.get(pk=rating.pk).score == 2
