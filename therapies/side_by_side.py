"""Comparing up to four published therapies side by side on the seven attributes.

Readers choose therapies with ``?therapies=a,b`` or, from the index's checkboxes (no
JavaScript), ``?therapies=a&therapies=b``; both forms may be mixed.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.http import urlencode

from ratings.models import Attribute, Rating

from .models import ReviewVersion

MAX_COMPARED = 4
SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what the therapy page's <slug:slug> accepts


def requested_slugs(query) -> list[str]:
    """The slugs asked for, in order, each once, without control characters such as NUL."""
    slugs = (
        "".join(char for char in slug if char.isprintable()).strip()
        for value in query.getlist("therapies")
        for slug in value.split(",")
    )
    return list(dict.fromkeys(slug for slug in slugs if slug))


def compare_query(slugs) -> str:
    return urlencode({"therapies": ",".join(slugs)})


@dataclass
class Comparison:
    requested: list[str]
    versions: list[ReviewVersion] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    # (attribute, [(version, rating or None), ...]) in attribute order
    rows: list = field(default_factory=list)
    # (slug, name) of published therapies that could be added
    addable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def too_many(self) -> bool:
        return len(self.requested) > MAX_COMPARED

    @property
    def first_allowed_query(self) -> str:
        """The query string comparing the first four therapies asked for."""
        return compare_query(self.requested[:MAX_COMPARED])


def compare_therapies(query) -> Comparison:
    """Load what ``query`` asks to compare: a fixed number of queries, whatever is asked."""
    comparison = Comparison(requested=requested_slugs(query))
    if comparison.too_many:
        return comparison
    wanted = [slug for slug in comparison.requested if SLUG.fullmatch(slug)]
    published = ReviewVersion.objects.published()
    found = {
        version.therapy.slug: version
        for version in published.filter(therapy__slug__in=wanted)
        .select_related("therapy__category")
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=Rating.objects.select_related("evidence_level"),
                to_attr="rating_list",
            )
        )
    }
    comparison.versions = [found[slug] for slug in comparison.requested if slug in found]
    comparison.unknown = [slug for slug in comparison.requested if slug not in found]
    chosen = [version.therapy.slug for version in comparison.versions]
    for version in comparison.versions:
        version.compare_without = compare_query(
            slug for slug in chosen if slug != version.therapy.slug
        )
    if comparison.versions:
        ratings = {
            version.pk: {rating.attribute_id: rating for rating in version.rating_list}
            for version in comparison.versions
        }
        comparison.rows = [
            (attribute, [(v, ratings[v.pk].get(attribute.pk)) for v in comparison.versions])
            for attribute in Attribute.objects.all()
        ]
    if len(comparison.versions) < MAX_COMPARED:
        comparison.addable = list(
            published.exclude(therapy__slug__in=chosen)
            .order_by("therapy__name")
            .values_list("therapy__slug", "therapy__name")
        )
    return comparison
