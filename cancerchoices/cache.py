"""The public content generation: one number, kept in the shared cache, that names the current
state of everything the public can see.

Cached public pages are stored under the generation they were rendered in. Publishing,
withdrawing, an approved change to a shared reference or glossary term, or an editor's change
to a vocabulary the pages show starts a new generation, so every worker on every server stops
using the old pages at once; they simply expire from the cache later. Saving a draft does not.

The number lives in a cache of its own (``CACHES["generation"]``), never culled with the
pages and never expiring. If it cannot be replaced, it is deleted, so that no page is served
from the old generation (pages are then rendered uncached until a generation starts), and the
background worker tries again until the cache takes a new one.
"""

import logging
import time

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from .tasks import defer, run_like_a_request

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-content-generation"


class NoGenerationError(Exception):
    """The cache holds no generation and takes no new one: serve pages uncached."""


def _generations():
    return caches["generation"]


def _new_number() -> int:
    # Microseconds of the clock: never an old number again, on any server.
    return time.time_ns() // 1000


def public_content_generation() -> int:
    """The current generation, starting a new one if the cache lost it."""
    generation = _generations().get(GENERATION_KEY)
    if generation is None:
        _generations().add(GENERATION_KEY, _new_number(), timeout=None)
        generation = _generations().get(GENERATION_KEY)
    if generation is None:
        raise NoGenerationError("The cache holds no content generation")
    return generation


@app.task(
    queue="scheduled",
    # Until the cache takes it: after 5 s, then 35 s, 65 s... (about 10 hours in all).
    retry=RetryStrategy(max_attempts=50, wait=5, linear_wait=30),
    task_middleware=[run_like_a_request],
)
def start_new_generation() -> None:
    """Replace the generation; raises if the cache refuses (as a background job: so that the
    job is retried)."""
    _generations().set(GENERATION_KEY, _new_number(), timeout=None)


def _start_or_forget() -> None:
    try:
        start_new_generation()
    except Exception:
        logger.exception("Could not start a new content generation; retrying in the background")
        try:
            _generations().delete(GENERATION_KEY)
        except Exception:
            logger.exception("Could not delete the content generation either")
        defer(start_new_generation)


def bump_public_content() -> None:
    """Make every cached public page stale. Call after any change the public can see.

    Starts a new generation now and again once the surrounding transaction commits: a page
    rendered by another process between the two, from data not yet committed, is then not
    served for long.
    """
    _start_or_forget()
    transaction.on_commit(_start_or_forget)


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
