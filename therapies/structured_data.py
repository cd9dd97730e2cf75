"""schema.org JSON-LD for review pages, so search engines can tell who reviewed what, and when."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from people.models import Credit

from .models import ReviewVersion

# Inside <script>, "</script>" or "<!--" in a therapy name must not end or alter the block:
# escape the characters HTML cares about, as django.utils.html.json_script does.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

REVIEWER_ROLES = {Credit.Role.CLINICAL_REVIEWER, Credit.Role.EXPERT_REVIEWER}


def json_ld(data: dict) -> SafeString:
    """JSON safe to place between <script type="application/ld+json"> tags."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))


def medical_web_page(version: ReviewVersion, credits) -> dict:
    """The review page as a schema.org MedicalWebPage. ``credits`` carry their person."""
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
    reviewed = version.literature_reviewed or version.last_updated
    optional = {
        "reviewedBy": [person(c) for c in credits if c.role in REVIEWER_ROLES],
        "author": [person(c) for c in credits if c.role == Credit.Role.LEAD_RESEARCHER],
        "lastReviewed": reviewed.isoformat() if reviewed else None,
        "dateModified": version.last_updated.isoformat() if version.last_updated else None,
    }
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": version.name,
        "description": version.summary,
        "url": settings.SITE_URL + therapy.get_absolute_url(),
        "about": about,
        **{key: value for key, value in optional.items() if value},
    }
