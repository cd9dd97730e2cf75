"""The cancer-type guides (/cancer-types/<slug>/), their index, and the therapy index's cancer
type filter, which asks the same findings."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from ratings.models import Attribute
from tests.factories import (
    CancerTypeFactory,
    FindingFactory,
    PublishedVersionFactory,
    VersionFactory,
    evidence_level,
    role_user,
)
from therapies.models import Finding, ReviewVersion
from therapies.workflow import approve_version, publish_version, start_draft, submit_version

pytestmark = pytest.mark.django_db

BENEFIT, NO_BENEFIT, HARM, MIXED = (
    Finding.Direction.BENEFIT,
    Finding.Direction.NO_BENEFIT,
    Finding.Direction.HARM,
    Finding.Direction.MIXED,
)


def find(
    version,
    cancer,
    *,
    benefit="treatment_outcomes",
    direction=BENEFIT,
    level="preliminary",
    **fields,
):
    return FindingFactory(
        version=version,
        cancer_type=cancer,
        attribute=Attribute.objects.get(code=benefit),
        direction=direction,
        evidence_level=evidence_level(level),
        **fields,
    )


def guide(client, cancer, **params):
    response = client.get(reverse("therapies:cancer_type", args=[cancer.slug]), params)
    assert response.status_code == 200
    return response


def section(html: str, code: str) -> str:
    """The part of a guide under one benefit's heading."""
    start = html.index(f'<h2 id="benefit-{code}">')
    end = html.find("</section>", start)
    return html[start:end]


def therapy_names(part: str) -> list[str]:
    return [strip_tags(name).strip() for name in re.findall(r"<h3>(.*?)</h3>", part)]


@pytest.fixture
def breast():
    return breast_cancer_guide()


def breast_cancer_guide():
    """Breast cancer, with findings of five therapies across two benefits, and a therapy
    reviewed for it without any finding about it."""
    cancer = CancerTypeFactory(name="Breast cancer", slug="breast-cancer")
    metformin = PublishedVersionFactory(name="Metformin", therapy__slug="metformin")
    find(
        metformin,
        cancer,
        direction=NO_BENEFIT,
        level="good",
        outcome="longer survival",
        population="women with early breast cancer",
        detail="from one large randomized trial",
    )
    melatonin = PublishedVersionFactory(name="Melatonin", therapy__slug="melatonin")
    find(
        melatonin,
        cancer,
        level="preliminary",
        outcome="longer survival",
        population="women with metastatic breast cancer",
        combined_with="tamoxifen",
    )
    find(
        melatonin,
        cancer,
        benefit="side_effects",
        level="modest",
        outcome="better sleep",
        population="women after surgery for breast cancer",
    )
    yoga = PublishedVersionFactory(name="Yoga", therapy__slug="yoga")
    find(
        yoga,
        cancer,
        benefit="side_effects",
        level="strong",
        outcome="less fatigue",
        population="women during radiotherapy",
    )
    beta = PublishedVersionFactory(name="Beta-carotene", therapy__slug="beta-carotene")
    find(
        beta,
        cancer,
        direction=HARM,
        level="weak",
        outcome="more cancers coming back",
        population="women who smoke",
    )
    mistletoe = PublishedVersionFactory(name="Mistletoe", therapy__slug="mistletoe")
    find(
        mistletoe,
        cancer,
        direction=MIXED,
        level="modest",
        outcome="quality of life",
        population="women during chemotherapy",
    )
    # Reviewed for breast cancer, but with no finding about it: not listed as evidence.
    PublishedVersionFactory(name="Ginger", cancer_types=[cancer])
    return cancer


def test_a_guide_lists_each_benefits_therapies_best_evidence_first(client, breast):
    html = guide(client, breast).content.decode()
    assert "<h1>Breast cancer: what the research shows</h1>" in html
    outcomes = section(html, "treatment_outcomes")
    # good, then modest (mixed results), then preliminary, then weak
    assert therapy_names(outcomes) == ["Metformin", "Mistletoe", "Melatonin", "Beta-carotene"]
    assert therapy_names(section(html, "side_effects")) == ["Yoga", "Melatonin"]
    # The benefits in their order, each with a heading, those without findings saying so.
    headings = re.findall(r'<h2 id="benefit-([a-z_]+)">', html)
    assert headings == ["treatment_outcomes", "body_terrain", "side_effects", "cancer_risk"]
    assert "No findings for this benefit in breast cancer." in section(html, "body_terrain")
    assert "Ginger" not in html
    assert '<p class="meta guide-count">4 therapies with findings</p>' in outcomes
    assert '<p class="meta guide-count">2 therapies with findings</p>' in section(
        html, "side_effects"
    )
    assert "See all" not in html  # five or fewer a benefit: all shown


def test_each_finding_says_which_way_it_points_in_words_with_an_icon(client, breast):
    html = guide(client, breast).content.decode()
    outcomes = section(html, "treatment_outcomes")
    metformin = outcomes[outcomes.index("Metformin") : outcomes.index("Mistletoe")]
    assert re.search(
        r'class="direction direction-no-benefit"><svg[^>]*>.*?</svg>No benefit<', metformin
    )
    assert (
        "Good evidence of no benefit</a> for longer survival among women with early breast"
        in metformin
    )
    assert "from one large randomized trial." in metformin
    beta = outcomes[outcomes.index("Beta-carotene") :]
    assert re.search(r"direction-harm\"><svg.*?</svg>Harm<", beta)
    assert "Weak evidence of harm</a>: more cancers coming back among women who smoke." in beta
    mistletoe = outcomes[outcomes.index("Mistletoe") : outcomes.index("Melatonin")]
    assert "Mixed results<" in mistletoe
    melatonin = outcomes[outcomes.index("Melatonin") :]
    assert re.search(r"direction-benefit\"><svg.*?</svg>Benefit<", melatonin)
    assert "Preliminary evidence</a> of longer survival with tamoxifen among women" in melatonin
    # The badge links to the level's definition.
    assert f'href="{reverse("ratings:methodology")}#level-good"' in metformin


def test_a_therapy_links_to_its_research_findings_and_prints_its_address(client, breast):
    html = guide(client, breast).content.decode()
    research = reverse("therapies:subpage", args=["metformin", "how-it-can-help"])
    assert f'<h3><a href="{research}#findings-treatment_outcomes">Metformin</a></h3>' in html
    address = settings.SITE_URL + reverse("therapies:detail", args=["metformin"])
    assert f'<p class="print-only review-address">Review: {address}</p>' in html


def test_a_guide_says_what_it_is_its_date_and_that_it_is_not_advice(client, breast):
    ReviewVersion.objects.filter(name="Yoga").update(last_updated=datetime.date(2025, 3, 4))
    html = guide(client, breast).content.decode()
    today = timezone.localdate()
    assert f'Guide as of</dt><dd><time datetime="{today.isoformat()}">' in html
    assert "Not medical advice:</strong> talk with your care team" in html
    assert 'Last updated</dt><dd><time datetime="2025-03-04">March 4, 2025</time>' in html


def test_only_published_findings_are_shown(client, breast):
    draft = VersionFactory(name="Draft therapy")
    find(draft, breast, outcome="draft words")
    withdrawn = PublishedVersionFactory(
        name="Withdrawn therapy", state=ReviewVersion.State.WITHDRAWN
    )
    find(withdrawn, breast, outcome="withdrawn words")
    # The published version's findings, not those of the draft being written on top of it.
    yoga = ReviewVersion.objects.get(name="Yoga")
    newer = VersionFactory(therapy=yoga.therapy, name="Yoga")
    find(newer, breast, level="strong", outcome="unapproved words")
    superseded = PublishedVersionFactory(name="Old therapy", state=ReviewVersion.State.SUPERSEDED)
    find(superseded, breast, outcome="superseded words")
    html = guide(client, breast).content.decode()
    for words in [
        "Draft therapy",
        "draft words",
        "Withdrawn therapy",
        "withdrawn words",
        "unapproved words",
        "Old therapy",
        "superseded words",
    ]:
        assert words not in html
    assert "less fatigue" in html
    index = client.get(reverse("therapies:cancer_types")).content.decode()
    assert "5 therapies, 6 findings" in index


def test_filters_by_benefit_and_minimum_level(client, breast):
    html = guide(client, breast, benefit="side_effects").content.decode()
    assert re.findall(r'<h2 id="benefit-([a-z_]+)">', html) == ["side_effects"]
    assert therapy_names(html) == ["Yoga", "Melatonin"]
    html = guide(client, breast, min="modest").content.decode()
    assert therapy_names(section(html, "treatment_outcomes")) == ["Metformin", "Mistletoe"]
    assert "Modest evidence or stronger" in html
    html = guide(client, breast, benefit="treatment_outcomes", min="strong").content.decode()
    assert "No findings at the level you chose for this benefit in breast cancer." in html
    assert "<strong>0 therapies</strong> with findings for improving treatment" in html


def test_too_little_evidence_to_judge_is_left_out_by_any_minimum_level(client, breast):
    vitamin = PublishedVersionFactory(name="Vitamin C")
    find(vitamin, breast, level="insufficient", outcome="longer survival", population="anyone")
    html = guide(client, breast).content.decode()
    vitamin_c = section(html, "treatment_outcomes").split(">Vitamin C<")[1]
    # A possible benefit nobody has properly tested never reads as a benefit.
    assert re.search(r"direction-too-little\"><svg.*?</svg>Too little to judge<", vitamin_c)
    assert ">Benefit<" not in vitamin_c
    assert "Too little evidence to judge</a>: longer survival among anyone." in vitamin_c
    index = client.get(reverse("therapies:list"), {"cancer": "breast-cancer"}).content.decode()
    vitamin_c = index.split(">Vitamin C<")[1]
    assert (
        "Too little to judge</span> <span>Treatment outcomes: too little evidence to judge"
        in vitamin_c
    )
    assert "Vitamin C" not in guide(client, breast, min="weak").content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"benefit": "safety"}, "We rate no such benefit, so we show all four."),
        ({"benefit": "../../etc/passwd"}, "We rate no such benefit"),
        ({"min": "harm"}, "We have no such level of evidence"),
        ({"min": "abc\x00"}, "We have no such level of evidence"),
    ],
)
def test_values_we_cannot_use_are_named_and_the_rest_applies(client, breast, params, message):
    response = guide(client, breast, **params)
    html = response.content.decode()
    assert message in html
    assert therapy_names(section(html, "side_effects")) == ["Yoga", "Melatonin"]
    assert "no-cache" in response["Cache-Control"]


def test_links_carry_no_empty_fields_and_an_empty_field_is_dropped(client, breast):
    html = guide(client, breast, benefit="side_effects", min="modest").content.decode()
    assert 'href="?min=modest">Remove' in html
    assert 'href="?benefit=side_effects">Remove' in html
    url = reverse("therapies:cancer_type", args=[breast.slug])
    response = client.get(url, {"benefit": "", "min": "modest"})
    assert response.status_code == 301
    assert response["Location"] == f"{url}?min=modest"


def test_an_unknown_cancer_type_is_404_and_one_without_findings_says_so(client, breast):
    assert client.get(reverse("therapies:cancer_type", args=["no-such"])).status_code == 404
    lung = CancerTypeFactory(name="Lung cancer", slug="lung-cancer")
    PublishedVersionFactory(cancer_types=[lung])
    html = guide(client, lung).content.decode()
    assert "We have not yet published research findings for lung cancer." in html


def test_the_guides_index_lists_cancer_types_with_published_findings(client, breast):
    lung = CancerTypeFactory(name="Lung cancer", slug="lung-cancer")
    PublishedVersionFactory(cancer_types=[lung])  # reviewed for it, without findings
    drafted = CancerTypeFactory(name="Only in drafts")
    find(VersionFactory(), drafted)
    html = client.get(reverse("therapies:cancer_types")).content.decode()
    assert (
        f'<a href="{reverse("therapies:cancer_type", args=[breast.slug])}">Breast cancer</a>'
        in html
    )
    assert "5 therapies, 6 findings" in html
    assert "Lung cancer" not in html
    assert "Only in drafts" not in html


def test_the_home_page_leads_to_the_guides_with_counts_from_findings(client, breast):
    html = client.get(reverse("home")).content.decode()
    url = reverse("therapies:cancer_type", args=[breast.slug])
    assert f'<a href="{url}">Breast cancer</a> <span class="meta">(5 therapies)</span>' in html
    assert reverse("therapies:cancer_types") in html


def test_the_sitemap_lists_the_guides(client, breast):
    CancerTypeFactory(slug="lung-cancer")
    xml = client.get("/sitemap.xml").content.decode()
    assert f"{settings.SITE_URL}{reverse('therapies:cancer_types')}</loc>" in xml
    assert f"{settings.SITE_URL}{reverse('therapies:cancer_type', args=[breast.slug])}</loc>" in xml
    assert "/cancer-types/lung-cancer/" not in xml


def catalogue(size: int):
    cancer = CancerTypeFactory(slug="brain")
    for n in range(size):
        version = PublishedVersionFactory(name=f"Therapy {n:02}")
        for code in ("treatment_outcomes", "side_effects"):
            direction, level = [(BENEFIT, "good"), (NO_BENEFIT, "modest")][n % 2]
            find(version, cancer, benefit=code, direction=direction, level=level)
        find(version, CancerTypeFactory())
        VersionFactory(therapy=version.therapy)  # an open draft beside it
    return cancer


@pytest.mark.parametrize("size", [2, 30], ids=["small", "large"])
@pytest.mark.parametrize(
    ("params", "queries"),
    [({}, 4), ({"benefit": "side_effects", "min": "good"}, 5), ({"benefit": "side_effects"}, 5)],
    ids=["overview", "benefit-filtered", "benefit"],
)
def test_guide_query_count_does_not_grow_with_content(
    client, django_assert_num_queries, size, params, queries
):
    cancer = catalogue(size)
    url = reverse("therapies:cancer_type", args=[cancer.slug])
    # The cancer type, the filters' choices (benefits and levels); for the overview, each
    # benefit's best therapies with how many it has (one query, ranked in the database); for
    # one benefit, the paginator's count and the page's therapies; then those therapies'
    # findings.
    with django_assert_num_queries(queries):
        response = client.get(url, params)
    assert response.status_code == 200
    assert response.content.decode().count('<ul class="guide-findings">') == (
        min(size, 5) * 2 if not params else min(size // 2 if "min" in params else size, 20)
    )


def test_the_overview_shows_each_benefits_five_best_and_leads_to_all_of_them(client):
    cancer = catalogue(12)
    html = guide(client, cancer).content.decode()
    outcomes = section(html, "treatment_outcomes")
    # The even-numbered therapies have good evidence of benefit, the odd ones modest of none.
    assert therapy_names(outcomes) == [f"Therapy {n:02}" for n in (0, 2, 4, 6, 8)]
    assert "12 therapies with findings: the 5 with the best evidence" in outcomes
    assert (
        '<a href="?benefit=treatment_outcomes">See all 12 therapies with findings for '
        "improving treatment outcomes</a>"
    ) in outcomes
    # A therapy listed under one benefit only shows that benefit's findings there.
    assert outcomes.count("<li>") == 5 + 5
    html = guide(client, cancer, min="modest").content.decode()
    assert 'href="?benefit=side_effects&amp;min=modest">See all 12' in html
    # In print, the overview says it is the best of each benefit, and where the rest are.
    address = settings.SITE_URL + reverse("therapies:cancer_type", args=[cancer.slug])
    assert (
        '<p class="print-only guide-part">For each benefit, the 5 therapies with the best '
        f"evidence; the guide online lists them all: {address}</p>"
    ) in html


@pytest.mark.parametrize(
    ("page", "shown", "first"),
    [
        (None, 20, "Therapy 00"),
        ("1", 20, "Therapy 00"),
        ("2", 4, "Therapy 17"),  # good evidence (even numbers) first, then modest
        ("0", 20, "Therapy 00"),
        ("-3", 20, "Therapy 00"),
        ("abc", 20, "Therapy 00"),
        ("99", 4, "Therapy 17"),
    ],
)
def test_one_benefit_is_paged_twenty_therapies_at_a_time(client, page, shown, first):
    cancer = catalogue(24)
    response = guide(client, cancer, benefit="side_effects", **({"page": page} if page else {}))
    html = response.content.decode()
    names = therapy_names(html)
    assert len(names) == shown
    assert names[0] == first
    assert "<strong>24 therapies</strong> with findings for managing side effects" in html
    number = 2 if shown == 4 else 1
    assert f"page {number} of 2" in html
    if number == 1:
        assert 'href="?benefit=side_effects&amp;page=2" rel="next">Next</a>' in html
        assert 'rel="prev"' not in html
    else:
        assert 'href="?benefit=side_effects&amp;page=1" rel="prev">Previous</a>' in html
        assert 'rel="next"' not in html
        assert "(therapies 21 to 24 of 24)" in html
    assert "See all" not in html
    # Removing the benefit leads back to the overview, without a page.
    assert 'href="?">Remove' in html


def test_one_benefit_on_one_page_has_no_pages_and_prints_as_a_part(client, breast):
    html = guide(client, breast, benefit="side_effects", page="3").content.decode()
    assert therapy_names(html) == ["Yoga", "Melatonin"]
    assert 'class="pagination"' not in html
    address = settings.SITE_URL + reverse("therapies:cancer_type", args=[breast.slug])
    assert (
        "Part of the guide: managing side effects and promoting wellness only. "
        f"The whole guide: {address}</p>"
    ) in html


@pytest.mark.parametrize("size", [2, 30], ids=["small", "large"])
def test_guides_index_query_count_does_not_grow_with_content(
    client, django_assert_num_queries, size
):
    catalogue(size)
    with django_assert_num_queries(1):
        response = client.get(reverse("therapies:cancer_types"))
    assert response.status_code == 200


# --- The index's cancer type filter ----------------------------------------------------------


def test_the_index_lists_a_therapy_for_a_cancer_only_where_a_finding_is_about_it(client, breast):
    response = client.get(reverse("therapies:list"), {"cancer": "breast-cancer"})
    names = [strip_tags(result.name) for result in response.context["versions"]]
    assert names == ["Beta-carotene", "Melatonin", "Metformin", "Mistletoe", "Yoga"]
    html = response.content.decode()
    assert "Ginger" not in html
    guide_url = reverse("therapies:cancer_type", args=["breast-cancer"])
    assert f'<a href="{guide_url}">See the guide to breast cancer</a>' in html


def test_each_result_says_what_the_findings_for_the_cancer_point_to(client, breast):
    html = client.get(reverse("therapies:list"), {"cancer": "breast-cancer"}).content.decode()
    results = html[html.index('<ul class="therapy-list">') :]
    metformin = results[results.index(">Metformin<") : results.index(">Mistletoe<")]
    assert "What research found for breast cancer:" in metformin
    assert re.search(
        r"direction-no-benefit\"><svg.*?</svg>No benefit</span> <span>"
        r"Treatment outcomes: good evidence of no benefit</span>",
        metformin,
    )
    melatonin = results[results.index(">Melatonin<") : results.index(">Metformin<")]
    assert "Treatment outcomes: preliminary evidence of benefit" in melatonin
    assert "Side effects: modest evidence of benefit" in melatonin
    assert "What research found" not in client.get(reverse("therapies:list")).content.decode()


@pytest.mark.parametrize("size", [2, 30], ids=["small", "large"])
def test_the_cancer_filter_costs_the_index_one_query(client, django_assert_num_queries, size):
    catalogue(size)
    # The form's choices, the count and page, and the findings for the page's therapies.
    with django_assert_num_queries(4):
        response = client.get(reverse("therapies:list"), {"cancer": "brain"})
    assert response.context["paginator"].count == size


def test_a_draft_changes_the_guide_only_once_published_and_then_at_once(client, breast):
    url = reverse("therapies:cancer_type", args=[breast.slug])
    assert "Good evidence of no benefit</a> for longer survival" in client.get(url).content.decode()
    assert client.get(url)["X-Cache"] == "hit"
    researcher, consultant = role_user("Researcher"), role_user("Clinical consultant")
    draft = start_draft(ReviewVersion.objects.get(name="Metformin").therapy, researcher)
    draft.findings.update(outcome="a longer time free of disease")
    html = client.get(url).content.decode()
    assert "a longer time free of disease" not in html  # a draft's findings are never shown
    submit_version(version=draft, by=researcher, change_kind="update", change_summary="Trial.")
    approve_version(version=draft, by=consultant)
    assert "a longer time free of disease" not in client.get(url).content.decode()
    publish_version(version=draft, by=consultant)
    response = client.get(url)
    assert "no benefit</a> for a longer time free of disease" in response.content.decode()
    assert "for longer survival among women with early" not in response.content.decode()
