"""Query counts that do not grow with content, for the pages not pinned beside their views."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Credit
from ratings.models import Attribute
from tests.factories import (
    CreditFactory,
    GlossaryTermFactory,
    PersonFactory,
    PublishedVersionFactory,
    RatingFactory,
    ReferenceFactory,
    SubPageFactory,
    UserFactory,
)
from therapies.workflow import start_draft

pytestmark = pytest.mark.django_db


def add_reviews(count, person):
    for _ in range(count):
        version = PublishedVersionFactory()
        CreditFactory(version=version, person=person, role=Credit.Role.LEAD_RESEARCHER)
        SubPageFactory(version=version)
        GlossaryTermFactory()
        PersonFactory()


def query_counts(client, person) -> dict[str, int]:
    therapy = person.credits.first().version.therapy
    urls = {
        "people": reverse("therapies:people"),
        "person": person.get_absolute_url(),
        "glossary": reverse("therapies:glossary"),
        "methodology": reverse("ratings:methodology"),
        "updates feed": reverse("therapies:updates_feed"),
        "therapy feed": reverse("therapies:therapy_feed", args=[therapy.slug]),
        "what changed": reverse("therapies:changes", args=[therapy.slug]),
        "rating history": reverse("therapies:ratings", args=[therapy.slug]),
        "ratings feed": reverse("therapies:ratings_feed", args=[therapy.slug]),
        "sitemap": "/sitemap.xml",
        "about": reverse("about"),
        "accessibility": reverse("accessibility"),
        "privacy": reverse("privacy"),
        "favicon": reverse("favicon"),
    }
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[name] = len(queries)
    return counts


def test_list_pages_and_feeds_run_as_many_queries_for_2_as_for_25_reviews(client):
    person = PersonFactory()
    add_reviews(2, person)
    small = query_counts(client, person)
    add_reviews(23, person)
    large = query_counts(client, person)
    assert large == small
    # One query per section of the sitemap; the "about", accessibility and privacy pages and
    # the favicon read nothing; "what changed" reads the review, its published versions and its
    # withdrawals; the methodology reads the attributes, what each score means, and the levels;
    # the rating history and its feed read the review, its public versions, their ratings and
    # the attributes (tests/therapies/test_rating_history.py pins them over a long history).
    assert small == {
        "people": 1, "person": 2, "glossary": 1, "methodology": 3, "updates feed": 1,
        "therapy feed": 2, "what changed": 3, "rating history": 4, "ratings feed": 4,
        "sitemap": 11, "about": 0, "accessibility": 0, "privacy": 0, "favicon": 0,
    }  # fmt: skip


def review_with_citations(count):
    references = [ReferenceFactory() for _ in range(count)]
    version = PublishedVersionFactory(
        body=" ".join(f"Claim [@{reference.key}]." for reference in references)
    )
    for attribute in Attribute.objects.all():
        RatingFactory(version=version, attribute=attribute, note=f"See [@{references[0].key}].")
    return start_draft(version.therapy, UserFactory(username=f"writer{count}", is_staff=True))


def test_admin_change_page_of_a_review_does_not_grow_with_its_citations(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    counts = []
    for citations in (1, 60):
        draft = review_with_citations(citations)
        url = reverse("admin:therapies_reviewversion_change", args=[draft.pk])
        client.get(url)  # warm what the admin loads once per process
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
