"""The factories build only states the product produces: every version, rating note, sub-page,
glossary definition and biography stored as it renders, as saving it in the admin leaves it."""

import pytest
from django.core.management import call_command

from tests.factories import (
    CreditFactory,
    GlossaryTermFactory,
    PersonFactory,
    PublishedVersionFactory,
    RatingFactory,
    ReferenceFactory,
    SubPageFactory,
    VersionFactory,
    build_review,
)
from therapies.models import ReviewVersion

pytestmark = pytest.mark.django_db


def cited(text: str) -> str:
    """``text`` citing a new reference and marking a new glossary term."""
    reference, term = ReferenceFactory(), GlossaryTermFactory()
    return f"{text} [@{reference.key}] [[{term.term}]]"


EVERY_FACTORY = {
    "version": lambda: PublishedVersionFactory(body=cited("A body")),
    "draft": lambda: VersionFactory(body=cited("A draft's body")),
    "rating": lambda: RatingFactory(note=cited("- A note")),
    "sub-page": lambda: SubPageFactory(body=cited("A sub-page")),
    "credit": CreditFactory,
    "review": build_review,
    "glossary term": lambda: GlossaryTermFactory(definition=cited("A longer definition")),
    "person": lambda: PersonFactory(bio=cited("A biography")),
}


@pytest.mark.parametrize("make", EVERY_FACTORY.values(), ids=EVERY_FACTORY.keys())
def test_what_each_factory_stores_equals_a_fresh_render(make):
    make()
    call_command("check_fragments")


def test_a_published_version_was_published_at_some_time():
    version = PublishedVersionFactory()
    assert version.published_at is not None
    assert ReviewVersion.objects.public_history().filter(pk=version.pk).exists()
