"""Factories for tests: each builds the smallest valid object, published where it matters."""

import datetime

import factory
from django.contrib.auth import get_user_model

from people.models import Credit, Person
from ratings.models import Attribute, EvidenceLevel, Rating
from therapies.models import (
    CancerType,
    Category,
    GlossaryTerm,
    Reference,
    ReviewVersion,
    SubPage,
    Therapy,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class CancerTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CancerType

    name = factory.Sequence(lambda n: f"Cancer type {n}")
    slug = factory.Sequence(lambda n: f"cancer-type-{n}")


class TherapyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Therapy

    name = factory.Sequence(lambda n: f"Therapy {n}")
    slug = factory.Sequence(lambda n: f"therapy-{n}")
    category = factory.SubFactory(CategoryFactory)


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewVersion

    therapy = factory.SubFactory(TherapyFactory)
    summary = "A one-sentence summary of what the evidence says."
    body = "Some plain prose about the therapy."
    last_updated = datetime.date(2023, 12, 12)
    literature_reviewed = datetime.date(2021, 9, 1)


class PublishedVersionFactory(VersionFactory):
    state = ReviewVersion.State.PUBLISHED


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    key = factory.Sequence(lambda n: f"ref-{n}")
    authors = "Smith J, Jones AB"
    title = factory.Sequence(lambda n: f"A study of things, part {n}")
    container = "Journal of Examples"
    year = 2020
    volume = "12"
    issue = "3"
    pages = "45-67"


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm

    term = factory.Sequence(lambda n: f"term {n}")
    slug = factory.Sequence(lambda n: f"term-{n}")
    short_definition = "A short plain definition."


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Alex Example{n}")
    slug = factory.Sequence(lambda n: f"alex-example-{n}")
    credentials = "MS"
    role_title = "Researcher"
    short_bio = "Writes reviews."


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credit

    version = factory.SubFactory(PublishedVersionFactory)
    person = factory.SubFactory(PersonFactory)
    role = Credit.Role.LEAD_RESEARCHER


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    version = factory.SubFactory(PublishedVersionFactory)
    attribute = factory.LazyFunction(lambda: Attribute.objects.get(code="safety"))
    score = 3


class SubPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubPage

    version = factory.SubFactory(PublishedVersionFactory)
    kind = SubPage.Kind.SAFETY
    body = "Some safety notes."


def evidence_level(code: str) -> EvidenceLevel:
    return EvidenceLevel.objects.get(code=code)
