"""People and the roles they are credited in on a review."""

import pytest
from django.db import IntegrityError
from django.db.models import ProtectedError

from people.models import Credit, Person
from tests.factories import CreditFactory, PersonFactory, VersionFactory

pytestmark = pytest.mark.django_db

Role = Credit.Role


def test_a_person_is_named_with_their_credentials_when_they_have_any():
    assert PersonFactory(name="Ann Lee", credentials="MSN, RN").display_name == "Ann Lee, MSN, RN"
    assert PersonFactory(name="Ann Lee", credentials="").display_name == "Ann Lee"
    assert str(PersonFactory(name="Bo Park", credentials="PhD")) == "Bo Park, PhD"


@pytest.mark.parametrize(
    ("name", "initials"),
    [("Ann Lee", "AL"), ("mary ann lee", "MA"), ("Cher", "C"), ("  Bo   Park ", "BP")],
)
def test_the_avatar_without_a_photo_shows_up_to_two_initials(name, initials):
    assert Person(name=name).initials == initials


def test_people_are_listed_by_name():
    for name in ["Cy Doe", "Ann Lee", "Bo Park"]:
        PersonFactory(name=name)
    assert list(Person.objects.values_list("name", flat=True)) == ["Ann Lee", "Bo Park", "Cy Doe"]


def test_a_person_is_credited_once_per_role_on_a_version_but_may_hold_two_roles():
    version, person = VersionFactory(), PersonFactory()
    CreditFactory(version=version, person=person, role=Role.LEAD_RESEARCHER)
    CreditFactory(version=version, person=person, role=Role.CLINICAL_REVIEWER)
    with pytest.raises(IntegrityError):
        CreditFactory(version=version, person=person, role=Role.LEAD_RESEARCHER)


def test_credits_keep_the_order_the_editor_gave_them():
    version = VersionFactory()
    second = CreditFactory(version=version, role=Role.CLINICAL_REVIEWER, order=2)
    first = CreditFactory(version=version, role=Role.EXPERT_REVIEWER, order=1)
    also_first = CreditFactory(version=version, role=Role.RESEARCHER, order=1)
    assert list(version.credits.all()) == [first, also_first, second]


def test_a_person_credited_on_a_review_cannot_be_deleted():
    credit = CreditFactory()
    with pytest.raises(ProtectedError):
        credit.person.delete()
