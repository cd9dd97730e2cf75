"""Search that finds what people type: misspellings, word beginnings, other names, a passage
with the words marked wherever they matched, and a plain answer for what we have not reviewed."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from ratings.models import Attribute
from tests.factories import (
    CancerTypeFactory,
    FindingFactory,
    PublishedVersionFactory,
    RatingFactory,
    SubPageFactory,
)
from therapies.models import SubPage

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get(reverse("therapies:list"), params)
    assert response.status_code == 200
    return response


def names(response) -> list[str]:
    return [strip_tags(result.name) for result in response.context["versions"]]


@pytest.fixture
def catalogue():
    """Published reviews named and summarised like the demo's."""
    PublishedVersionFactory(
        name="Melatonin",
        summary="A sleep hormone sold as a supplement, studied alongside chemotherapy.",
    )
    PublishedVersionFactory(
        name="Curcumin",
        alternate_names="turmeric, Curcuma longa",
        summary="The main active compound in turmeric.",
    )
    PublishedVersionFactory(name="Exercise", summary="Physical activity during treatment.")
    PublishedVersionFactory(
        name="Mistletoe",
        alternate_names="European mistletoe, Viscum album",
        summary="Injected extracts of European mistletoe.",
    )
    PublishedVersionFactory(
        name="Low-dose naltrexone",
        alternate_names="LDN",
        summary="A prescription drug given off-label in small doses.",
    )
    PublishedVersionFactory(name="Vitamin D", summary="A vitamin the skin makes in sunlight.")


@pytest.mark.parametrize(
    ("typed", "corrected", "found"),
    [
        ("meltonin", "melatonin", "Melatonin"),
        ("tumeric", "turmeric", "Curcumin"),
        ("excercise", "exercise", "Exercise"),
        ("mistelto", "mistletoe", "Mistletoe"),
        ("melatonn sleep", "melatonin sleep", "Melatonin"),
    ],
)
def test_misspelt_words_find_the_review_and_the_page_says_what_it_searched_for(
    client, catalogue, typed, corrected, found
):
    response = search(client, q=typed)
    assert names(response) == [found]
    html = response.content.decode()
    assert f"No review mentions “{typed}”. Showing results for <strong>“{corrected}”</strong>" in (
        html
    )
    assert "<mark>" in html  # the corrected words are marked


@pytest.mark.parametrize("typed", ["naltrexon", "naltrex", "NALTREX"])
def test_the_beginning_of_a_word_finds_it(client, catalogue, typed):
    response = search(client, q=typed)
    assert names(response) == ["Low-dose naltrexone"]
    assert "Showing results for" not in response.content.decode()


def test_an_alternate_name_finds_the_review_and_is_marked(client, catalogue):
    html = search(client, q="LDN").content.decode()
    assert "Also called <mark>LDN</mark>" in html
    assert "Low-dose naltrexone" in html


def test_the_name_is_marked_when_it_matches(client, catalogue):
    html = search(client, q="mistletoe").content.decode()
    assert '<a href="/therapies/' in html
    assert "><mark>Mistletoe</mark></a></h2>" in html
    assert "Also called European <mark>mistletoe</mark>, Viscum album" in html


@pytest.mark.parametrize("where", ["body", "note", "subpage"])
def test_a_match_anywhere_in_the_review_shows_its_passage_marked(client, where):
    version = PublishedVersionFactory(name="Ginger", summary="A root eaten for nausea.")
    PublishedVersionFactory(name="Yoga", summary="Gentle movement.")
    sentence = "Some patients describe less breathlessness after a few weeks."
    if where == "body":
        version.body = f"Ginger is a spice. {sentence}"
        version.save()
    elif where == "note":
        RatingFactory(version=version, attribute=Attribute.objects.first(), note=sentence)
    else:
        SubPageFactory(version=version, kind=SubPage.Kind.SAFETY, body=sentence)
    version.index_for_search()  # as publishing does, once ratings and sub-pages exist
    response = search(client, q="breathlessness")
    assert names(response) == ["Ginger"]
    assert "less <mark>breathlessness</mark> after" in response.content.decode()


def test_a_passage_reads_as_the_review_does(client):
    """No gap where a citation was, no word cut out between two fragments."""
    version = PublishedVersionFactory(name="Ginger", summary="A root eaten for nausea.")
    version.body = (
        "In several small trials, many from one research group, people who took it had "
        "less breathlessness [@a]. A later review of those trials found the same, though "
        "most were small [@b; @c]. Breathlessness was measured in different ways."
    )
    version.save()
    version.index_for_search()
    passage = search(client, q="breathlessness").context["versions"][0].passage
    assert "many from one research group" in passage
    assert "less <mark>breathlessness</mark>. A later review" in passage
    assert " ." not in passage
    assert "[@" not in passage


@pytest.mark.parametrize("typed", ["vitamin c", "ivermectin", "Vitamin C"])
def test_a_therapy_we_have_not_reviewed_is_said_plainly_with_an_offer_to_suggest_it(
    client, catalogue, typed
):
    response = search(client, q=typed)
    assert names(response) == []
    html = response.content.decode()
    assert f"We have not reviewed “{typed}”." in html
    suggest = (
        reverse("therapies:contact") + "?kind=suggestion&amp;therapy=" + typed.replace(" ", "+")
    )
    assert f'href="{suggest}"' in html
    assert "Vitamin D" not in strip_tags(html.split("<main", 1)[1])
    assert "Did you mean" not in html
    assert "Showing results for" not in html


def test_the_suggestion_link_prefills_the_contact_form(client, catalogue):
    response = client.get(
        reverse("therapies:contact"), {"kind": "suggestion", "therapy": "ivermectin"}
    )
    assert "Please review ivermectin." in response.content.decode()


@pytest.mark.parametrize("typed", ["brain cancer", "Brain", "brain-cancer"])
def test_searching_for_a_cancer_type_lists_what_its_filter_lists(client, typed):
    brain = CancerTypeFactory(name="Brain cancer", slug="brain-cancer")
    reviewed = PublishedVersionFactory(name="Melatonin", summary="Studied in glioma.")
    FindingFactory(version=reviewed, cancer_type=brain)
    PublishedVersionFactory(name="Ginger", summary="Not studied in brain cancer at all.")
    PublishedVersionFactory(name="Ginseng", summary="Tagged only.", cancer_types=[brain])
    found = search(client, q=typed)
    assert names(found) == names(search(client, cancer="brain-cancer")) == ["Melatonin"]
    assert "is a cancer type we cover" in found.content.decode()


def test_sorting_by_rating_without_an_attribute_is_explained(client):
    PublishedVersionFactory(name="Yoga")
    PublishedVersionFactory(name="Acupuncture")
    response = search(client, sort="rating")
    assert names(response) == ["Acupuncture", "Yoga"]
    assert "To sort by rating, choose what the rating is for" in response.content.decode()


@pytest.mark.parametrize("number", ["0", "-3", "-0", "abc"])
def test_page_zero_and_negative_pages_show_page_one(client, number):
    for n in range(25):
        PublishedVersionFactory(name=f"Tea {n:02}")
    response = search(client, page=number)
    assert response.context["page_obj"].number == 1
    assert names(response)[0] == "Tea 00"


def test_a_search_address_loses_its_empty_fields(client):
    PublishedVersionFactory(name="Melatonin")
    response = client.get(
        reverse("therapies:list"), {"q": "melatonin", "category": "", "cancer": "", "sort": ""}
    )
    assert response.status_code == 301
    assert response["Location"] == reverse("therapies:list") + "?q=melatonin"


def test_links_the_page_writes_carry_no_empty_fields(client):
    for n in range(25):
        PublishedVersionFactory(name=f"Tea {n:02}")
    html = search(client, q="tea").content.decode()
    assert 'href="?q=tea&amp;page=2"' in html
    second = search(client, q="tea", page="2").content.decode()
    assert 'href="?q=tea" rel="prev"' in second
    assert "=&amp;" not in html
    assert "=&amp;" not in second


def test_the_index_search_box_is_named_apart_from_the_header_one(client):
    html = search(client).content.decode()
    assert '<label class="visually-hidden" for="site-search-q">Search therapies</label>' in html
    assert '<label for="id_q">Search the reviews</label>' in html


def test_a_cancer_type_with_no_reviews_is_not_called_a_therapy_we_have_not_reviewed(client):
    lung = CancerTypeFactory(name="Lung cancer", slug="lung-cancer")
    PublishedVersionFactory(name="Melatonin", cancer_types=[lung])  # without findings for it
    html = search(client, q="lung cancer").content.decode()
    assert "None of our reviews has research findings for lung cancer yet." in html
    assert "We have not reviewed “lung cancer”" not in html
