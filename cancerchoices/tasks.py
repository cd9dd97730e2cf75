"""What every background job shares (docs/worker.md), and the site's own job: a cache
generation that could not be started when content changed is started by the worker instead."""

from django.db import close_old_connections
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.jobs import JobDeferrer
from procrastinate.manager import JobManager

from .db_router import use_primary

# Queues a job on Django's connection of the calling thread, so inside its open transaction.
_in_transaction = JobManager(connector=DjangoConnector())


def defer(task, **arguments) -> int:
    """Queue a job of ``task`` in the current transaction; returns the job's id.

    ``task.defer()`` does the same in a web process, but in the worker the app's connector is
    procrastinate's own connection pool, which commits the job at once: before the work that
    queued it (a scheduled publish queues its e-mail), and even if that work then rolls back.
    """
    return JobDeferrer(job_manager=_in_transaction, job=task.configure().job).defer(**arguments)


def run_like_a_request(call_next, context, worker):
    """What a request gets, for each job in the worker's threads: connections past
    CONN_MAX_AGE or broken (a database restart) are replaced, and every read goes to the
    primary, because a job must see the commit that queued it, not a lagging replica."""
    close_old_connections()
    try:
        with use_primary():
            return call_next()
    finally:
        close_old_connections()


@app.task(
    queue="scheduled",
    # Until the cache takes it: after 5 s, then 35 s, 65 s... (about 10 hours in all).
    retry=RetryStrategy(max_attempts=50, wait=5, linear_wait=30),
    task_middleware=[run_like_a_request],
)
def start_new_generation() -> None:
    """Start a new public content generation (``cache.start_new_generation``), raising while
    the cache refuses it, so the job is retried."""
    from .cache import start_new_generation as start

    start()
