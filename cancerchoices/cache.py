"""The public content generation: one number, kept in the shared cache, that names the current
state of everything the public can see.

Cached public pages are stored under the generation they were rendered in. Publishing,
withdrawing, an approved change to a shared reference or glossary term, or an editor's change
to a vocabulary the pages show bumps the number, so every worker on every server stops using
the old pages at once; they simply expire from the cache later. Saving a draft does not.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-content-generation"


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


def bump_on_change(*models) -> None:
    """Every saved or deleted row of ``models`` is public at once (the vocabularies editors
    manage: attributes, evidence levels, people, categories...): each change starts a new
    generation. Review content is not among them: it reaches the public by the workflow,
    which bumps when it publishes or withdraws, so saving a draft leaves the cache alone."""
    for model in models:
        label = model._meta.label
        post_save.connect(_on_public_change, sender=model, dispatch_uid=f"public-save-{label}")
        post_delete.connect(_on_public_change, sender=model, dispatch_uid=f"public-delete-{label}")
