"""The therapy index: A to Z, full-text search, filters, sorting, and bad input."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ratings.models import Attribute
from tests.factories import (
    CancerTypeFactory,
    CategoryFactory,
    FindingFactory,
    PublishedVersionFactory,
    RatingFactory,
    VersionFactory,
    evidence_level,
)
from therapies.models import ReviewVersion
from therapies.search import MAX_QUERY_LENGTH

pytestmark = pytest.mark.django_db


def index(client, **params):
    response = client.get(reverse("therapies:list"), params)
    assert response.status_code == 200
    return response


def names(response) -> list[str]:
    return [strip_tags(result.name) for result in response.context["versions"]]


def rate(version, code, score):
    return RatingFactory(version=version, attribute=Attribute.objects.get(code=code), score=score)


def test_index_lists_published_therapies_a_to_z(client):
    PublishedVersionFactory(name="Turmeric")
    PublishedVersionFactory(name="Acupuncture")
    VersionFactory(name="Mistletoe")  # a draft
    response = index(client)
    assert names(response) == ["Acupuncture", "Turmeric"]
    html = response.content.decode()
    assert "2 therapies" in html
    assert "Mistletoe" not in html


def test_a_name_match_ranks_above_a_body_only_match(client):
    PublishedVersionFactory(
        name="Astragalus", body="Sometimes taken together with melatonin at night."
    )
    PublishedVersionFactory(name="Melatonin", body="A hormone made by the body.")
    PublishedVersionFactory(name="Turmeric")
    assert names(index(client, q="melatonin")) == ["Melatonin", "Astragalus"]


def test_summary_matches_rank_above_body_matches(client):
    PublishedVersionFactory(name="Aloe", body="May help with fatigue.")
    PublishedVersionFactory(name="Ginseng", summary="Studied for cancer-related fatigue.")
    assert names(index(client, q="fatigue")) == ["Ginseng", "Aloe"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("naltrexon", "Low-dose naltrexone"),
        ("naltrexone", "Low-dose naltrexone"),
        ("melatonine", "Melatonin"),
        ("melatonn", "Melatonin"),
        ("LDN", "Low-dose naltrexone"),
        ("mistle toe", "Mistletoe"),
    ],
)
def test_small_misspellings_and_alternate_names_still_find_the_therapy(client, query, expected):
    PublishedVersionFactory(name="Low-dose naltrexone", alternate_names="LDN")
    PublishedVersionFactory(name="Melatonin")
    PublishedVersionFactory(name="Mistletoe", alternate_names="Viscum album")
    assert names(index(client, q=query)) == [expected]


def test_names_sharing_only_a_few_letters_do_not_match(client):
    PublishedVersionFactory(name="Mindfulness meditation")
    PublishedVersionFactory(name="Turkey tail mushroom", alternate_names="medicinal mushrooms")
    assert names(index(client, q="meditaton")) == ["Mindfulness meditation"]


def test_matched_words_are_highlighted_and_the_summary_is_escaped(client):
    PublishedVersionFactory(
        name="Melatonin",
        summary="May help sleep & mood <script>alert('x')</script> during chemotherapy.",
    )
    html = index(client, q="sleep").content.decode()
    assert "<mark>sleep</mark> &amp; mood" in html
    assert "<script>alert" not in html


def test_markers_in_the_summary_itself_cannot_inject_html(client):
    PublishedVersionFactory(
        name="Melatonin", summary="Sleep <mark onmouseover=alert(1)>better</mark>."
    )
    html = index(client, q="sleep").content.decode()
    assert "<mark onmouseover" not in html
    assert "&lt;mark onmouseover=alert(1)&gt;" in html


def test_search_combines_with_category_and_cancer_type_filters(client):
    supplements = CategoryFactory(name="Supplements", slug="supplements")
    drugs = CategoryFactory(name="Off-label drugs", slug="off-label-drugs")
    glioma = CancerTypeFactory(name="Brain cancer", slug="brain")
    wanted = PublishedVersionFactory(
        name="Melatonin", category=supplements, summary="Sleep and glioma."
    )
    FindingFactory(version=wanted, cancer_type=glioma)
    patches = PublishedVersionFactory(name="Melatonin patches", category=drugs, summary="Sleep.")
    FindingFactory(version=patches, cancer_type=glioma)
    # Reviewed for brain cancer, but without a finding about it: not listed for it.
    PublishedVersionFactory(name="Melatonin tea", category=supplements, cancer_types=[glioma])
    PublishedVersionFactory(name="Ginseng", category=supplements)
    response = index(client, q="melatonin", category="supplements", cancer="brain")
    assert names(response) == ["Melatonin"]
    html = response.content.decode()
    assert "Category: Supplements" in html
    assert "Cancer type: Brain cancer" in html
    assert names(index(client, category="supplements")) == ["Ginseng", "Melatonin", "Melatonin tea"]
    assert names(index(client, cancer="brain")) == ["Melatonin", "Melatonin patches"]


def test_minimum_rating_filter_and_sorting_by_that_rating(client):
    high = PublishedVersionFactory(name="Acupuncture")
    rate(high, "side_effects", 5)
    middle = PublishedVersionFactory(name="Yoga")
    rate(middle, "side_effects", 3)
    low = PublishedVersionFactory(name="Ginger")
    rate(low, "side_effects", 2)
    rate(low, "safety", 5)  # high on another attribute does not count
    PublishedVersionFactory(name="Mistletoe")  # not rated
    response = index(client, attribute="side_effects", min="3")
    assert names(response) == ["Acupuncture", "Yoga"]
    html = response.content.decode()
    assert "Side effects: rated 3 of 5 or higher" in html
    assert "5 of 5" in html  # each result shows the chosen rating
    by_rating = index(client, attribute="side_effects", min="1", sort="rating")
    assert names(by_rating) == ["Acupuncture", "Yoga", "Ginger"]
    assert names(index(client, attribute="side_effects", sort="rating")) == [
        "Acupuncture",
        "Yoga",
        "Ginger",
        "Mistletoe",
    ]


def test_sort_by_last_update_and_relevance_by_default_when_searching(client):
    import datetime

    PublishedVersionFactory(name="Aloe", last_updated=datetime.date(2020, 1, 1))
    PublishedVersionFactory(name="Zinc", last_updated=datetime.date(2024, 1, 1))
    assert names(index(client, sort="updated")) == ["Zinc", "Aloe"]
    assert names(index(client, sort="name")) == ["Aloe", "Zinc"]
    assert index(client, q="zinc").context["form"].ordering == "relevance"
    # Sorting by relevance without a search falls back to A to Z.
    assert names(index(client, sort="relevance")) == ["Aloe", "Zinc"]


@pytest.mark.parametrize("query", ["' OR 1=1 --", "'; DROP TABLE therapies_therapy; --", "!!!"])
def test_sql_looking_and_punctuation_searches_are_just_text(client, query):
    PublishedVersionFactory(name="Melatonin")
    VersionFactory(name="Secret draft")
    response = index(client, q=query)
    assert names(response) == []
    assert "We have not reviewed" in response.content.decode()


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_search_lists_everything(client, query):
    PublishedVersionFactory(name="Melatonin")
    response = client.get(reverse("therapies:list"), {"q": query}, follow=True)
    assert response.redirect_chain == [(reverse("therapies:list"), 301)]  # no empty field
    assert names(response) == ["Melatonin"]
    assert "could not use" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"category": "no-such-thing"}, "no such category"),
        ({"cancer": "../../etc/passwd"}, "no such cancer type"),
        ({"attribute": "side_effects", "min": "abc"}, "whole number from 1 to 5"),
        ({"attribute": "side_effects", "min": "9"}, "whole number from 1 to 5"),
        ({"attribute": "sleepiness", "min": "3"}, "no such attribute"),
        ({"min": "3"}, "Choose what the minimum rating applies to"),
        ({"sort": "name; DROP TABLE x"}, "cannot sort that way"),
        ({"q": "melatonin " * 100}, "up to 200 characters"),
        ({"q": "mela\x00tonin"}, "characters we cannot search for"),
    ],
)
def test_values_we_cannot_use_are_ignored_with_a_message(client, params, message):
    PublishedVersionFactory(name="Melatonin")
    response = index(client, **params)
    assert names(response) == ["Melatonin"]  # the rest of the request still applies
    assert message in response.content.decode()


# Not named "page": that is pytest-playwright's fixture, and would make this a browser test.
@pytest.mark.parametrize("number", ["abc", "999", "-1", "0", "\x00", "9" * 30])
def test_odd_page_numbers_show_a_page(client, number):
    PublishedVersionFactory(name="Melatonin")
    assert names(index(client, page=number)) == ["Melatonin"]


def test_drafts_never_appear_in_search(client):
    published = PublishedVersionFactory(name="Melatonin", summary="Helps sleep.")
    VersionFactory(therapy=published.therapy, summary="Unapproved claim about insomnia.")
    VersionFactory(name="Secret mushroom", summary="Unapproved.")
    assert names(index(client, q="insomnia")) == []
    assert names(index(client, q="mushroom")) == []
    assert names(index(client, q="sleep")) == ["Melatonin"]


def test_pagination_links_keep_the_search_and_filters(client):
    category = CategoryFactory(slug="supplements")
    for n in range(32):
        PublishedVersionFactory(name=f"Tea {n:02}", category=category)
    response = index(client, q="tea", category="supplements")
    assert len(names(response)) == 20
    html = response.content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?q=tea&amp;category=supplements&amp;page=2"' in html
    assert len(names(index(client, q="tea", category="supplements", page="2"))) == 12


def test_results_can_be_picked_for_comparison_without_javascript(client):
    version = PublishedVersionFactory(name="Melatonin")
    html = index(client).content.decode()
    assert f'action="{reverse("therapies:compare")}" method="get"' in html
    assert f'name="therapies" value="{version.therapy.slug}"' in html
    assert "Compare selected therapies" in html


def build_catalogue(size: int):
    """``size`` published therapies with categories, cancer types and ratings."""
    cancer = CancerTypeFactory(slug="brain")
    category = CategoryFactory(slug="supplements")
    for n in range(size):
        version = PublishedVersionFactory(
            name=f"Therapy {n:02}",
            category=category if n % 2 else CategoryFactory(),
            summary=f"Summary {n} about sleep.",
        )
        version.cancer_types.add(cancer, CancerTypeFactory())
        FindingFactory(version=version, cancer_type=cancer)
        for code in ("side_effects", "safety", "treatment_outcomes"):
            RatingFactory(
                version=version,
                attribute=Attribute.objects.get(code=code),
                score=n % 6,
                evidence_level=evidence_level("preliminary"),
            )
        VersionFactory(therapy=version.therapy)  # an open draft beside it


@pytest.mark.parametrize("size", [3, 40], ids=["small", "large"])
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        # categories, cancer types and attributes for the form; the paginator's count and
        # page; the chosen rating of each result on the page, when there is one; the findings
        # for the cancer type of each, when one is chosen
        ({}, 3),
        ({"q": "sleep"}, 3),
        ({"q": "therapy", "category": "supplements", "cancer": "brain"}, 4),
        ({"attribute": "side_effects", "min": "1", "sort": "rating"}, 4),
        ({"q": "sleep", "attribute": "safety"}, 4),
    ],
    ids=["index", "search", "search-filtered", "rating-filter", "search-rating"],
)
def test_index_query_count_does_not_grow_with_content(
    client, django_assert_num_queries, size, params, queries
):
    build_catalogue(size)
    with django_assert_num_queries(queries):
        response = client.get(reverse("therapies:list"), params)
    assert response.status_code == 200
    assert response.context["paginator"].count > 0


@pytest.mark.parametrize("size", [3, 40], ids=["small", "large"])
def test_home_query_count_does_not_grow_with_content(client, django_assert_num_queries, size):
    build_catalogue(size)
    # recent reviews, cancer types, goals
    with django_assert_num_queries(3):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_home_offers_entry_points_by_cancer_type_and_by_goal(client):
    brain = CancerTypeFactory(name="Brain cancer", slug="brain")
    untested = CancerTypeFactory(name="Reviewed without findings", slug="none")
    drafted = CancerTypeFactory(name="Only in drafts", slug="drafted")
    FindingFactory(cancer_type=brain)
    PublishedVersionFactory(cancer_types=[untested])
    FindingFactory(version=VersionFactory(), cancer_type=drafted)
    html = client.get(reverse("home")).content.decode()
    list_url = reverse("therapies:list")
    assert f'href="{reverse("therapies:cancer_type", args=["brain"])}"' in html
    assert "Brain cancer" in html
    assert "Reviewed without findings" not in html
    assert "Only in drafts" not in html
    for attribute in Attribute.objects.filter(is_evidence_based=True):
        assert f'href="{list_url}?attribute={attribute.code}&amp;min=3&amp;sort=rating"' in html
        assert attribute.label in html
    assert "?attribute=safety" not in html


def test_a_corrected_search_says_what_it_searched_for(client):
    PublishedVersionFactory(name="Melatonin", summary="A hormone that regulates sleep.")
    PublishedVersionFactory(name="Ginger", body="Sometimes taken with melatonin.")
    misspelt = index(client, q="melatonn sleep")
    assert names(misspelt) == ["Melatonin"]
    assert "Showing results for <strong>“melatonin sleep”</strong>" in misspelt.content.decode()
    exact = index(client, q="melatonin")
    assert names(exact) == ["Melatonin", "Ginger"]
    assert "Showing results for" not in exact.content.decode()


# Every character websearch_to_tsquery treats as syntax, words it treats as operators, and runs
# of dashes (each one nests an operator) between them.
QUERY_SYNTAX = (
    st.lists(
        st.sampled_from(
            ['"', "(", ")", "|", "!", "&", ":", "*", "or", "OR", "a", "-a", "melatonin"]
        )
        | st.integers(1, 80).map(lambda n: "-" * n)
        | st.integers(1, 40).map(lambda n: "- " * n),
        max_size=12,
    )
    .map(" ".join)
    .map(lambda text: text[:MAX_QUERY_LENGTH])
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=QUERY_SYNTAX)
def test_any_search_text_gets_a_page(client, query):
    """Dozens of dashes once overflowed PostgreSQL's tsquery stack: a 500 for anyone."""
    if not ReviewVersion.objects.exists():  # with no rows to match, no query is parsed
        PublishedVersionFactory(name="Melatonin")
    index = client.get(reverse("therapies:list"), {"q": query}, follow=True)
    assert index.status_code == 200
    compare = client.get(reverse("therapies:compare"), {"add": query}, follow=True)
    assert compare.status_code == 200


def test_a_query_of_dashes_is_no_error_and_a_negated_word_still_excludes(client):
    PublishedVersionFactory(name="Melatonin", summary="Sleep.")
    PublishedVersionFactory(name="Ginger", summary="Nausea and sleep.")
    assert client.get(reverse("therapies:list"), {"q": "-" * 200}).status_code == 200
    html = client.get(reverse("therapies:list"), {"q": "sleep -ginger"}).content.decode()
    assert "Melatonin" in html
    assert "Ginger" not in html
