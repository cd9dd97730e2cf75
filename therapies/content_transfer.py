"""Content export and import as JSON (``manage.py export_content`` / ``import_content``).

The content models are written in dependency order with Django's serializers, stored HTML
included, so an imported site renders exactly as the exported one did. Primary keys are kept;
links to sign-ins use natural keys (usernames), because sign-ins are not content and are not
exported. Only the models listed here are ever read from a file; the edit history kept by
django-simple-history is not exported (the audit trail of workflow steps is).
"""

import json

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction

# Dependency order: each model only refers to models listed before it (and to sign-ins).
CONTENT_MODELS = [
    "ratings.Attribute",
    "ratings.EvidenceLevel",
    "ratings.ScoreMeaning",
    "therapies.Category",
    "therapies.CancerType",
    "therapies.Therapy",
    "therapies.FormerSlug",
    "therapies.Reference",
    "therapies.GlossaryTerm",
    "people.Person",
    "therapies.ReviewVersion",
    "therapies.SubPage",
    "therapies.Finding",
    "ratings.Rating",
    "people.Credit",
    "therapies.PageReference",
    "therapies.AuditEntry",
]
# Present in every migrated database (a migration seeds them), so they do not count as
# "content already here"; an import replaces them.
REFERENCE_DATA = {"ratings.Attribute", "ratings.EvidenceLevel", "ratings.ScoreMeaning"}


class ContentExistsError(Exception):
    pass


def content_models() -> list:
    return [apps.get_model(label) for label in CONTENT_MODELS]


def export_content(stream) -> int:
    """Write every content object to ``stream`` as JSON; return how many were written."""
    objects = [obj for model in content_models() for obj in model._default_manager.order_by("pk")]
    serializers.serialize("json", objects, stream=stream, indent=1, use_natural_foreign_keys=True)
    return len(objects)


def has_content() -> bool:
    return any(
        apps.get_model(label)._default_manager.exists()
        for label in CONTENT_MODELS
        if label not in REFERENCE_DATA
    )


def delete_content() -> None:
    for model in reversed(content_models()):
        model._default_manager.all().delete()


@transaction.atomic
def import_content(text: str, replace: bool = False) -> tuple[int, list[str]]:
    """Load exported JSON. Returns (objects loaded, warnings). All or nothing.

    Refuses (ContentExistsError) when the database already has content, unless ``replace``.
    """
    allowed = {label.lower() for label in CONTENT_MODELS}
    unexpected = {item.get("model") for item in json.loads(text)} - allowed
    if unexpected:
        raise ValueError(f"The file holds objects that are not content: {sorted(unexpected)}.")
    if has_content() and not replace:
        raise ContentExistsError(
            "The database already has content. Import into an empty database, or pass "
            "--replace to delete the current content first."
        )
    delete_content()
    warnings = []
    loaded = 0
    for item in serializers.deserialize("json", text, handle_forward_references=True):
        item.save()
        loaded += 1
        for field in item.deferred_fields:
            # Only sign-ins can be missing: content always comes before what refers to it.
            warnings.append(
                f"{item.object._meta.label} {item.object.pk}: {field.name} names sign-ins "
                f"this database does not have ({item.deferred_fields[field]}); left empty."
            )
    models = content_models()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return loaded, warnings
