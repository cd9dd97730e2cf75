"""Form data the Django admin posts, for tests that save through it."""

from django.test import Client
from django.urls import reverse


def signed_in(user) -> Client:
    """A test client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def admin_url(name: str, *args) -> str:
    """The address of one of a review version's admin screens: "change", "step", "compare"..."""
    return reverse(f"admin:therapies_reviewversion_{name}", args=args)


def formset_management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    """The management form of an inline formset with ``total`` forms, ``initial`` of them
    existing rows."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def version_fields(version) -> dict:
    """What the public reads of the therapy, as the version's change form posts it unchanged."""
    return {
        "name": version.name,
        "alternate_names": version.alternate_names,
        "category": str(version.category_id),
        "cancer_types": [str(pk) for pk in version.cancer_types.values_list("pk", flat=True)],
        "review_interval_months": str(version.review_interval_months),
        **({"is_sample": "on"} if version.is_sample else {}),
    }


def save_version(version, by, **changes) -> None:
    """Save ``version``'s change form in the admin as ``by`` does, with ``changes`` (form field
    names and posted values: ``is_sample="on"`` ticks the box); its ratings, sub-pages, findings
    and credits are left as they are."""
    client = Client()
    client.force_login(by)
    url = reverse("admin:therapies_reviewversion_change", args=[version.pk])
    data = {
        **version_fields(version),
        "summary": version.summary,
        "body": version.body,
        "seen_revision": version.revision,
        **formset_management("ratings"),
        **formset_management("subpages"),
        **formset_management("findings"),
        **formset_management("credits"),
        **formset_management("page_references"),
        **formset_management("audit"),
        **changes,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    version.refresh_from_db()
