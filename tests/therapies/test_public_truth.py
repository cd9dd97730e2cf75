"""The public page is always the approved content, composed from current data.

Each test is a case a reader or an editor hit before: a page that drifted from its data, or a
shared record that reached the public without a consultant's approval.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from ratings.models import Attribute, Rating
from tests.admin_forms import formset_management, signed_in, version_fields
from tests.factories import (
    CategoryFactory,
    PersonFactory,
    build_review,
    publish_new_version,
    role_user,
)
from therapies.models import GlossaryTerm, Reference, ReviewVersion, SharedChange
from therapies.workflow import (
    WorkflowError,
    approve_version,
    publish_version,
    start_draft,
    submit_version,
    withdraw_version,
)

pytestmark = pytest.mark.django_db
State = ReviewVersion.State


def page(url) -> str:
    return Client().get(url).content.decode()


def change_url(record) -> str:
    return reverse(f"admin:therapies_{record._meta.model_name}_change", args=[record.pk])


def reference_form(reference: Reference, **changes) -> dict:
    fields = [
        "key", "kind", "authors", "title", "container", "place", "year", "volume", "issue",
        "pages", "doi", "pmid", "url", "viewed_on",
    ]  # fmt: skip
    data = {name: getattr(reference, name) or "" for name in fields}
    return {**data, **changes}


def therapy_form(version: ReviewVersion, slug: str) -> dict:
    """The therapy's change form, with the read-only list of its (one) version."""
    return {"slug": slug, **formset_management("versions", 1, 1), "versions-0-id": version.pk}


def glossary_form(record: GlossaryTerm, **changes) -> dict:
    fields = ["term", "slug", "variants", "short_definition", "definition"]
    return {**{name: getattr(record, name) for name in fields}, **changes}


# 1. Pages are composed from current data.


def test_a_changed_slug_moves_every_link_and_old_addresses_redirect(client):
    version = build_review()
    old = version.therapy.get_absolute_url()
    editor = signed_in(role_user("Editor"))
    response = editor.post(change_url(version.therapy), therapy_form(version, slug="ldn"))
    assert response.status_code == 302, response.content.decode()[:3000]
    html = client.get("/therapies/ldn/").content.decode()
    assert "/therapies/ldn/safety/" in html
    assert old not in html
    assert client.get("/therapies/ldn/safety/").status_code == 200
    for path in ["", "safety/", "changes/", "feed/"]:
        response = client.get(old + path)
        assert response.status_code == 301, path
        assert response["Location"] == "/therapies/ldn/" + path


def test_researchers_cannot_change_a_slug():
    version = build_review()
    researcher = signed_in(role_user("Researcher"))
    researcher.post(change_url(version.therapy), therapy_form(version, slug="renamed"))
    version.therapy.refresh_from_db()
    assert version.therapy.slug != "renamed"


def test_a_renamed_category_shows_on_the_review_and_the_index_alike(client):
    version = build_review()
    category = version.category
    category.name = "Repurposed drugs"
    category.save()
    assert "Repurposed drugs" in page(version.therapy.get_absolute_url())
    assert "Repurposed drugs" in page(reverse("therapies:list"))


def test_the_sample_flag_is_approved_with_the_version_and_shows_on_every_page(client):
    version = build_review()
    safety = reverse("therapies:subpage", args=[version.therapy.slug, "safety"])
    assert "Sample content." not in page(version.therapy.get_absolute_url())
    publish_new_version(version, is_sample="on")
    assert "Sample content." in page(version.therapy.get_absolute_url())
    assert "Sample content." in page(safety)


def test_a_summary_saved_outside_the_admin_shows_under_the_title(client):
    version = build_review()
    ReviewVersion.objects.filter(pk=version.pk).update(summary="Changed by a script.")
    assert '<p class="dek">Changed by a script.</p>' in page(version.therapy.get_absolute_url())


# 2. A consistency check that can fail.


def test_the_consistency_check_names_a_stale_fragment(capsys):
    version = build_review()
    call_command("check_fragments")
    Rating.objects.filter(version=version).update(note_html="<p>stale</p>")
    with pytest.raises(CommandError, match="differ from a fresh render"):
        call_command("check_fragments")
    assert "the evidence note of rating" in capsys.readouterr().out
    call_command("check_fragments", "--repair")
    call_command("check_fragments")


def test_the_consistency_check_names_a_stale_part_of_the_cautions(capsys):
    version = build_review()
    ReviewVersion.objects.filter(pk=version.pk).update(cautions_interactions_html="<p>old</p>")
    with pytest.raises(CommandError, match="differ from a fresh render"):
        call_command("check_fragments")
    assert "the cautions' 'interactions' text" in capsys.readouterr().out
    call_command("check_fragments", "--repair")
    call_command("check_fragments")


# 3. Nothing a reader sees changes without the approval it needs.


def cited_reference(version) -> Reference:
    return version.page_references.filter(subpage=None).first().reference


def test_a_cited_reference_changes_for_readers_only_once_a_consultant_approves(client, jobs):
    version = build_review()
    url = version.therapy.get_absolute_url()
    reference = cited_reference(version)
    researcher = role_user("Researcher")
    form = reference_form(reference, title="LDN cures cancer-related fatigue")
    response = signed_in(researcher).post(change_url(reference), form)
    assert response.status_code == 302
    jobs()
    assert "LDN cures cancer-related fatigue" not in page(url)
    change = SharedChange.objects.get(reference=reference, state="pending")
    assert change.proposed_by == researcher

    # Nobody approves their own change, and only consultants approve at all.
    decide = reverse("admin:therapies_sharedchange_decide", args=[change.pk])
    approve = {"decision": "approve", "seen": change.digest}
    signed_in(researcher).post(decide, approve)
    signed_in(role_user("Editor")).post(decide, approve)
    assert SharedChange.objects.get(pk=change.pk).state == "pending"

    consultant = signed_in(role_user("Clinical consultant"))
    dashboard = consultant.get(reverse("admin:index")).content.decode()
    assert "waiting for approval" in dashboard
    assert str(reference) in dashboard
    assert consultant.post(decide, approve).status_code == 302
    change.refresh_from_db()
    assert change.state == "approved"
    jobs()
    html = page(url)
    # Cited in the text and in a rating note (two tooltips), in the reference list and in the
    # JSON-LD's citations.
    assert html.count("LDN cures cancer-related fatigue") == 4
    call_command("check_fragments")


def test_an_approval_covers_exactly_the_proposal_it_was_shown(jobs):
    version = build_review()
    reference = cited_reference(version)
    researcher = signed_in(role_user("Researcher"))
    researcher.post(change_url(reference), reference_form(reference, title="First wording"))
    change = SharedChange.objects.get(reference=reference, state="pending")
    seen = change.digest
    researcher.post(change_url(reference), reference_form(reference, title="Second wording"))
    decide = reverse("admin:therapies_sharedchange_decide", args=[change.pk])
    signed_in(role_user("Clinical consultant")).post(decide, {"decision": "approve", "seen": seen})
    reference.refresh_from_db()
    assert reference.title not in {"First wording", "Second wording"}
    assert SharedChange.objects.get(pk=change.pk).state == "pending"


def test_a_reference_changed_after_approval_voids_the_approval():
    version = build_review()
    researcher, consultant = role_user("Researcher"), role_user("Clinical consultant")
    draft = start_draft(version.therapy, researcher)
    submit_version(version=draft, by=researcher, change_kind="update", change_summary="Newer.")
    approve_version(version=draft, by=consultant)
    # Once no published review cites the reference, a change to it is saved at once; the
    # approved draft still cites it, so its approval no longer covers what it would publish.
    reference = cited_reference(draft)
    ReviewVersion.objects.filter(pk=version.pk).update(state=State.SUPERSEDED)
    assert not SharedChange.objects.exists()
    signed_in(researcher).post(change_url(reference), reference_form(reference, title="Edited"))
    reference.refresh_from_db()
    assert reference.title == "Edited"  # no published review cites it: saved at once
    with pytest.raises(WorkflowError, match="changed after it was approved"):
        publish_version(version=draft, by=consultant)
    draft.refresh_from_db()
    assert draft.state == State.IN_REVIEW


def test_keys_and_slugs_in_use_cannot_be_renamed():
    version = build_review()
    reference = cited_reference(version)
    researcher = signed_in(role_user("Researcher"))
    response = researcher.post(change_url(reference), reference_form(reference, key="renamed"))
    assert "its key cannot change" in response.content.decode()
    term = GlossaryTerm.objects.get(slug="case-study")
    editor = signed_in(role_user("Editor"))
    response = editor.post(change_url(term), glossary_form(term, slug="case-report"))
    assert "cannot change" in response.content.decode()
    response = editor.post(change_url(term), glossary_form(term, term="case report"))
    assert "Reviews mark this term as" not in response.content.decode()  # marked by slug
    reference.refresh_from_db()
    assert reference.key != "renamed"


def test_a_glossary_definition_marked_by_live_pages_waits_for_approval(jobs):
    version = build_review()
    term = GlossaryTerm.objects.get(slug="case-study")
    editor = signed_in(role_user("Editor"))
    editor.post(change_url(term), glossary_form(term, short_definition="A miracle cure story."))
    jobs()
    assert "A miracle cure story." not in page(version.therapy.get_absolute_url())
    assert "A miracle cure story." not in page(reverse("therapies:glossary"))
    change = SharedChange.objects.get(glossary_term=term)
    decide = reverse("admin:therapies_sharedchange_decide", args=[change.pk])
    signed_in(role_user("Clinical consultant")).post(
        decide, {"decision": "approve", "seen": change.digest}
    )
    jobs()
    assert "A miracle cure story." in page(version.therapy.get_absolute_url())


def test_a_version_with_an_unresolved_citation_is_never_published():
    version = build_review()
    researcher = role_user("Researcher")
    draft = start_draft(version.therapy, researcher)
    ReviewVersion.objects.filter(pk=draft.pk).update(body="See [@nowhere].")
    draft.refresh_from_db()
    with pytest.raises(WorkflowError, match="@nowhere"):
        submit_version(version=draft, by=researcher, change_kind="update", change_summary="x")


def test_the_therapy_name_is_approved_with_the_version(client):
    version = build_review()
    researcher = role_user("Researcher")
    draft = start_draft(version.therapy, researcher)
    form = {
        **version_fields(draft),
        "name": "Renamed in a draft",
        "summary": draft.summary,
        "body": draft.body,
        "seen_revision": draft.revision,
        **formset_management("ratings", 0),
        **formset_management("subpages", 0),
        **formset_management("findings"),
        **formset_management("credits", 0),
        **formset_management("page_references", 0),
        **formset_management("audit", 0),
    }
    response = signed_in(researcher).post(change_url(draft), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ReviewVersion.objects.get(pk=draft.pk).name == "Renamed in a draft"
    assert "Renamed in a draft" not in page(version.therapy.get_absolute_url())
    assert "Renamed in a draft" not in page(reverse("therapies:list"))


# 4. Clinical approval comes from a clinical consultant.


def test_only_a_consultant_approves_and_the_page_names_them_with_credentials(client):
    version = build_review()
    researcher, editor = role_user("Researcher"), role_user("Editor")
    consultant = role_user("Clinical consultant")
    PersonFactory(name="Dana Check", credentials="MSN, RN", user=consultant)
    draft = start_draft(version.therapy, researcher)
    submit_version(version=draft, by=researcher, change_kind="update", change_summary="Newer.")
    with pytest.raises(WorkflowError, match="Only a clinical consultant"):
        approve_version(version=draft, by=editor)
    approve_version(version=draft, by=consultant)
    publish_version(version=draft, by=editor)  # editors may publish approved content
    html = page(version.therapy.get_absolute_url())
    assert "Clinically reviewed by" in html
    assert "Dana Check, MSN, RN" in html


# 5. Work leaves the request.


def test_approving_a_shared_change_renders_nothing_in_the_request(monkeypatch, jobs):
    versions = [build_review(name=f"Therapy {n}") for n in range(3)]
    reference = cited_reference(versions[0])
    for version in versions[1:]:
        publish_new_version(version, body=f"{version.body} [@{reference.key}]")
    signed_in(role_user("Researcher")).post(
        change_url(reference), reference_form(reference, title="Better title")
    )
    change = SharedChange.objects.get(reference=reference)
    rendered = []
    monkeypatch.setattr("therapies.rendering.fresh_fragments", lambda v: rendered.append(v))
    decide = reverse("admin:therapies_sharedchange_decide", args=[change.pk])
    signed_in(role_user("Clinical consultant")).post(
        decide, {"decision": "approve", "seen": change.digest}
    )
    assert rendered == []  # the worker's job, not the request's
    monkeypatch.undo()
    assert jobs() >= 1
    for version in versions:
        assert "Better title" in page(version.therapy.get_absolute_url())


def test_saving_an_attribute_renders_no_review():
    build_review()
    editor = signed_in(role_user("Editor"))
    attribute = Attribute.objects.get(code="safety")
    url = reverse("admin:ratings_attribute_change", args=[attribute.pk])
    data = {
        "label": "Safety first",
        "short_label": attribute.short_label,
        "rated_on": attribute.rated_on,
        "is_evidence_based": "",
        "order": attribute.order,
        **formset_management("score_meanings"),  # what each score means, left as it is
    }
    assert editor.post(url, data).status_code == 302
    assert "Safety first" in page(ReviewVersion.objects.get().therapy.get_absolute_url())


# 7. Line endings.


def test_text_typed_in_the_browser_is_stored_with_lf_line_endings():
    category = CategoryFactory(description="one\r\ntwo\rthree")
    category.refresh_from_db()
    assert category.description == "one\ntwo\nthree"
    version = build_review()
    version.body = "First paragraph.\r\n\r\nSecond."
    version.save()
    version.refresh_from_db()
    assert version.body == "First paragraph.\n\nSecond."


def test_a_proposer_reopening_the_record_edits_their_proposal_not_the_approved_text():
    version = build_review()
    reference = cited_reference(version)
    researcher = signed_in(role_user("Researcher"))
    researcher.post(change_url(reference), reference_form(reference, title="Proposed wording"))
    assert 'value="Proposed wording"' in researcher.get(change_url(reference)).content.decode()
    other = signed_in(role_user("Researcher"))
    assert 'value="Proposed wording"' not in other.get(change_url(reference)).content.decode()
    response = other.post(change_url(reference), reference_form(reference, title="Mine"))
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("already proposed a change" in m for m in messages)
    assert SharedChange.objects.get().values["title"] == "Proposed wording"


def test_a_withdrawn_review_answers_410_with_the_date_and_reason_and_keeps_its_history():
    version = build_review()
    consultant = role_user("Clinical consultant")
    withdraw_version(version=version, by=consultant, comment="A safety signal is being checked.")
    reader = Client()
    for url in [
        version.therapy.get_absolute_url(),
        reverse("therapies:subpage", args=[version.therapy.slug, "safety"]),
    ]:
        response = reader.get(url)
        assert response.status_code == 410, url
        html = response.content.decode()
        assert "We withdrew this review on" in html
        assert "A safety signal is being checked." in html
        assert version.summary not in html
    changes = reader.get(reverse("therapies:changes", args=[version.therapy.slug]))
    assert changes.status_code == 200
    assert "Withdrawn from the site" in changes.content.decode()

    republished = publish_new_version(ReviewVersion.objects.get(pk=version.pk), summary="Back.")
    assert reader.get(version.therapy.get_absolute_url()).status_code == 200
    history = reader.get(reverse("therapies:changes", args=[version.therapy.slug]))
    html = history.content.decode()
    assert "Withdrawn from the site" in html  # the whole public history, the withdrawal too
    assert republished.change_summary in html
