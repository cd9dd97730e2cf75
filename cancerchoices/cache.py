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

With a read replica (``DATABASE_REPLICA_URL``), each generation also carries the primary's WAL
position when it started (``pg_current_wal_lsn()``, read under a lock so that generations
started one after another carry growing positions): a page of that generation may be read only
from data that includes it. ``cancerchoices.db_router`` sends a request to the replica only if
the replica has replayed that far, so no change the public can see is hidden by replication lag
once the step that made it has returned (docs/deployment.md, "Read replicas").
"""

import logging
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.db.models.signals import post_delete, post_save
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from .tasks import defer, run_like_a_request

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-content-generation"
# pg_advisory_lock key: one generation is started at a time, fleet-wide (replicas only).
GENERATION_LOCK = 7_461_003_115


class Generation(NamedTuple):
    number: int
    # The primary's WAL position when the generation started ("16/B374D848"), with a replica;
    # None without one.
    wal_position: str | None


class NoGenerationError(Exception):
    """The cache holds no generation and takes no new one: serve pages uncached."""


def _generations():
    return caches["generation"]


def _new_number() -> int:
    # Microseconds of the clock: never an old number again, on any server.
    return time.time_ns() // 1000


def with_replica() -> bool:
    return "replica" in settings.DATABASES


def primary_wal_position() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def _new_generation() -> int | tuple[int, str]:
    """What the cache stores: the number alone, or with a replica (number, WAL position)."""
    if with_replica():
        return (_new_number(), primary_wal_position())
    return _new_number()


def _as_generation(stored) -> Generation:
    if isinstance(stored, int):
        return Generation(stored, None)
    return Generation(*stored)


def current_generation() -> Generation:
    """The current generation and where the primary's WAL was when it started; starts a new
    one if the cache lost it."""
    stored = _generations().get(GENERATION_KEY)
    if stored is None:
        _generations().add(GENERATION_KEY, _new_generation(), timeout=None)
        stored = _generations().get(GENERATION_KEY)
    if stored is None:
        raise NoGenerationError("The cache holds no content generation")
    return _as_generation(stored)


def public_content_generation() -> int:
    """The current generation's number, starting a new one if the cache lost it."""
    return current_generation().number


@app.task(
    queue="scheduled",
    # Until the cache takes it: after 5 s, then 35 s, 65 s... (about 10 hours in all).
    retry=RetryStrategy(max_attempts=50, wait=5, linear_wait=30),
    task_middleware=[run_like_a_request],
)
def start_new_generation() -> None:
    """Replace the generation; raises if the cache refuses (as a background job: so that the
    job is retried).

    With a replica, the primary's WAL position is read and the generation stored while holding
    a lock every server takes for this, so generations are stored in the order their positions
    were read: the current one's position is past every change a new generation was started
    for after it committed.
    """
    if not with_replica():
        _generations().set(GENERATION_KEY, _new_generation(), timeout=None)
        return
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [GENERATION_LOCK])
        try:
            _generations().set(GENERATION_KEY, _new_generation(), timeout=None)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [GENERATION_LOCK])


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
