"""The reference list of a review page links back to each place the page cites each reference."""

import re

import pytest
from django.core.management import call_command

from tests.factories import ReferenceFactory, build_review
from therapies.models import PageReference
from therapies.rendering import render_version, version_differences

pytestmark = pytest.mark.django_db


def review_citing(body: str, subpage_body: str):
    """The test review with this text ('@a' and '@b' stand for its two references) and
    safety sub-page, rendered."""
    version = build_review()
    numbered = version.page_references.filter(subpage=None).order_by("number")
    keys = dict(zip("ab", numbered.values_list("reference__key", flat=True), strict=True))
    version.body = body.replace("@a", "@" + keys["a"]).replace("@b", "@" + keys["b"])
    version.save()
    subpage = version.subpages.get(kind="safety")
    subpage.body = subpage_body.replace("@a", "@" + keys["a"]).replace("@b", "@" + keys["b"])
    subpage.save()
    render_version(version)
    return version


def test_each_page_reference_counts_its_citations_on_its_page():
    # The note of the first rating cites @a once more (tests/factories.py: build_review).
    version = review_citing("One [@a]. Two [@b; @a]. Three [@a, p. 4].", "Only [@b], twice [@b].")
    rows = {
        (row.subpage and row.subpage.kind, row.number): row.citation_count
        for row in PageReference.objects.filter(version=version).select_related("subpage")
    }
    # The research sub-page's two findings cite one reference each.
    assert rows == {
        (None, 1): 4, (None, 2): 1, ("safety", 1): 2,
        ("how-it-can-help", 1): 1, ("how-it-can-help", 2): 1,
    }  # fmt: skip
    assert version_differences(version) == []


def test_backlinks_name_each_citation_by_a_letter_and_its_id():
    version = review_citing("One [@a]. Two [@b; @a].", "Only [@b], twice [@b].")
    main = version.page_references.get(subpage=None, number=1)
    assert [(link.label, link.citation_id) for link in main.backlinks()] == [
        ("a", "main-cite-1-1"),
        ("b", "main-cite-1-2"),
        ("c", "main-cite-1-3"),
    ]
    assert main.backlinks()[1].description == "Back to citation 2 of 3"
    safety = version.subpages.get(kind="safety").page_references.get()
    assert [(link.label, link.citation_id) for link in safety.backlinks()] == [
        ("a", "safety-cite-1-1"),
        ("b", "safety-cite-1-2"),
    ]
    many = PageReference(reference=ReferenceFactory(), number=7, citation_count=28)
    assert [link.label for link in many.backlinks()][-3:] == ["z", "aa", "ab"]
    once = PageReference(reference=ReferenceFactory(), number=2, citation_count=1)
    assert once.backlinks()[0].description == "Back to the citation"


def test_every_backlink_of_a_page_leads_to_a_citation_on_it(client):
    version = review_citing("One [@a]. Two [@b; @a].", "Only [@b], twice [@b].")
    for url in [
        version.therapy.get_absolute_url(),
        version.subpages.get(kind="safety").get_absolute_url(),
    ]:
        html = client.get(url).content.decode()
        citation_ids = re.findall(r'class="cite-link" href="#ref-\d+" id="([^"]+)"', html)
        backlinks = re.findall(r'<a class="backlink" href="#([^"]+)" aria-label="([^"]+)"', html)
        assert sorted(target for target, _ in backlinks) == sorted(citation_ids), url
    main = client.get(version.therapy.get_absolute_url()).content.decode()
    reference = re.search(r'<li id="ref-1".*?</li>', main, re.S).group()
    assert re.findall(r'aria-label="([^"]+)">(\w)</a>', reference) == [
        ("Back to citation 1 of 3", "a"),
        ("Back to citation 2 of 3", "b"),
        ("Back to citation 3 of 3", "c"),
    ]
    reference = re.search(r'<li id="ref-2".*?</li>', main, re.S).group()
    assert (
        '<a class="backlink" href="#main-cite-2-1" aria-label="Back to the citation">' in reference
    )


def test_check_fragments_finds_a_stale_count_and_repairs_it():
    version = review_citing("One [@a]. Two [@a].", "Only [@b].")
    PageReference.objects.filter(version=version, subpage=None, number=1).update(citation_count=1)
    assert version_differences(version) == ["the numbered references"]
    call_command("check_fragments", "--repair", stdout=None)
    assert version_differences(version) == []
