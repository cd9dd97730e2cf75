"""The people pages: who writes and checks the reviews, and the published reviews each worked
on (therapies.views, beside the reviews they list)."""

import pytest
from django.urls import reverse

from people.models import Credit
from tests.factories import CreditFactory, PersonFactory, PublishedVersionFactory, VersionFactory
from therapies.models import ReviewVersion

pytestmark = pytest.mark.django_db

State = ReviewVersion.State


def test_the_people_page_lists_everyone_by_name_with_their_role_and_a_link(client):
    bo = PersonFactory(name="Bo Park", credentials="", role_title="Researcher")
    ann = PersonFactory(
        name="Ann Lee",
        credentials="MSN, RN",
        role_title="Clinical consultant",
        short_bio="Checks every review.",
    )
    html = client.get(reverse("therapies:people")).content.decode()
    assert f'<a href="{ann.get_absolute_url()}">Ann Lee, MSN, RN</a>' in html
    assert f'<a href="{bo.get_absolute_url()}">Bo Park</a>' in html
    assert html.index("Ann Lee") < html.index("Bo Park")
    assert "Clinical consultant" in html
    assert "Checks every review." in html


def test_a_sample_profile_says_so_in_the_list_and_on_its_page(client):
    sample = PersonFactory(is_sample=True)
    PersonFactory(is_sample=False)
    assert client.get(reverse("therapies:people")).content.decode().count("Sample profile") == 1
    assert "invented for demonstration" in client.get(sample.get_absolute_url()).content.decode()


def test_person_profile_lists_their_published_reviews(client):
    person = PersonFactory()
    published = PublishedVersionFactory(name="Melatonin")
    CreditFactory(person=person, version=published, role=Credit.Role.CLINICAL_REVIEWER)
    CreditFactory(version=PublishedVersionFactory(name="Someone else's review"))
    hidden = [State.DRAFT, State.IN_REVIEW, State.APPROVED, State.SUPERSEDED, State.WITHDRAWN]
    for state in hidden:
        version = VersionFactory(name=f"Not public {state}", state=state)
        CreditFactory(person=person, version=version)
    html = client.get(person.get_absolute_url()).content.decode()
    link = f'<a href="{published.therapy.get_absolute_url()}">Melatonin</a> (clinical reviewer)'
    assert link in html
    assert "Not public" not in html
    assert "Someone else" not in html


def test_a_profile_without_a_published_review_says_so(client):
    person = PersonFactory()
    CreditFactory(person=person, version=VersionFactory())
    assert "No published reviews yet." in client.get(person.get_absolute_url()).content.decode()
