"""A version's change form never loses work: the save bar's steps save first, a save after the
version moved on shows the form again with the person's text, and a stale form is shown what
changed anywhere in the version. Its jump list leads to every part."""

import re

import pytest
from django.urls import reverse

from people.models import Credit
from ratings.models import Attribute
from tests.admin_forms import formset_management, signed_in, version_fields
from tests.factories import (
    CancerTypeFactory,
    CreditFactory,
    PersonFactory,
    RatingFactory,
    SubPageFactory,
    build_review,
    evidence_level,
    role_user,
)
from therapies.models import ReviewVersion, SubPage
from therapies.workflow import approve_version, start_draft, submit_version

pytestmark = pytest.mark.django_db


def change_url(version) -> str:
    return reverse("admin:therapies_reviewversion_change", args=[version.pk])


FINDING_FIELDS = [
    "attribute", "cancer_type", "direction", "evidence_level", "outcome", "population",
    "combined_with", "detail", "sources", "order",
]  # fmt: skip


def form_post(version, **changes) -> dict:
    """The change form as the admin posts it, every rating, sub-page, finding and credit included;
    ``changes`` are posted field names and values."""
    data = {
        **version_fields(version),
        "summary": version.summary,
        "body": version.body,
        "seen_revision": version.revision,
        **formset_management("page_references"),
        **formset_management("audit"),
    }
    children = {
        "ratings": (version.ratings.all(), ["attribute", "score", "evidence_level", "note"]),
        "subpages": (version.subpages.all(), ["kind", "title", "body"]),
        "findings": (version.findings.all(), FINDING_FIELDS),
        "credits": (version.credits.all(), ["person", "role", "order"]),
    }
    for prefix, (rows, fields) in children.items():
        rows = list(rows)
        data.update(formset_management(prefix, len(rows), len(rows)))
        for index, row in enumerate(rows):
            data[f"{prefix}-{index}-id"] = row.pk
            data[f"{prefix}-{index}-version"] = version.pk
            for name in fields:
                value = getattr(row, row._meta.get_field(name).attname)
                data[f"{prefix}-{index}-{name}"] = "" if value is None else value
    return {**data, **changes}


def row_index(version, prefix, **lookup) -> int:
    rows = {"ratings": version.ratings, "subpages": version.subpages}[prefix].all()
    return [row.pk for row in rows].index(rows.get(**lookup).pk)


def jump_list(html: str) -> str:
    start = html.index('id="version-parts"')
    return html[start : html.index("</nav>", start)]


@pytest.fixture
def draft():
    live = build_review()
    author = role_user("Researcher", username="rita")
    return start_draft(live.therapy, author)


def test_save_and_submit_saves_the_edits_then_opens_the_submit_screen(draft):
    client = signed_in(draft.created_by)
    page = client.get(change_url(draft)).content.decode()
    assert "Save and submit for review" in page
    response = client.post(
        change_url(draft), form_post(draft, summary="Edited before submitting.", _step="submit")
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:therapies_reviewversion_step", args=[draft.pk, "submit"])
    draft.refresh_from_db()
    assert draft.summary == "Edited before submitting."
    assert draft.state == ReviewVersion.State.DRAFT  # the step itself waits for its screen
    screen = client.get(response.url).content.decode()
    assert "Your changes were saved." in screen


def test_save_and_preview_saves_the_edits_then_shows_the_preview(draft):
    client = signed_in(draft.created_by)
    response = client.post(
        change_url(draft), form_post(draft, summary="Seen in the preview.", _preview="1")
    )
    assert response.url == reverse("admin:therapies_reviewversion_preview", args=[draft.pk])
    assert "Seen in the preview." in client.get(response.url).content.decode()


def test_a_save_after_someone_submitted_shows_the_form_again_with_the_own_text(draft):
    colleague = role_user("Researcher", username="sam")
    form = form_post(draft)  # sam opens the form
    submit_version(
        version=draft, by=draft.created_by, change_kind="update", change_summary="Ready."
    )
    safety = row_index(draft, "ratings", attribute__code="safety")
    form.update({"summary": "Sam's new summary.", f"ratings-{safety}-note": "Sam's new note."})
    response = signed_in(colleague).post(change_url(draft), form)
    assert response.status_code == 200  # not a bare 403
    html = response.content.decode()
    assert "moved on after you opened it: submitted for review by rita on" in html
    assert "It is in review now" in html
    assert "Your changes were not saved" in html
    assert "Sam&#x27;s new summary." in html  # still in the fields, to copy
    assert "Sam&#x27;s new note." in html
    assert 'name="_save"' not in html  # nothing to save now
    assert "only its state changed" in html
    draft.refresh_from_db()
    assert draft.summary != "Sam's new summary."
    assert draft.state == ReviewVersion.State.IN_REVIEW


def test_a_save_after_someone_approved_says_who_approved_it(draft):
    colleague = role_user("Researcher", username="sam")
    form = form_post(draft)  # sam opens the form
    submit_version(
        version=draft, by=draft.created_by, change_kind="update", change_summary="Ready."
    )
    approve_version(version=draft, by=role_user("Clinical consultant", username="carl"))
    response = signed_in(colleague).post(change_url(draft), {**form, "summary": "Too late."})
    html = response.content.decode()
    assert response.status_code == 200
    assert "moved on after you opened it: approved by carl on" in html
    assert "It is approved now" in html
    assert "Too late." in html
    draft.refresh_from_db()
    assert draft.summary != "Too late."


def test_a_stale_form_is_shown_every_part_of_the_version_that_changed(draft):
    colleague = role_user("Researcher", username="sam")
    opened = form_post(draft)  # sam opens the form
    # rita saves changes to every part of the version, as the admin would.
    rita = signed_in(draft.created_by)
    safety = row_index(draft, "ratings", attribute__code="safety")
    outcomes = row_index(draft, "ratings", attribute__code="treatment_outcomes")
    page = row_index(draft, "subpages", kind=SubPage.Kind.SAFETY)
    credits = draft.credits.count()
    person = PersonFactory(name="Dana Newcredit")
    cancer = CancerTypeFactory(name="Melanoma")
    changes = {
        "name": "Naltrexone, low dose",
        "cancer_types": [*version_fields(draft)["cancer_types"], str(cancer.pk)],
        f"ratings-{safety}-score": "3",
        f"ratings-{safety}-note": "Rita's safety note.",
        f"ratings-{outcomes}-score": "3",
        f"ratings-{outcomes}-evidence_level": evidence_level("modest").pk,
        f"subpages-{page}-body": "Rita's safety page.",
        **formset_management("credits", credits + 1, credits),
        f"credits-{credits}-person": person.pk,
        f"credits-{credits}-role": Credit.Role.CLINICAL_REVIEWER,
        f"credits-{credits}-order": "9",
    }
    response = rita.post(change_url(draft), {**form_post(draft), **changes})
    assert response.status_code == 302, re.findall(r"errorlist.*?</ul>", response.content.decode())

    opened["summary"] = "Sam's summary."
    response = signed_in(colleague).post(change_url(draft), opened)
    assert response.status_code == 200
    html = response.content.decode()
    assert "rita saved this version after you opened it" in html
    stale = html[html.index("What changed since you opened this page") :]
    stale = stale[: stale.index("</table>")]
    for shown in [
        '<th scope="row">Name</th>', "Melanoma", "Rating: Safety", "Score",
        "Rita&#x27;s safety note.",
        "Rating: Improving treatment outcomes", "Modest", "Page: Safety and precautions",
        "Rita&#x27;s safety page.", "Dana Newcredit",
    ]:  # fmt: skip
        assert shown in stale, shown
    assert "Summary" not in stale  # sam's own edit is not what changed meanwhile
    assert "Sam&#x27;s summary." in html
    assert 'name="_save"' not in html  # saving it again would be refused again
    assert "Open the version as it is now in a new tab" in html
    draft.refresh_from_db()
    assert draft.name == "Naltrexone, low dose"


def test_the_jump_list_leads_to_every_rating_and_sub_page_and_marks_errors():
    live = build_review()
    version = live
    for attribute in Attribute.objects.exclude(ratings__version=version):
        RatingFactory(version=version, attribute=attribute, score=2)
    for kind in SubPage.Kind.values:
        if not version.subpages.filter(kind=kind).exists():
            SubPageFactory(version=version, kind=kind)
    CreditFactory(version=version, role=Credit.Role.LEAD_RESEARCHER, order=5)
    draft = start_draft(version.therapy, role_user("Researcher", username="rita"))
    assert (draft.ratings.count(), draft.subpages.count()) == (7, 5)
    client = signed_in(draft.created_by)
    html = client.get(change_url(draft)).content.decode()
    nav = jump_list(html)
    for anchor in ["fieldset-0-0-heading", "ratings-group", "subpages-group", "credits-group"]:
        assert f'href="#{anchor}"' in nav, anchor
    for index in range(7):
        assert f'href="#ratings-{index}"' in nav
    for index in range(5):
        assert f'href="#subpages-{index}"' in nav
    assert "Safety" in nav
    assert "Use by experts" in nav
    assert "needs correcting" not in nav

    safety = row_index(draft, "ratings", attribute__code="safety")
    response = client.post(
        change_url(draft), form_post(draft, **{f"ratings-{safety}-note": "See [@no-such-key]."})
    )
    nav = jump_list(response.content.decode())
    rating = nav[nav.index(f'href="#ratings-{safety}"') :]
    assert rating.index("needs correcting") < rating.index("</li>")
