"""What every background job shares (docs/worker.md): queueing a job inside the caller's
transaction, and running each job as a request would run."""

from django.db import close_old_connections
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
