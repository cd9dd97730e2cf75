"""Factories for tests: each builds the smallest valid object, published where it matters.

Valid as the product leaves it: a version, rating note, sub-page, glossary definition or
biography is stored with its HTML rendered, as saving it in the admin renders it
(``manage.py check_fragments`` passes), and a published version has a publication time.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from people.models import Credit, Person
from ratings.models import Attribute, EvidenceLevel, Rating
from tests.admin_forms import save_version
from therapies.models import (
    CancerType,
    Category,
    Finding,
    GlossaryTerm,
    Reference,
    ReviewVersion,
    SubPage,
    Therapy,
)
from therapies.rendering import render_glossary_term, render_person, render_version


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

    slug = factory.Sequence(lambda n: f"therapy-{n}")


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewVersion
        skip_postgeneration_save = True

    therapy = factory.SubFactory(TherapyFactory)
    name = factory.Sequence(lambda n: f"Therapy {n}")
    category = factory.SubFactory(CategoryFactory)
    summary = "A one-sentence summary of what the evidence says."
    body = "Some plain prose about the therapy."
    last_updated = datetime.date(2023, 12, 12)
    literature_reviewed = datetime.date(2021, 9, 1)

    @factory.post_generation
    def cancer_types(self, create, extracted, **kwargs):
        if create and extracted:
            self.cancer_types.set(extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            render_version(instance)


class PublishedVersionFactory(VersionFactory):
    state = ReviewVersion.State.PUBLISHED
    # Publishing sets it, and (but for a correction) makes its day the "last update".
    published_at = factory.LazyAttribute(
        lambda version: datetime.datetime.combine(
            version.last_updated, datetime.time(12), tzinfo=datetime.UTC
        )
    )


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

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            render_glossary_term(instance)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Alex Example{n}")
    slug = factory.Sequence(lambda n: f"alex-example-{n}")
    credentials = "MS"
    role_title = "Researcher"
    short_bio = "Writes reviews."

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            render_person(instance)


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credit

    version = factory.SubFactory(PublishedVersionFactory)
    person = factory.SubFactory(PersonFactory)
    role = Credit.Role.LEAD_RESEARCHER


class VersionTextFactory(factory.django.DjangoModelFactory):
    """A rating or a sub-page: Markdown of its version's, which is rendered again with it (its
    references are numbered across the page), as saving the version's admin page does."""

    class Meta:
        abstract = True

    version = factory.SubFactory(PublishedVersionFactory)
    _html_field = "body_html"

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            render_version(instance.version)
            instance.refresh_from_db(fields=[cls._html_field])


class RatingFactory(VersionTextFactory):
    class Meta:
        model = Rating

    attribute = factory.LazyFunction(lambda: Attribute.objects.get(code="safety"))
    score = 3
    _html_field = "note_html"


class SubPageFactory(VersionTextFactory):
    class Meta:
        model = SubPage

    kind = SubPage.Kind.SAFETY
    body = "Some safety notes."


class FindingFactory(VersionTextFactory):
    """A finding of a published version (preliminary evidence of a benefit for treatment
    outcomes), citing a reference of its own unless given ``sources``."""

    class Meta:
        model = Finding

    attribute = factory.LazyFunction(lambda: Attribute.objects.get(code="treatment_outcomes"))
    cancer_type = factory.SubFactory(CancerTypeFactory)
    direction = Finding.Direction.BENEFIT
    evidence_level = factory.LazyFunction(lambda: EvidenceLevel.objects.get(code="preliminary"))
    outcome = "longer survival"
    population = "people with high-grade gliomas"
    sources = factory.LazyFunction(lambda: f"[@{ReferenceFactory().key}]")
    order = factory.Sequence(lambda n: n)
    _html_field = "sources_html"


def evidence_level(code: str) -> EvidenceLevel:
    return EvidenceLevel.objects.get(code=code)


def build_review(reference_count=2, reviewer_count=2, name="Low-dose naltrexone"):
    """A published review with ratings, references, glossary terms, credits, sub-pages and
    research findings."""
    references = [
        ReferenceFactory(doi=f"10.1000/{n}", pmid=str(1000 + n)) for n in range(reference_count)
    ]
    GlossaryTerm.objects.get_or_create(
        slug="case-study",
        defaults={"term": "case study", "short_definition": "A report on one person."},
    )
    citations = " ".join(f"Claim [@{r.key}]." for r in references)
    version = PublishedVersionFactory(
        name=name,
        body=f"Used off-label; studied in [[case study|case-study]] reports. {citations}",
        cautions_avoid_if="- People who take opioid pain medicines.",
        cautions_interactions="- **Opioid pain medicines**: it blocks them.",
        cautions_stop_and_call="- Pain that your usual pain medicine no longer controls.",
    )
    RatingFactory(
        version=version,
        attribute=Attribute.objects.get(code="treatment_outcomes"),
        score=2,
        evidence_level=evidence_level("preliminary"),
        note=f"- Longer survival in small studies [@{references[0].key}, p. 20]",
    )
    RatingFactory(version=version, attribute=Attribute.objects.get(code="safety"), score=4)
    for n in range(reviewer_count):
        CreditFactory(version=version, role=Credit.Role.CLINICAL_REVIEWER, order=n)
    SubPageFactory(
        version=version, kind="safety", body=f"Mostly mild effects [@{references[-1].key}]."
    )
    SubPageFactory(
        version=version, kind="how-it-can-help", body="Findings by benefit and cancer type."
    )
    brain, _ = CancerType.objects.get_or_create(slug="brain-cancer", name="Brain cancer")
    FindingFactory(
        version=version,
        cancer_type=brain,
        outcome="longer survival",
        combined_with="radiotherapy",
        population="people with high-grade gliomas",
        detail="from one small randomized trial",
        sources=f"[@{references[0].key}]",
        order=1,
    )
    FindingFactory(
        version=version,
        attribute=Attribute.objects.get(code="side_effects"),
        cancer_type=brain,
        direction=Finding.Direction.NO_BENEFIT,
        evidence_level=evidence_level("good"),
        outcome="fatigue",
        population="people having radiotherapy",
        sources=f"[@{references[-1].key}, p. 3]",
        order=2,
    )
    return version


def role_user(role: str, **fields):
    """A staff sign-in in one of the editorial roles ("Researcher", "Clinical consultant",
    "Editor")."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def member(role: str, username: str, first_name: str = ""):
    """A staff sign-in in one of the editorial roles, with an e-mail address (the workflow
    e-mails the people concerned by each step)."""
    return role_user(
        role, username=username, email=f"{username}@example.org", first_name=first_name
    )


def publish_new_version(live: ReviewVersion, **changes) -> ReviewVersion:
    """Take ``changes`` (fields of the version's change form, as the admin posts them) through
    the workflow as researcher and consultant would: a draft saved in the admin, submitted,
    approved and published; returns the new published version."""
    from therapies.workflow import approve_version, publish_version, start_draft, submit_version

    researcher = role_user("Researcher")
    consultant = role_user("Clinical consultant")
    draft = start_draft(live.therapy, researcher)
    save_version(draft, by=researcher, **changes)
    submit_version(version=draft, by=researcher, change_kind="update", change_summary="Updated.")
    approve_version(version=draft, by=consultant)
    return publish_version(version=draft, by=consultant)
