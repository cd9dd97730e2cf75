"""The public content generation: one number, kept in the shared cache, that names the current
state of everything the public can see.

Cached public pages are stored under the generation they were rendered in. Publishing, or any
other change to public content, bumps the number, so every worker on every server stops using
the old pages at once; they simply expire from the cache later.
"""

import logging
import time

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-content-generation"

# Every model whose rows show on a public page. A change to any of them bumps the generation.
PUBLIC_MODELS = [
    "therapies.Therapy",
    "therapies.ReviewVersion",
    "therapies.SubPage",
    "therapies.Reference",
    "therapies.GlossaryTerm",
    "therapies.Category",
    "therapies.CancerType",
    "ratings.Rating",
    "ratings.Attribute",
    "ratings.EvidenceLevel",
    "people.Person",
    "people.Credit",
]


def public_content_generation() -> int:
    """The current generation, starting a new one (from the clock) if the cache lost it."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # The clock never repeats an old number, so pages cached before the loss stay unused.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache: a fresh number from the clock is newer anyway
        cache.set(GENERATION_KEY, time.time_ns() // 1000, timeout=None)


def bump_public_content() -> None:
    """Make every cached public page stale. Call after any change the public can see.

    Bumps now and again once the surrounding transaction commits: a page rendered by another
    process between the two, from data not yet committed, is then not served for long.
    """
    try:
        _bump()
        transaction.on_commit(_bump)
    except Exception:
        # A cache outage must not stop editors saving; pages then age out on their timeout.
        logger.exception("Could not bump the public content generation")


def _on_public_change(sender, **kwargs):
    bump_public_content()


def connect_signals() -> None:
    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        post_save.connect(_on_public_change, sender=model, dispatch_uid=f"public-save-{label}")
        post_delete.connect(_on_public_change, sender=model, dispatch_uid=f"public-delete-{label}")
    m2m_changed.connect(
        _on_public_change,
        sender=apps.get_model("therapies.Therapy").cancer_types.through,
        dispatch_uid="public-m2m-therapy-cancer-types",
    )
