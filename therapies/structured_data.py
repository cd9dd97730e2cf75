"""schema.org JSON-LD for review pages, so search engines can tell who reviewed what, and when."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from people.models import Credit

from .models import PageReference, Reference, ReviewVersion
from .templatetags.review_dates import iso_date

# Inside <script>, "</script>" or "<!--" in a therapy name must not end or alter the block:
# escape the characters HTML cares about, as django.utils.html.json_script does.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

REVIEWER_ROLES = {Credit.Role.CLINICAL_REVIEWER, Credit.Role.EXPERT_REVIEWER}


def json_ld(data: dict) -> SafeString:
    """JSON safe to place between <script type="application/ld+json"> tags."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))


REFERENCE_TYPES = {
    Reference.Kind.ARTICLE: "ScholarlyArticle",
    Reference.Kind.BOOK: "Book",
    Reference.Kind.WEB: "WebPage",
}


def organisation() -> dict:
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL + "/"}


def cited_work(reference: Reference) -> dict:
    """A reference as the schema.org work it is, with its DOI and PubMed id when known."""
    identifiers = [
        {"@type": "PropertyValue", "propertyID": name, "value": value}
        for name, value in (("DOI", reference.doi), ("PMID", reference.pmid))
        if value
    ]
    work = {
        "@type": REFERENCE_TYPES.get(reference.kind, "CreativeWork"),
        "name": reference.title,
        "author": reference.authors,
        "datePublished": str(reference.year) if reference.year else None,
        "identifier": identifiers,
        "url": reference.doi_url or reference.url or reference.pmid_url,
    }
    return {key: value for key, value in work.items() if value}


def medical_web_page(version: ReviewVersion, credits, references: list[PageReference] = ()) -> dict:
    """The review page as a schema.org MedicalWebPage. ``credits`` carry their person,
    ``references`` (the page's numbered references) their reference.

    ``lastReviewed`` is the day the version was clinically approved; ``datePublished`` the
    first publication of the review (``first_published``, annotated by the public view; the
    version's own publication otherwise)."""
    therapy = version.therapy

    def person(credit):
        return {
            "@type": "Person",
            "name": credit.person.display_name,
            "jobTitle": credit.person.role_title,
            "url": settings.SITE_URL + credit.person.get_absolute_url(),
        }

    about = {"@type": "MedicalTherapy", "name": version.name}
    if version.alternate_name_list:
        about["alternateName"] = version.alternate_name_list
    first_published = getattr(version, "first_published", None) or version.published_at
    optional = {
        "reviewedBy": [person(c) for c in credits if c.role in REVIEWER_ROLES],
        "author": [person(c) for c in credits if c.role == Credit.Role.LEAD_RESEARCHER],
        "lastReviewed": iso_date(version.approved_at),
        "datePublished": iso_date(first_published),
        "dateModified": iso_date(version.last_updated),
        "citation": [cited_work(row.reference) for row in references],
    }
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": version.name,
        "description": version.summary,
        "url": settings.SITE_URL + therapy.get_absolute_url(),
        "about": about,
        "publisher": organisation(),
        **{key: value for key, value in optional.items() if value},
    }
