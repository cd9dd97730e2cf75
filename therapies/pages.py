"""What each public page of a review shows, composed from current rows: the main page and
its sub-pages. The public views and the admin's preview both build their pages here, so a
preview is exactly what the public will see."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from ratings.models import Attribute, Rating

from .models import Finding, ReviewVersion, SubPage, group_findings
from .structured_data import json_ld, medical_web_page


def review_context(version: ReviewVersion) -> dict:
    """What every page of a review shows besides its own text: the version (loaded with
    ``for_public_page``) and the links to its sub-pages, in reading order."""
    kinds = set(version.subpage_kinds)
    slug = version.therapy.slug
    links = [
        (kind, label, reverse("therapies:subpage", args=[slug, kind]))
        for kind, label in SubPage.Kind.choices
        if kind in kinds
    ]
    return {"therapy": version.therapy, "version": version, "subpage_links": links}


# What a reviewer card and the JSON-LD read of a credit (not the person's whole biography).
CREDIT_CARD_FIELDS = [
    "version_id", "role", "order", "person__name", "person__slug", "person__credentials",
    "person__role_title", "person__short_bio", "person__photo",
]  # fmt: skip


def main_page_context(version: ReviewVersion) -> dict:
    """The main page of a review, composed from current rows (five queries in all, whatever
    the number of ratings, credits or references). The admin's preview shows the same. Each
    rating has ``finding_count``: how many findings about its benefit the research sub-page
    lists (its rating row links to them)."""
    ratings = Rating.with_meaning(version.ratings.select_related("evidence_level").defer("note"))
    findings = (
        Finding.objects.filter(version=OuterRef("version"), attribute=OuterRef("attribute"))
        .order_by()
        .values("attribute")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ratings = ratings.annotate(finding_count=Coalesce(Subquery(findings), 0))
    ratings = {rating.attribute_id: rating for rating in ratings}
    credits = list(
        version.credits.select_related("person").defer("person__bio", "person__bio_html")
    )
    references = list(version.page_references.filter(subpage=None).select_related("reference"))
    return {
        **review_context(version),
        "rating_rows": [(a, ratings.get(a.pk)) for a in Attribute.objects.all()],
        "findings_url": reverse("therapies:subpage", args=[version.therapy.slug, FINDINGS]),
        "credits": credits,
        "page_references": references,
        "structured_data": json_ld(medical_web_page(version, credits, references)),
    }


def subpage_context(version: ReviewVersion, kind: str) -> dict:
    """A sub-page: its stored text and its own numbered references, and the review's dates.
    The research sub-page lists the version's findings after its text, grouped by benefit and
    cancer type (one query more)."""
    if kind not in SubPage.Kind.values:
        raise Http404("No such page")
    subpage = get_object_or_404(SubPage, version=version, kind=kind)
    subpage.version = version  # already loaded; spares a query for the heading
    findings = []
    if kind == FINDINGS:
        findings = group_findings(
            version.findings.select_related("attribute", "cancer_type", "evidence_level").only(
                *FINDING_FIELDS
            )
        )
    return {
        **review_context(version),
        "subpage": subpage,
        "findings": findings,
        "page_references": subpage.page_references.select_related("reference"),
    }


FINDINGS = SubPage.Kind.FINDINGS

# What the research sub-page reads of a finding, its benefit, cancer type and evidence level.
FINDING_FIELDS = [
    "version_id", "direction", "outcome", "population", "combined_with", "detail",
    "sources_html", "order",
    "attribute__code", "attribute__label", "attribute__order",
    "cancer_type__name", "cancer_type__slug",
    "evidence_level__code", "evidence_level__label", "evidence_level__badge_text",
    "evidence_level__direction",
]  # fmt: skip
