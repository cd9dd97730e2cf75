"""The conversation on a version (therapies.comments) and the latest request for changes atop
its page and in the resubmission form."""

import pytest

from ratings.models import Attribute
from tests.admin_forms import admin_url, signed_in
from tests.factories import PublishedVersionFactory, RatingFactory, SubPageFactory, role_user
from therapies.models import ReviewComment
from therapies.workflow import request_changes, start_draft, submit_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_back():
    """A draft in review, sent back by a consultant with a comment."""
    live = PublishedVersionFactory()
    RatingFactory(version=live, attribute=Attribute.objects.get(code="safety"), score=4)
    SubPageFactory(version=live, kind="safety")
    researcher, consultant = role_user("Researcher"), role_user("Clinical consultant")
    draft = start_draft(live.therapy, researcher)
    submit_version(
        version=draft, by=researcher, change_kind="update", change_summary="Two new trials."
    )
    request_changes(version=draft, by=consultant, comment="Cite the 2024 trial <please>.")
    draft.refresh_from_db()
    return draft, researcher, consultant


def test_the_latest_request_sits_atop_the_version_page(sent_back):
    draft, researcher, consultant = sent_back
    html = signed_in(researcher).get(admin_url("change", draft.pk)).content.decode()
    top = html[html.index('class="workflow-panel"') : html.index('id="conversation"')]
    assert f"Changes requested by {consultant}" in top
    assert "Cite the 2024 trial &lt;please&gt;." in top


def test_the_resubmit_form_starts_from_the_last_kind_and_summary(sent_back):
    draft, researcher, _ = sent_back
    form = signed_in(researcher).get(admin_url("step", draft.pk, "submit")).context["form"]
    assert form["change_kind"].value() == "update"
    assert form["change_summary"].value() == "Two new trials."


def test_a_comment_on_one_rating_is_shown_with_its_part_and_answered(sent_back):
    draft, researcher, consultant = sent_back
    rating = draft.ratings.get()
    response = signed_in(consultant).post(
        admin_url("comment", draft.pk),
        {"about": f"rating-{rating.pk}", "text": "Score too high?"},
    )
    assert response.status_code == 302
    assert response.url == admin_url("change", draft.pk) + "#conversation"
    question = ReviewComment.objects.get()
    assert (question.rating, question.part, question.author) == (
        rating,
        "Rating: Safety",
        consultant,
    )
    signed_in(researcher).post(
        admin_url("comment", draft.pk), {"reply_to": question.pk, "text": "Lowered to 3."}
    )
    answer = ReviewComment.objects.get(reply_to=question)
    assert (answer.rating, answer.author) == (rating, researcher)
    html = signed_in(researcher).get(admin_url("change", draft.pk)).content.decode()
    conversation = html[html.index('id="conversation"') :]
    assert "Rating: Safety" in conversation
    assert conversation.index("Score too high?") < conversation.index("Lowered to 3.")


def test_a_comment_on_a_subpage_names_the_page(sent_back):
    draft, researcher, _ = sent_back
    subpage = draft.subpages.get()
    signed_in(researcher).post(
        admin_url("comment", draft.pk),
        {"about": f"subpage-{subpage.pk}", "text": "Reworded."},
    )
    assert ReviewComment.objects.get().part == "Page: Safety and precautions"


def test_a_refused_comment_says_why_and_keeps_its_text(sent_back):
    draft, researcher, _ = sent_back
    client = signed_in(researcher)
    response = client.post(
        admin_url("comment", draft.pk),
        {"about": "rating-999999", "text": "Keep this text."},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "no longer in this version" in html
    assert "Keep this text." in html
    empty = client.post(admin_url("comment", draft.pk), {"text": "  "}).content.decode()
    assert "Write the comment first." in empty
    other = start_draft(PublishedVersionFactory().therapy, researcher)
    foreign = ReviewComment.objects.create(version=other, author=researcher, text="Elsewhere.")
    reply = client.post(
        admin_url("comment", draft.pk), {"reply_to": foreign.pk, "text": "Answer."}
    ).content.decode()
    assert "not on this version" in reply
    assert not ReviewComment.objects.filter(version=draft).exists()


def test_comments_are_for_signed_in_staff_only(sent_back, client):
    draft, researcher, _ = sent_back
    ReviewComment.objects.create(version=draft, author=researcher, text="Internal remark.")
    assert client.post(admin_url("comment", draft.pk), {"text": "Hi"}).status_code == 404
    assert client.get(admin_url("change", draft.pk)).status_code == 404
    assert ReviewComment.objects.count() == 1
