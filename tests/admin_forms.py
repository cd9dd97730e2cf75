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
