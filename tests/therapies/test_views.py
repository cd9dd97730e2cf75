import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from people.models import Credit
from ratings.models import Attribute
from tests.factories import (
    CreditFactory,
    PersonFactory,
    RatingFactory,
    UserFactory,
    VersionFactory,
    build_review,
    evidence_level,
)
from therapies.models import ReviewVersion
from therapies.rendering import render_version

pytestmark = pytest.mark.django_db


def test_therapy_page_shows_every_part_of_the_review(client):
    version = build_review()
    response = client.get(version.therapy.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Low-dose naltrexone</h1>" in html
    assert version.summary in html
    assert "Low-dose naltrexone at a glance" in html
    assert 'class="cite"' in html
    assert 'href="#ref-1"' in html
    assert 'href="/glossary/#case-study"' in html
    assert "A report on one person." in html
    # Seven rating rows; unrated ones say so, rated ones say "n of 5"
    assert html.count('class="rating-row"') == 7
    assert "2 of 5" in html
    assert "4 of 5" in html
    assert html.count("Not rated yet") == 5 * 2  # in the ratings in brief and in full
    assert "Preliminary evidence" in html
    assert "<details" in html
    assert "See more" in html
    assert reverse("ratings:methodology") in html
    assert "Keep reading about low-dose naltrexone" in html
    assert "/therapies/therapy-" in html
    assert "/safety/" in html
    assert html.count('class="reviewer-card"') == 2
    assert "/people/" in html
    assert "December 12, 2023" in html
    assert "September 2021" in html
    assert 'id="ref-1"' in html
    assert "https://doi.org/10.1000/0" in html
    assert "https://pubmed.ncbi.nlm.nih.gov/1000/" in html
    assert "Not medical advice" in html
    assert "No conflicts of interest" in html


def test_the_cautions_sit_above_the_prose_and_the_safety_rating_links_to_them(client):
    version = build_review()
    html = client.get(version.therapy.get_absolute_url()).content.decode()
    box = html.index('<section class="cautions" id="cautions"')
    assert box < html.index("Low-dose naltrexone at a glance") < html.index('id="rating-safety"')
    parts = [
        "Who should not use it",
        "People who take opioid pain medicines.",
        "Interactions with cancer treatments and other medicines",
        "<strong>Opioid pain medicines</strong>: it blocks them.",
        "When to stop and call your care team",
        "Pain that your usual pain medicine no longer controls.",
    ]
    positions = [html.index(part, box) for part in parts]
    assert positions == sorted(positions)
    safety = html[html.index('id="rating-safety"') :]
    assert 'href="#cautions"' in safety[: safety.index("</li>")]
    assert html.count('href="#cautions"') == 1


def test_a_review_without_cautions_shows_no_box_and_no_link_to_one(client):
    version = build_review()
    ReviewVersion.objects.filter(pk=version.pk).update(
        cautions_avoid_if="", cautions_interactions="", cautions_stop_and_call=""
    )
    render_version(ReviewVersion.objects.get(pk=version.pk))
    html = client.get(version.therapy.get_absolute_url()).content.decode()
    assert 'id="cautions"' not in html
    assert 'href="#cautions"' not in html


def test_only_the_written_parts_of_the_cautions_show(client):
    version = build_review()
    ReviewVersion.objects.filter(pk=version.pk).update(cautions_interactions="")
    render_version(ReviewVersion.objects.get(pk=version.pk))
    html = client.get(version.therapy.get_absolute_url()).content.decode()
    assert "Who should not use it" in html
    assert "Interactions with cancer treatments" not in html


def test_a_reviewer_card_says_a_role_once_and_a_different_title_beside_it(client):
    version = build_review(reviewer_count=0)
    lead = PersonFactory(role_title="Lead Researcher")
    consultant = PersonFactory(role_title="Senior Clinical Consultant")
    CreditFactory(version=version, person=lead, role=Credit.Role.LEAD_RESEARCHER, order=0)
    CreditFactory(version=version, person=consultant, role=Credit.Role.CLINICAL_REVIEWER, order=1)
    html = client.get(version.therapy.get_absolute_url()).content.decode()
    roles = re.findall(r'<p class="reviewer-role">(.*?)</p>', html, flags=re.S)
    assert [" ".join(role.split()) for role in roles] == [
        "Lead researcher",
        "Clinical reviewer · Senior Clinical Consultant",
    ]


def test_rating_notes_continue_the_page_numbering():
    version = build_review(reference_count=3)
    rating = version.ratings.get(attribute__code="treatment_outcomes")
    # The note cites the first reference again, so it keeps number 1 from the body.
    assert 'href="#ref-1"' in rating.note_html
    assert "(p. 20)" in rating.note_html


def test_sub_page_has_summary_and_its_own_reference_numbers(client):
    version = build_review(reference_count=3)
    url = reverse("therapies:subpage", args=[version.therapy.slug, "safety"])
    html = client.get(url).content.decode()
    assert "<h1>Safety and precautions for low-dose naltrexone</h1>" in html
    assert version.summary in html
    assert html.count('<li id="ref-') == 1  # only what this page cites, numbered from 1
    assert 'id="ref-1"' in html


def test_unknown_sub_page_kind_is_404(client):
    version = build_review()
    url = reverse("therapies:subpage", args=[version.therapy.slug, "nonsense"])
    assert client.get(url).status_code == 404


def test_unpublished_versions_are_404_to_the_public(client):
    draft = VersionFactory()
    assert client.get(draft.therapy.get_absolute_url()).status_code == 404


def test_public_page_shows_the_published_version_not_the_draft(client):
    version = build_review()
    VersionFactory(therapy=version.therapy, summary="Unapproved draft summary.")
    html = client.get(version.therapy.get_absolute_url()).content.decode()
    assert version.summary in html
    assert "Unapproved draft summary." not in html


@pytest.mark.parametrize("size", [(1, 1), (60, 10)], ids=["small", "large"])
def test_therapy_page_query_count_does_not_grow_with_content(
    client, django_assert_num_queries, size
):
    references, reviewers = size
    version = build_review(reference_count=references, reviewer_count=reviewers)
    # The version (with its therapy, category, approver and sub-page kinds), the attributes,
    # the ratings, the credits, the numbered references: composed from current rows.
    with django_assert_num_queries(5):
        response = client.get(version.therapy.get_absolute_url())
    assert response.content.decode().count('<li id="ref-') == references


def test_public_pages_never_render_markdown(client, monkeypatch):
    version = build_review()
    person = PersonFactory()

    def fail(*args, **kwargs):
        raise AssertionError("Markdown rendered on a public GET")

    monkeypatch.setattr("markdown_it.MarkdownIt.render", fail)
    for url in [
        "/",
        version.therapy.get_absolute_url(),
        reverse("therapies:subpage", args=[version.therapy.slug, "safety"]),
        reverse("therapies:glossary"),
        reverse("therapies:person", args=[person.slug]),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("size", [1, 60], ids=["small", "large"])
def test_sub_page_query_count_does_not_grow_with_content(client, django_assert_num_queries, size):
    version = build_review(reference_count=size)
    url = reverse("therapies:subpage", args=[version.therapy.slug, "safety"])
    # The version (with the sub-page kinds), its sub-page and its numbered references.
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<li id="ref-') == 1


def test_renamed_shared_vocabularies_show_on_every_page_at_once(client):
    """Attributes, evidence levels, categories and profiles are composed on each request."""
    version = build_review()
    url = version.therapy.get_absolute_url()
    client.get(url)  # cached
    attribute = Attribute.objects.get(code="safety")
    attribute.label = "Safety and side effects"
    attribute.save()
    level = evidence_level("preliminary")
    level.label = "Early"
    level.save()
    version.category.name = "Renamed category"
    version.category.save()
    credit = version.credits.first()
    credit.person.name = "Renamed Person"
    credit.person.save()
    html = client.get(url).content.decode()
    assert "Safety and side effects" in html
    assert "Early evidence" in html
    assert "Renamed category" in html
    assert "Renamed Person" in html


def test_a_renamed_profile_of_the_approving_reviewer_shows_on_the_page(client):
    version = build_review()
    person = PersonFactory(name="First Name", user=UserFactory())
    ReviewVersion.objects.filter(pk=version.pk).update(
        approved_by=person.user, approved_at=timezone.now()
    )
    url = version.therapy.get_absolute_url()
    assert "First Name" in client.get(url).content.decode()
    person.name = "Second Name"
    person.save()
    html = client.get(url).content.decode()
    assert "Second Name" in html
    assert "First Name" not in html


def test_the_overdue_notice_is_decided_when_the_page_is_read(client, monkeypatch):
    version = build_review()
    ReviewVersion.objects.filter(pk=version.pk).update(
        literature_reviewed=timezone.localdate().replace(day=1)
    )
    url = version.therapy.get_absolute_url()
    assert "due for a fresh look" not in client.get(url).content.decode()

    years_later = datetime.date(timezone.localdate().year + 5, 1, 1)
    monkeypatch.setattr("therapies.models.timezone.localdate", lambda: years_later)
    cache.clear()  # as when the cached page expires; nothing was re-rendered
    html = client.get(url).content.decode()
    assert html.count("due for a fresh look at the research") == 1


def section(html: str, marker: str, end: str = "</section>") -> str:
    """The part of ``html`` from ``marker`` to the first ``end`` after it."""
    start = html.index(marker)
    return html[start : html.index(end, start)]


def test_the_seven_ratings_in_brief_come_first_each_linking_to_its_evidence_note(client):
    version = build_review()
    RatingFactory(version=version, attribute=Attribute.objects.get(code="cancer_risk"), score=0)
    html = client.get(version.therapy.get_absolute_url()).content.decode()
    assert (
        html.index("<h1>")
        < html.index('id="ratings-summary"')
        < html.index("Low-dose naltrexone at a glance")
        < html.index('id="ratings-heading"')
    )
    summary = section(html, 'id="ratings-summary"')
    codes = list(Attribute.objects.values_list("code", flat=True))
    assert re.findall(r'<a class="summary-row" href="#rating-([\w-]+)">', summary) == codes
    for code in codes:
        # the full rating with its evidence note, further down
        assert f'<li class="rating-row" id="rating-{code}">' in html
    for attribute in Attribute.objects.all():
        assert f'<span class="summary-label">{attribute.short_label}' in summary
    # The score in words beside the scale (hidden from screen readers), "Not rated yet" unlike 0.
    assert summary.count('<span class="scale') == 7
    assert len(re.findall(r'<span class="scale[\w -]*" aria-hidden="true">', summary)) == 7
    assert "2 of 5" in summary
    assert "4 of 5" in summary
    assert "0 of 5" in summary
    assert summary.count("Not rated yet") == 4
    assert summary.count("Preliminary evidence") == 1


def test_the_dates_show_once_near_the_top_with_the_next_full_review_due(client):
    version = build_review()
    person = PersonFactory(name="Dana Reviewer", user=UserFactory())
    approved_at = datetime.datetime(2023, 12, 10, 12, tzinfo=datetime.UTC)
    ReviewVersion.objects.filter(pk=version.pk).update(
        approved_by=person.user, approved_at=approved_at
    )
    html = client.get(version.therapy.get_absolute_url()).content.decode()
    assert html.count('<dl class="review-dates">') == 1
    assert html.index('<dl class="review-dates">') < html.index("Low-dose naltrexone at a glance")
    dates = section(html, '<dl class="review-dates">', "</dl>")
    labels = re.findall(r"<dt>([^<]+)</dt>", dates)
    assert labels == [
        "Clinically reviewed by",
        "Last updated",
        "Literature last reviewed",
        "Next full review due",
    ]
    assert f'<a href="{person.get_absolute_url()}">Dana Reviewer' in dates
    assert "December 10, 2023" in dates
    assert "December 12, 2023" in dates
    assert '<time datetime="2021-09">September 2021</time>' in dates
    due = version.next_review_due
    assert f'<time datetime="{due:%Y-%m}">{due:%B %Y}</time>' in dates
    assert "(overdue)" in dates  # reviewed in 2021: the notice below says what that means
    assert html.count("due for a fresh look at the research") == 1


def test_a_review_not_yet_due_shows_when_it_will_be(client):
    version = build_review()
    this_month = timezone.localdate().replace(day=1)
    ReviewVersion.objects.filter(pk=version.pk).update(literature_reviewed=this_month)
    html = client.get(version.therapy.get_absolute_url()).content.decode()
    due = ReviewVersion.objects.get(pk=version.pk).next_review_due
    dates = section(html, '<dl class="review-dates">', "</dl>")
    assert f"{due:%B %Y}</time>" in dates
    assert "(overdue)" not in dates
    assert "due for a fresh look" not in html


def test_a_sub_page_names_its_review_in_one_line_instead_of_repeating_it(client):
    version = build_review()
    url = reverse("therapies:subpage", args=[version.therapy.slug, "safety"])
    page = client.get(url).content.decode()
    body = page[page.index("<main") :]
    assert version.summary not in body  # only in the page's description for search engines
    assert 'class="dek"' not in body
    assert 'id="ratings-summary"' not in body
    assert 'class="summary-row"' not in body
    line = section(body, '<p class="review-context">', "</p>")
    assert "Part of our review of low-dose naltrexone." in line
    assert f'href="{version.therapy.get_absolute_url()}#ratings-summary"' in line
    assert body.count('<dl class="review-dates">') == 1
