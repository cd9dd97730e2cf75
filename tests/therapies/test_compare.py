"""Comparing published therapies side by side on the seven attributes."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.urls import reverse

from ratings.models import Attribute
from tests.factories import (
    PublishedVersionFactory,
    RatingFactory,
    VersionFactory,
    evidence_level,
)
from therapies.comparison import CompareForm

pytestmark = pytest.mark.django_db


def compare(client, therapies):
    """GET the comparison; ``therapies`` is one string or a list (repeated parameters)."""
    response = client.get(reverse("therapies:compare"), {"therapies": therapies})
    assert response.status_code == 200
    return response


def compared(response) -> list[str]:
    return [therapy.name for therapy in response.context["comparison"].therapies]


def therapies(count: int) -> list[str]:
    return [
        PublishedVersionFactory(name=f"Therapy {n}", therapy__slug=f"therapy-{n}").therapy.slug
        for n in range(count)
    ]


def test_one_therapy_shows_its_ratings_and_suggests_adding_more(client):
    version = PublishedVersionFactory(name="Low-dose naltrexone", therapy__slug="ldn")
    RatingFactory(
        version=version,
        attribute=Attribute.objects.get(code="treatment_outcomes"),
        score=2,
        evidence_level=evidence_level("preliminary"),
        note="- Longer survival in small studies.",
    )
    PublishedVersionFactory(name="Melatonin")
    html = compare(client, "ldn").content.decode()
    assert "Add another therapy" in html
    assert "<caption" in html
    assert html.count('<th scope="row" role="rowheader">') == 7
    assert html.count('<th scope="col" role="columnheader">') == 1
    assert 'role="region"' in html
    assert 'tabindex="0"' in html
    assert "2 of 5" in html
    assert html.count("Not rated yet") == 6
    assert "Preliminary evidence" in html
    # "Why this rating" leads to the note itself, inside its "See more"
    assert 'href="/therapies/ldn/#rating-treatment_outcomes-note"' in html
    assert 'Why this rating<span class="visually-hidden">: treatment outcomes for low-dose' in html
    assert "#rating-safety" not in html  # no note, nothing to link to
    # ... and a form to add one more by name
    assert 'type="search" name="add"' in html
    assert '<input type="hidden" name="therapies" value="ldn">' in html


@pytest.mark.parametrize(
    "as_given",
    [
        lambda slugs: ",".join(slugs),
        lambda slugs: slugs,  # repeated ?therapies=... from the index's checkboxes
        lambda slugs: [",".join(slugs[:2]), *slugs[2:]],
    ],
    ids=["comma-separated", "repeated", "mixed"],
)
def test_four_therapies_side_by_side_in_the_order_asked(client, as_given):
    slugs = therapies(4)
    asked = [slugs[2], slugs[0], slugs[3], slugs[1]]
    response = compare(client, as_given(asked))
    assert compared(response) == ["Therapy 2", "Therapy 0", "Therapy 3", "Therapy 1"]
    html = response.content.decode()
    assert html.count('<th scope="col" role="columnheader">') == 4
    assert "Add a therapy" not in html  # four is the most
    assert "Remove<span" in html


def test_of_five_therapies_the_first_four_are_compared_and_the_fifth_named(client):
    slugs = therapies(5)
    response = compare(client, ",".join(slugs))
    assert compared(response) == ["Therapy 0", "Therapy 1", "Therapy 2", "Therapy 3"]
    html = response.content.decode()
    assert "We show up to 4 therapies side by side" in html
    assert "Therapy 4 is left out" in html
    assert "no-cache" in response["Cache-Control"]  # not an address to keep


def test_unknown_therapies_do_not_count_toward_the_four(client):
    slugs = therapies(4)
    response = compare(client, ["no-such-thing", *slugs[:2], "nor-this", *slugs[2:]])
    assert compared(response) == ["Therapy 0", "Therapy 1", "Therapy 2", "Therapy 3"]
    html = response.content.decode()
    assert "We have no review of “no-such-thing”, so it is left out." in html
    assert "We have no review of “nor-this”" in html
    assert "left out. Remove one" not in html  # no known therapy is left out


def test_thousands_of_slugs_cost_the_same_as_a_few(client, django_assert_num_queries):
    slugs = therapies(2)
    with django_assert_num_queries(3):
        response = compare(client, ",".join([*slugs, *(f"x{n}" for n in range(5000))]))
    assert compared(response) == ["Therapy 0", "Therapy 1"]
    html = response.content.decode()
    assert "You asked for 5002 therapies; we looked at the first 12 only." in html
    assert html.count("We have no review of") == 10


def test_the_same_therapy_twice_counts_once(client):
    slug = therapies(1)[0]
    assert compared(compare(client, [slug, f"{slug},{slug}"])) == ["Therapy 0"]


@pytest.mark.parametrize(
    "unknown", ["no-such-therapy", "../../etc/passwd", "<script>x</script>", "x\x00y", "z" * 5000]
)
def test_unknown_slugs_are_reported_and_the_rest_still_shown(client, unknown):
    slug = therapies(1)[0]
    response = compare(client, f"{slug},{unknown}")
    assert compared(response) == ["Therapy 0"]
    html = response.content.decode()
    assert "We have no review of “" in html
    assert "<script>x" not in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "\x00" not in main
    assert "z" * 100 not in main  # long ones are shortened


def test_drafts_never_appear_in_a_comparison(client):
    published = PublishedVersionFactory(name="Melatonin", therapy__slug="melatonin")
    VersionFactory(therapy=published.therapy, summary="Draft")
    VersionFactory(name="Secret draft", therapy__slug="secret")
    response = compare(client, "melatonin,secret")
    assert compared(response) == ["Melatonin"]
    html = response.content.decode()
    assert "Secret draft" not in html  # neither compared nor offered
    assert response.context["comparison"].unknown == ["secret"]


def test_nothing_chosen_explains_how_to_choose(client):
    therapies(2)
    response = client.get(reverse("therapies:compare"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose two to 4 therapies" in html
    assert "Add a therapy to compare" in html


def test_compare_page_has_one_h1(client):
    slugs = therapies(2)
    html = compare(client, ",".join(slugs)).content.decode()
    assert html.count("<h1") == 1


@pytest.mark.parametrize("size", [5, 40], ids=["small", "large"])
@pytest.mark.parametrize("chosen", [1, 4])
def test_compare_query_count_does_not_grow_with_content(
    client, django_assert_num_queries, size, chosen
):
    slugs = therapies(size)
    for n, slug in enumerate(slugs):
        version = PublishedVersionFactory._meta.model.objects.get(therapy__slug=slug)
        for attribute in Attribute.objects.all():
            RatingFactory(
                version=version,
                attribute=attribute,
                score=n % 6,
                evidence_level=evidence_level("modest") if attribute.is_evidence_based else None,
            )
    # the published versions (with their therapies and categories), their ratings (with their
    # evidence levels), the attributes
    with django_assert_num_queries(3):
        response = compare(client, ",".join(slugs[:chosen]))
    assert len(compared(response)) == chosen


def test_a_therapy_is_added_by_its_name_even_misspelt(client):
    slugs = therapies(2)
    PublishedVersionFactory(name="Melatonin", therapy__slug="melatonin")
    response = client.get(
        reverse("therapies:compare"), {"therapies": slugs[0], "add": "melatonine"}
    )
    assert response.status_code == 302
    assert response.url == reverse("therapies:compare") + f"?therapies={slugs[0]}%2Cmelatonin"


def test_a_name_that_matches_nothing_is_said_plainly(client):
    slugs = therapies(1)
    response = client.get(
        reverse("therapies:compare"), {"therapies": slugs[0], "add": "unicorn tears\x00"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "We found no therapy called" in html
    assert "unicorn tears" in html
    assert response.context["comparison"].therapies[0].slug == slugs[0]
    assert "X-Cache" not in response  # never stored: it holds what the reader typed


def test_a_therapy_is_added_by_another_of_its_names(client):
    PublishedVersionFactory(
        name="Low-dose naltrexone", alternate_names="LDN", therapy__slug="low-dose-naltrexone"
    )
    PublishedVersionFactory(name="Melatonin", therapy__slug="melatonin")
    response = client.get(reverse("therapies:compare"), {"therapies": "melatonin", "add": "ldn"})
    assert response.url.endswith("?therapies=melatonin%2Clow-dose-naltrexone")


def test_nothing_chosen_runs_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("therapies:compare"), {"therapies": " , ,"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("data", "slugs"),
    [
        ({}, []),
        ({"therapies": ""}, []),
        ({"therapies": "a,b"}, ["a", "b"]),
        ({"therapies": ["a", "b,c", "a"]}, ["a", "b", "c"]),  # repeated, mixed, each once
        ({"therapies": [" a ", "b\x00", ",,"]}, ["a", "b"]),  # spaces, NUL and empties dropped
    ],
)
def test_the_form_reads_therapies_in_every_form_they_come(data, slugs):
    form = CompareForm(QueryDict(urlencode(data, doseq=True)))
    assert form.is_valid()
    assert form.cleaned_data["therapies"] == slugs


def test_the_form_shortens_a_typed_name_and_drops_control_characters():
    form = CompareForm({"add": " mela\x00tonin " + "x" * 500})
    assert form.is_valid()
    assert form.cleaned_data["add"] == ("melatonin " + "x" * 500)[:200]


@pytest.mark.parametrize("typed", ["-" * 80, "- " * 40, '"(!|&:*', "melatonin -" + "-" * 60])
def test_search_syntax_typed_as_a_name_is_no_error(client, typed):
    PublishedVersionFactory(name="Ginger", summary="Nausea.", therapy__slug="ginger")
    response = client.get(reverse("therapies:compare"), {"therapies": "ginger", "add": typed})
    assert response.status_code == 200
    assert "We found no therapy called" in response.content.decode()
