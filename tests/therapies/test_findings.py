"""Research findings: a review version's typed findings, from which its research sub-page is
built."""

import pytest
from django.core.exceptions import ValidationError

from ratings.models import Attribute
from tests.factories import FindingFactory, ReferenceFactory, evidence_level
from therapies.models import Finding

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
