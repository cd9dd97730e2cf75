"""Research findings: a review version's typed findings, from which its research sub-page is
built."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ratings.models import Attribute
from tests.admin_forms import formset_management, version_fields
from tests.factories import (
    CancerTypeFactory,
    FindingFactory,
    PublishedVersionFactory,
    RatingFactory,
    ReferenceFactory,
    build_review,
    evidence_level,
    role_user,
)
from therapies.models import Finding, ReviewVersion, SubPage
from therapies.rendering import render_version, version_differences
from therapies.version_diff import diff_versions, version_history
from therapies.workflow import (
    WorkflowError,
    approve_version,
    content_fingerprint,
    finding_contents,
    publish_version,
    start_draft,
    submit_version,
)

pytestmark = pytest.mark.django_db


def test_a_finding_reads_as_one_sentence():
    finding = FindingFactory(
        outcome="improved survival",
        combined_with="radiotherapy",
        population="people with high-grade gliomas",
        detail="from one small randomized trial",
    )
    assert finding.sentence == (
        "Preliminary evidence of improved survival with radiotherapy among people with "
        "high-grade gliomas, from one small randomized trial"
    )
    assert list(finding.version.findings.all()) == [finding]


def test_no_benefit_harm_and_mixed_findings_say_so():
    no_benefit = FindingFactory.build(
        direction=Finding.Direction.NO_BENEFIT,
        evidence_level=evidence_level("good"),
        outcome="the time free of disease",
        population="people treated for early breast cancer",
    )
    harm = FindingFactory.build(
        direction=Finding.Direction.HARM,
        evidence_level=evidence_level("modest"),
        outcome="more lung cancers",
        population="people who smoke",
    )
    mixed = FindingFactory.build(
        direction=Finding.Direction.MIXED, outcome="less fatigue", population="people with cancer"
    )
    assert no_benefit.sentence == (
        "Good evidence of no benefit for the time free of disease among people treated for "
        "early breast cancer"
    )
    assert (no_benefit.badge_direction, harm.badge_direction) == ("no_benefit", "harm")
    assert harm.sentence == "Modest evidence of harm: more lung cancers among people who smoke"
    assert mixed.sentence == (
        "Preliminary evidence of mixed results for less fatigue among people with cancer"
    )


def errors_of(finding) -> dict:
    with pytest.raises(ValidationError) as caught:
        finding.full_clean(exclude=["version", "cancer_type"])
    return caught.value.message_dict


def test_a_finding_is_about_a_benefit_rated_on_evidence():
    finding = FindingFactory.build(attribute=Attribute.objects.get(code="safety"))
    assert "attribute" in errors_of(finding)


@pytest.mark.parametrize(
    ("direction", "level"),
    [
        ("no_benefit", "preliminary"),  # small studies that found nothing: too little to judge
        ("no_benefit", "weak"),
        ("harm", "insufficient"),
        ("mixed", "insufficient"),
        ("benefit", "no_benefit"),  # the ratings' own levels: the direction says which way
        ("no_benefit", "harm"),
    ],
)
def test_a_findings_level_suits_its_direction(direction, level):
    finding = FindingFactory.build(direction=direction, evidence_level=evidence_level(level))
    assert "evidence_level" in errors_of(finding)


@pytest.mark.parametrize(
    ("direction", "level"),
    [("no_benefit", "modest"), ("benefit", "insufficient"), ("harm", "weak"), ("mixed", "good")],
)
def test_levels_that_suit_the_direction_are_accepted(direction, level):
    reference = ReferenceFactory()
    finding = FindingFactory.build(
        direction=direction, evidence_level=evidence_level(level), sources=f"[@{reference.key}]"
    )
    finding.full_clean(exclude=["version", "cancer_type"])


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ("", "This field cannot be blank."),
        ("Smith 2020", "Cite at least one reference"),
        ("[@no-such-key]", "Not found: @no-such-key"),
        ("[@{key}] and a remark", "Only citations here"),
    ],
)
def test_a_finding_cites_known_references_and_nothing_else(sources, message):
    reference = ReferenceFactory()
    finding = FindingFactory.build(sources=sources.format(key=reference.key))
    assert message in " ".join(errors_of(finding)["sources"])


def test_several_references_with_locators_are_accepted():
    first, second = ReferenceFactory(), ReferenceFactory()
    finding = FindingFactory.build(
        sources=f"[@{first.key}, pp. 20-24; @{second.key}] [@{first.key}]"
    )
    finding.full_clean(exclude=["version", "cancer_type"])


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def findings_page(client, version) -> str:
    url = reverse("therapies:subpage", args=[version.therapy.slug, "how-it-can-help"])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_research_sub_page_groups_findings_by_benefit_then_cancer_type(client):
    version = build_review(reference_count=3)
    lung = CancerTypeFactory(name="Lung cancer")
    FindingFactory(
        version=version,
        cancer_type=lung,
        evidence_level=evidence_level("weak"),
        outcome="slower disease progression",
        population="people with lung cancer",
        detail="from a single case report",
        sources=f"[@{ReferenceFactory().key}]",
        order=0,  # first in its benefit: its cancer type comes before brain cancer
    )
    html = findings_page(client, version)
    text = words(html)
    headings = re.findall(r"<h([23])[^>]*>(.*?)</h\1>", html)
    assert [h for h in headings if h[1] != "References"][:5] == [
        ("2", "Improving treatment outcomes"),
        ("3", "Lung cancer"),
        ("3", "Brain cancer"),
        ("2", "Managing side effects and promoting wellness"),
        ("3", "Brain cancer"),
    ]
    assert "Findings by benefit and cancer type." in text
    # Each finding one sentence: its badge, what was found among whom, and its citations,
    # numbered on this page after its text, in the order the page shows them.
    assert (
        "Weak evidence of slower disease progression among people with lung cancer, from a "
        "single case report 1"
    ) in text
    assert (
        "Preliminary evidence of longer survival with radiotherapy among people with "
        "high-grade gliomas, from one small randomized trial 2"
    ) in text
    assert "Good evidence of no benefit for fatigue among people having radiotherapy 3" in text
    assert html.count('<li id="ref-') == 3
    assert 'class="badge finding-badge level-no-benefit"' in html
    assert 'id="findings-side_effects"' in html


def test_a_review_with_findings_has_the_research_sub_page_without_writing_one(client):
    version = PublishedVersionFactory()
    FindingFactory(version=version, outcome="less nausea", population="people having chemotherapy")
    assert version.subpages.get().kind == "how-it-can-help"
    text = words(findings_page(client, version))
    assert "Preliminary evidence of less nausea among people having chemotherapy 1" in text
    main = client.get(version.therapy.get_absolute_url()).content.decode()
    assert "/how-it-can-help/" in main  # in the list of pages to keep reading
    # Its last finding gone, the empty page goes too.
    version.findings.all().delete()
    render_version(version)
    assert not version.subpages.exists()


def test_stored_citations_of_findings_are_checked_against_a_fresh_render():
    version = build_review()
    assert version_differences(version) == []
    finding = version.findings.first()
    Finding.objects.filter(pk=finding.pk).update(sources_html="stale")
    assert version_differences(version) == [f"the citations of finding {finding.pk}"]


def test_each_evidence_rating_links_to_its_findings(client):
    version = build_review()
    RatingFactory(
        version=version,
        attribute=Attribute.objects.get(code="side_effects"),
        score=0,
        evidence_level=evidence_level("no_benefit"),
    )
    FindingFactory(version=version, sources=f"[@{ReferenceFactory().key}]")
    html = client.get(version.therapy.get_absolute_url()).content.decode()
    links = re.findall(r'<p class="rating-findings-link">\s*<a href="([^"]+)">(.*?)</a>', html)
    url = reverse("therapies:subpage", args=[version.therapy.slug, "how-it-can-help"])
    assert [(href, words(link)) for href, link in links] == [
        (f"{url}#findings-treatment_outcomes", "See the 2 findings about improving treatment "
         "outcomes"),
        (f"{url}#findings-side_effects", "See the finding about managing side effects and "
         "promoting wellness"),
    ]  # fmt: skip


# --- Edited in the admin with its version, approved, copied and compared like the rest ------

FINDING_FIELDS = [
    "attribute", "cancer_type", "direction", "evidence_level", "outcome", "population",
    "combined_with", "detail", "sources", "order",
]  # fmt: skip


def finding_post(draft, rows: list[dict], **changes) -> dict:
    """The version's change form as the admin posts it, its findings ``rows`` (posted field
    values, with "id" for an existing finding) and no other change to its children."""
    data = {
        **version_fields(draft),
        "summary": draft.summary,
        "body": draft.body,
        "seen_revision": draft.revision,
        **formset_management("ratings"),
        **formset_management("subpages"),
        **formset_management("credits"),
        **formset_management("page_references"),
        **formset_management("audit"),
        **formset_management("findings", len(rows), sum(1 for row in rows if "id" in row)),
    }
    for index, row in enumerate(rows):
        data |= {f"findings-{index}-version": draft.pk}
        data |= {f"findings-{index}-{name}": value for name, value in row.items()}
    return {**data, **changes}


def existing_rows(draft) -> list[dict]:
    rows = []
    for finding in draft.findings.order_by("order", "pk"):
        row = {"id": finding.pk}
        for name in FINDING_FIELDS:
            value = getattr(finding, finding._meta.get_field(name).attname)
            row[name] = "" if value is None else value
        rows.append(row)
    return rows


@pytest.fixture
def draft_and_researcher():
    researcher = role_user("Researcher")
    live = build_review(reference_count=3)
    return start_draft(live.therapy, researcher), researcher


def change_url(version) -> str:
    return reverse("admin:therapies_reviewversion_change", args=[version.pk])


def test_a_researcher_adds_and_reorders_findings_in_the_admin(client, draft_and_researcher):
    draft, researcher = draft_and_researcher
    client.force_login(researcher)
    assert "Findings" in client.get(change_url(draft)).content.decode()
    rows = existing_rows(draft)
    rows[0]["order"], rows[1]["order"] = 5, 1  # the side effects finding first
    key = draft.page_references.filter(subpage=None).first().reference.key
    lung = CancerTypeFactory(name="Lung cancer")
    new = {
        "attribute": Attribute.objects.get(code="treatment_outcomes").pk,
        "cancer_type": lung.pk,
        "direction": "harm",
        "evidence_level": evidence_level("weak").pk,
        "outcome": "faster tumour growth",
        "population": "people with lung cancer",
        "combined_with": "",
        "detail": "from a single case report",
        "sources": f"[@{key}, p. 4]",
        "order": 3,
    }
    response = client.post(change_url(draft), finding_post(draft, [*rows, new]))
    assert response.status_code == 302, response.content.decode()[:2000]
    sentences = [f.sentence for f in draft.findings.order_by("order")]
    assert sentences == [
        "Good evidence of no benefit for fatigue among people having radiotherapy",
        "Weak evidence of harm: faster tumour growth among people with lung cancer, from a "
        "single case report",
        "Preliminary evidence of longer survival with radiotherapy among people with "
        "high-grade gliomas, from one small randomized trial",
    ]
    assert 'class="cite"' in draft.findings.get(outcome="faster tumour growth").sources_html
    assert version_differences(draft) == []
    # The history of the version lists the new finding and the moved ones.
    parts = {row.part for row in version_history(draft)}
    assert "Finding: Improving treatment outcomes, Lung cancer" in parts


def test_an_unknown_citation_in_a_finding_is_refused_and_nothing_typed_is_lost(
    client, draft_and_researcher
):
    draft, researcher = draft_and_researcher
    client.force_login(researcher)
    rows = existing_rows(draft)
    rows[0]["outcome"] = "a much longer life, as typed"
    rows[1]["sources"] = "[@no-such-study]"
    response = client.post(
        change_url(draft), finding_post(draft, rows, summary="A summary typed just now.")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not found: @no-such-study" in html
    assert "a much longer life, as typed" in html
    assert "A summary typed just now." in html
    assert "[@no-such-study]" in html
    draft.refresh_from_db()
    assert draft.summary != "A summary typed just now."
    assert not draft.findings.filter(outcome="a much longer life, as typed").exists()


def test_the_approval_covers_the_findings(draft_and_researcher):
    draft, researcher = draft_and_researcher
    before = content_fingerprint(draft)
    finding = draft.findings.first()
    Finding.objects.filter(pk=finding.pk).update(evidence_level=evidence_level("modest"))
    assert content_fingerprint(draft) != before
    submit_version(version=draft, by=researcher, change_kind="update", change_summary="Levels.")
    approve_version(version=draft, by=role_user("Clinical consultant"))
    Finding.objects.filter(pk=finding.pk).update(outcome="something else")
    with pytest.raises(WorkflowError, match="changed after it was approved"):
        publish_version(version=draft, by=role_user("Clinical consultant"))


def test_a_new_draft_copies_the_findings_and_a_comparison_shows_what_changed(
    draft_and_researcher,
):
    draft, _ = draft_and_researcher
    live = ReviewVersion.objects.published().get(therapy=draft.therapy)
    assert finding_contents(draft) == finding_contents(live)
    assert [f.sources_html for f in draft.findings.all()] == [
        f.sources_html for f in live.findings.all()
    ]
    assert diff_versions(live, draft) == []
    finding = draft.findings.get(direction="benefit")
    finding.evidence_level = evidence_level("modest")
    finding.save()
    [change] = diff_versions(live, draft)
    assert (change.section, change.field, change.kind) == (
        "Findings: Improving treatment outcomes",
        "Brain cancer",
        "changed",
    )
    assert "<del>Preliminary</del> <ins>Modest</ins> evidence of longer survival" in str(
        change.inline_diff
    )


# --- Query counts: pinned at two content sizes -----------------------------------------------


def review_with_findings(count: int):
    version = build_review(reference_count=count)
    attributes = list(Attribute.objects.filter(is_evidence_based=True))
    for n in range(count):
        Finding.objects.create(
            version=version,
            attribute=attributes[n % len(attributes)],
            cancer_type=CancerTypeFactory(),
            direction="benefit",
            evidence_level=evidence_level("weak"),
            outcome=f"outcome {n}",
            population="people with cancer",
            sources=f"[@{ReferenceFactory().key}]",
            order=n,
        )
    render_version(version)
    return version


@pytest.mark.parametrize("count", [1, 30], ids=["small", "large"])
def test_research_sub_page_query_count_does_not_grow_with_its_findings(
    client, django_assert_num_queries, count
):
    version = review_with_findings(count)
    url = reverse("therapies:subpage", args=[version.therapy.slug, "how-it-can-help"])
    # The version (with the sub-page kinds), its sub-page, its findings (with their benefit,
    # cancer type and evidence level) and its numbered references.
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.content.decode().count('<li class="finding">') == count + 2


@pytest.mark.parametrize("count", [1, 30], ids=["small", "large"])
def test_main_page_query_count_does_not_grow_with_the_findings_it_links_to(
    client, django_assert_num_queries, count
):
    version = review_with_findings(count)
    # As without findings (tests/therapies/test_views.py): the ratings count their findings.
    with django_assert_num_queries(5):
        response = client.get(version.therapy.get_absolute_url())
    assert response.content.decode().count('class="rating-findings-link"') >= 1


def test_a_search_finds_a_review_by_the_words_of_its_findings(client):
    version = build_review()
    version.save()  # indexed for search, as every step of the workflow saves it
    html = client.get(reverse("therapies:list") + "?q=gliomas").content.decode()
    assert version.name in html
    assert "<mark>gliomas</mark>" in html  # the passage shown is the finding's


def test_only_the_research_sub_page_may_be_left_without_text():
    version = PublishedVersionFactory()
    SubPage(version=version, kind="how-it-can-help", body="").full_clean()
    with pytest.raises(ValidationError, match="Write the page's text"):
        SubPage(version=version, kind="safety", body=" ").full_clean()
