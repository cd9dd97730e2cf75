import datetime

import pytest
from django.db import IntegrityError

from tests.factories import (
    PublishedVersionFactory,
    ReferenceFactory,
    TherapyFactory,
    VersionFactory,
)
from therapies.models import Reference, ReviewVersion
from therapies.search import text_query

pytestmark = pytest.mark.django_db


def test_only_one_published_version_per_therapy():
    version = PublishedVersionFactory()
    with pytest.raises(IntegrityError):
        PublishedVersionFactory(therapy=version.therapy)


def test_only_one_open_draft_per_therapy():
    version = PublishedVersionFactory()
    VersionFactory(therapy=version.therapy)
    with pytest.raises(IntegrityError):
        VersionFactory(therapy=version.therapy)


def test_versions_are_numbered_per_therapy():
    therapy = TherapyFactory()
    first = PublishedVersionFactory(therapy=therapy)
    second = VersionFactory(therapy=therapy)
    assert (first.number, second.number) == (1, 2)


def test_published_queryset_holds_only_published_versions():
    published = PublishedVersionFactory()
    VersionFactory(therapy=published.therapy)
    assert list(ReviewVersion.objects.published()) == [published]


def test_literature_review_is_kept_to_the_month_and_sets_the_next_due_date():
    version = PublishedVersionFactory(literature_reviewed=datetime.date(2021, 9, 17))
    version.refresh_from_db()
    assert version.literature_reviewed == datetime.date(2021, 9, 1)
    assert version.next_review_due == datetime.date(2023, 9, 1)
    assert version.is_overdue


def test_reference_is_formatted_in_house_style():
    book = ReferenceFactory(
        kind=Reference.Kind.BOOK, authors="Elsegood L, ed", title="The LDN Book",
        container="Chelsea Green Publishing", place="White River Junction, VT", year=2016,
        volume="", issue="", pages="",
    )  # fmt: skip
    assert book.citation == (
        "Elsegood L, ed. The LDN Book. White River Junction, VT: Chelsea Green Publishing. 2016."
    )
    article = ReferenceFactory(doi="10.1000/xyz", pmid="123456")
    assert article.citation.endswith("Journal of Examples. 2020;12(3):45-67.")
    assert article.doi_url == "https://doi.org/10.1000/xyz"
    assert article.pmid_url == "https://pubmed.ncbi.nlm.nih.gov/123456/"


def test_pmid_must_be_digits():
    with pytest.raises(IntegrityError):
        ReferenceFactory(pmid="12a")


def found(text: str) -> list[str]:
    """The slugs of the therapies a search for ``text`` finds."""
    matches = ReviewVersion.objects.published().filter(search_document=text_query(text))
    return list(matches.values_list("therapy__slug", flat=True))


def test_search_document_follows_edits_and_renames():
    version = PublishedVersionFactory(name="Ginger", summary="Eases nausea.")
    assert found("nausea") == [version.therapy.slug]
    version.summary = "Eases sickness."
    version.save()
    assert found("nausea") == []
    version.alternate_names = "Zingiber officinale"
    version.save()
    assert found("zingiber") == [version.therapy.slug]
