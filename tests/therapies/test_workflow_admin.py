"""The workflow in the admin: who may see and do what, stale forms, preview and comparison."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from ratings.models import Attribute
from tests.admin_forms import admin_url, formset_management, version_fields
from tests.factories import PublishedVersionFactory, RatingFactory, ReferenceFactory, UserFactory
from therapies.models import ReviewVersion
from therapies.workflow import (
    STEPS,
    approve_version,
    publish_version,
    start_draft,
    submit_version,
)

pytestmark = pytest.mark.django_db
State = ReviewVersion.State
ROLES = {"researcher": "Researcher", "consultant": "Clinical consultant", "editor": "Editor"}


def client_for(role):
    client = Client()
    if role == "anonymous":
        return client
    user = UserFactory(username=role, is_staff=True, email=f"{role}@example.org")
    user.groups.add(Group.objects.get(name=ROLES[role]))
    client.force_login(user)
    return client


@pytest.fixture
def review():
    """A live version and a draft of it in review, written by someone else."""
    live = PublishedVersionFactory(summary="Live summary.")
    RatingFactory(version=live, attribute=Attribute.objects.get(code="safety"), score=4)
    author = UserFactory(username="author")
    author.groups.add(Group.objects.get(name="Researcher"))
    draft = start_draft(live.therapy, author)
    draft.summary = "Draft summary."
    draft.save()
    draft = submit_version(
        version=draft, by=author, change_kind="update", change_summary="Newer studies."
    )
    return live, draft


# Who may open each screen of a version in review: 200 for those allowed; anonymous gets 404.
VIEW_MATRIX = {
    "change": {"anonymous": 404, "researcher": 200, "consultant": 200, "editor": 200},
    "history": {"anonymous": 404, "researcher": 200, "consultant": 200, "editor": 200},
    "preview": {"anonymous": 404, "researcher": 200, "consultant": 200, "editor": 200},
    "compare": {"anonymous": 404, "researcher": 200, "consultant": 200, "editor": 200},
    "changelist": {"anonymous": 404, "researcher": 200, "consultant": 200, "editor": 200},
}


@pytest.mark.parametrize("role", ["anonymous", "researcher", "consultant", "editor"])
@pytest.mark.parametrize("screen", list(VIEW_MATRIX))
def test_screens_of_a_draft_by_role(review, role, screen):
    _, draft = review
    url = admin_url(screen) if screen == "changelist" else admin_url(screen, draft.pk)
    assert client_for(role).get(url).status_code == VIEW_MATRIX[screen][role]


# Which steps each role is offered on a version in review (recall is for who worked on it).
# The clinical approval is the consultant's alone, even though editors may do everything else.
STEP_MATRIX = {
    "researcher": set(),
    "consultant": {"request_changes", "approve"},
    "editor": {"request_changes"},
}


@pytest.mark.parametrize("role", ["researcher", "consultant", "editor"])
def test_steps_offered_and_enforced_by_role(review, role):
    _, draft = review
    client = client_for(role)
    page = client.get(admin_url("change", draft.pk)).content.decode()
    for step in ["submit", "recall", "request_changes", "approve", "reopen", "publish",
                 "withdraw", "discard"]:  # fmt: skip
        offered = admin_url("step", draft.pk, step) in page
        assert offered == (step in STEP_MATRIX[role]), step
        response = client.post(admin_url("step", draft.pk, step), {"revision": draft.revision,
                                                                    "comment": "x"})  # fmt: skip
        assert response.status_code == 302
    draft.refresh_from_db()
    # The allowed ones ran in turn (request changes first), the others changed nothing.
    expected = State.CHANGES_REQUESTED if STEP_MATRIX[role] else State.IN_REVIEW
    assert draft.state == expected


def test_anonymous_never_sees_unpublished_content(review):
    live, draft = review
    anonymous = Client()
    html = anonymous.get(live.therapy.get_absolute_url()).content.decode()
    assert "Live summary." in html
    assert "Draft summary." not in html
    assert anonymous.post(admin_url("step", draft.pk, "approve")).status_code == 404
    assert anonymous.get(admin_url("start_draft", live.therapy.pk)).status_code == 404


def test_preview_renders_the_draft_as_the_public_page_would(review):
    _, draft = review
    html = client_for("consultant").get(admin_url("preview", draft.pk)).content.decode()
    assert "Draft summary." in html
    assert "Preview, not public." in html
    assert html.count('class="rating-row"') == 7


def test_approval_screen_shows_the_comparison_with_the_live_version(review):
    _, draft = review
    draft.ratings.update(score=2)
    html = client_for("consultant").get(admin_url("step", draft.pk, "approve")).content.decode()
    assert "against the live version" in html
    assert "<del>Live</del>" in html
    assert "<ins>Draft</ins>" in html
    assert "Rating: Safety" in html
    assert "<del>4</del> <ins>2</ins> of 5" in html


def test_comparison_against_an_earlier_version_lists_references(review):
    live, draft = review
    ReferenceFactory(key="new-trial")
    ReviewVersion.objects.filter(pk=draft.pk).update(body="Now cites [@new-trial].")
    url = admin_url("compare", draft.pk) + f"?against={live.pk}"
    html = client_for("editor").get(url).content.decode()
    assert "new-trial" in html
    assert "added" in html


def edit_post(version, seen_revision, summary):
    rating = version.ratings.get()
    return {
        **version_fields(version),
        "summary": summary,
        "body": version.body,
        "seen_revision": seen_revision,
        **formset_management("ratings", 1, 1),
        "ratings-0-id": rating.pk,
        "ratings-0-version": version.pk,
        "ratings-0-attribute": rating.attribute_id,
        "ratings-0-score": rating.score,
        "ratings-0-note": "",
        **formset_management("subpages"),
        **formset_management("findings"),
        **formset_management("credits"),
        **formset_management("page_references"),
        **formset_management("audit"),
    }


def test_two_stale_editors_the_second_is_refused_the_first_kept():
    live = PublishedVersionFactory()
    RatingFactory(version=live, attribute=Attribute.objects.get(code="safety"), score=4)
    first, second = client_for("researcher"), Client()
    other = UserFactory(username="researcher2", is_staff=True)
    other.groups.add(Group.objects.get(name="Researcher"))
    second.force_login(other)
    draft = start_draft(live.therapy, other)
    opened_at = draft.revision  # both open the form at this revision
    url = admin_url("change", draft.pk)
    response = first.post(url, edit_post(draft, opened_at, "First editor's summary."))
    assert response.status_code == 302
    response = second.post(url, edit_post(draft, opened_at, "Second editor's summary."))
    assert response.status_code == 200
    html = response.content.decode()
    assert "saved this version after you opened it" in html
    assert "First editor&#x27;s" in html  # what changed in between is shown
    assert "Second editor&#x27;s summary." in html  # and their own text is still in the form
    draft.refresh_from_db()
    assert draft.summary == "First editor's summary."


def test_versions_outside_draft_cannot_be_edited_in_the_admin(review):
    _, draft = review  # in review
    client = client_for("editor")
    response = client.post(admin_url("change", draft.pk), edit_post(draft, draft.revision, "Hack"))
    assert response.status_code == 200  # the form again, refused, with the text posted
    assert "can no longer be edited" in response.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "Draft summary."


def test_adding_a_second_open_version_is_refused_clearly(review):
    live, _ = review
    client = client_for("researcher")
    response = client.post(
        reverse("admin:therapies_reviewversion_add"),
        {"therapy": live.therapy.pk, "summary": "x", "body": "",
         **formset_management("ratings"), **formset_management("subpages"),
         **formset_management("findings"),
         **formset_management("credits")},
    )  # fmt: skip
    assert response.status_code == 200
    assert "already has an open version" in response.content.decode()


def test_dashboard_lists_work_awaiting_the_consultant(review):
    _, draft = review
    html = client_for("consultant").get(reverse("admin:index")).content.decode()
    assert "Awaiting my review" in html
    assert admin_url("change", draft.pk) in html


def test_start_draft_from_the_therapy_admin(review):
    live, draft = review
    client = client_for("researcher")
    ReviewVersion.objects.filter(pk=draft.pk).update(state=State.DISCARDED)
    response = client.post(admin_url("start_draft", live.therapy.pk))
    new = ReviewVersion.objects.open().get(therapy=live.therapy)
    assert response.url == admin_url("change", new.pk)
    assert new.editors.filter(username="researcher").exists()


def test_history_shows_who_changed_which_field_including_ratings(review):
    _, draft = review
    ReviewVersion.objects.filter(pk=draft.pk).update(state=State.DRAFT)
    client = client_for("researcher")
    draft.refresh_from_db()
    response = client.post(
        admin_url("change", draft.pk), edit_post(draft, draft.revision, "Newer.")
    )
    assert response.status_code == 302
    html = client.get(admin_url("history", draft.pk)).content.decode()
    assert "researcher" in html
    assert "Summary" in html
    assert "<ins>Newer</ins>." in html
    assert "Rating" in html


def test_history_cannot_revert_a_version(review):
    _, draft = review
    ReviewVersion.objects.filter(pk=draft.pk).update(state=State.DRAFT)
    draft.refresh_from_db()
    record = draft.history.last()  # the first state, before the summary was edited
    url = reverse(
        "admin:therapies_reviewversion_simple_history", args=[draft.pk, record.history_id]
    )
    client = client_for("editor")
    assert client.get(url).status_code == 200
    response = client.post(url, edit_post(draft, draft.revision, "Reverted"))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.summary == "Draft summary."


# A researcher discards only a draft they started (this one is another's); an editor restores.
OFFERED = {
    State.DRAFT: {"researcher": {"submit"}, "consultant": set(), "editor": {"submit", "discard"}},
    State.IN_REVIEW: {"researcher": set(), "consultant": {"request_changes", "approve"},
                      "editor": {"request_changes"}},
    State.APPROVED: {"researcher": set(),
                     "consultant": {"reopen", "publish", "schedule", "set_expiry"},
                     "editor": {"reopen", "publish", "schedule", "set_expiry"}},
    State.PUBLISHED: {"researcher": set(), "consultant": {"withdraw", "set_expiry"},
                      "editor": {"withdraw", "set_expiry"}},
    State.DISCARDED: {"researcher": set(), "consultant": set(), "editor": {"restore"}},
}  # fmt: skip


@pytest.mark.parametrize("state", list(OFFERED))
@pytest.mark.parametrize("role", ["researcher", "consultant", "editor"])
def test_permission_matrix_of_steps_by_state_and_role(review, state, role):
    live, draft = review
    version = live if state == State.PUBLISHED else draft
    ReviewVersion.objects.filter(pk=version.pk).update(state=state)
    client = client_for(role)
    page = client.get(admin_url("change", version.pk)).content.decode()
    offered = {
        step for step in STEPS if admin_url("step", version.pk, step) in page
    }  # fmt: skip
    assert offered == OFFERED[state][role]
    for step in set(STEPS) - offered:
        response = client.get(admin_url("step", version.pk, step))
        assert response.status_code == 302  # back to the version, with the reason
        assert ReviewVersion.objects.get(pk=version.pk).state == state


def test_the_author_may_recall_their_submission(review):
    _, draft = review
    client = Client()
    client.force_login(draft.created_by)
    draft.created_by.is_staff = True
    draft.created_by.save()
    response = client.post(admin_url("step", draft.pk, "recall"), {"revision": draft.revision})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_an_editor_schedules_publication_on_its_own_screen(review):
    _, draft = review
    consultant = UserFactory(username="approver")
    consultant.groups.add(Group.objects.get(name="Clinical consultant"))
    draft = approve_version(version=draft, by=consultant)
    client = client_for("editor")
    url = admin_url("step", draft.pk, "schedule")
    assert "Publish at" in client.get(url).content.decode()

    past = client.post(url, {"revision": draft.revision, "at": "2001-01-01T09:00"})
    assert "That time has passed" in past.content.decode()
    response = client.post(url, {"revision": draft.revision, "at": "2099-06-01T09:00"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.publish_at.year) == (State.APPROVED, 2099)
    assert draft.audit.filter(action="schedule").exists()


def test_public_what_changed_lists_published_change_summaries(client, review):
    live, draft = review
    consultant = UserFactory(username="approver")
    consultant.groups.add(Group.objects.get(name="Clinical consultant"))
    draft = approve_version(version=draft, by=consultant)
    publish_version(version=draft, by=consultant)
    html = client.get(reverse("therapies:changes", args=[live.therapy.slug])).content.decode()
    assert "Newer studies." in html
    assert "current version" in html
    page = client.get(live.therapy.get_absolute_url()).content.decode()
    assert "Draft summary." in page
    assert "Clinically reviewed by" in page


def test_a_blank_version_of_an_existing_review_is_refused(review):
    live, draft = review
    ReviewVersion.objects.filter(pk=draft.pk).update(state=State.DISCARDED)
    response = client_for("researcher").post(
        reverse("admin:therapies_reviewversion_add"),
        {"therapy": live.therapy.pk, "summary": "x", "body": "",
         **formset_management("ratings"), **formset_management("subpages"),
         **formset_management("findings"),
         **formset_management("credits")},
    )  # fmt: skip
    assert "Start a new draft" in response.content.decode()
    assert ReviewVersion.objects.filter(therapy=live.therapy).count() == 2
