"""Form data the Django admin posts, for tests that save through it."""


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
