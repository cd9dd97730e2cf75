"""Background jobs: fan-out work that must not run inside a web request (docs/worker.md).

Jobs are rows in PostgreSQL (procrastinate), run by ``manage.py procrastinate worker``. Queue
them with ``defer(task, **arguments)`` inside the transaction that makes them necessary: the
job then commits, or rolls back, with that transaction.
"""

from django.db import OperationalError, transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from cancerchoices.cache import bump_public_content
from cancerchoices.tasks import defer, run_like_a_request

__all__ = ["defer", "notify_transition", "publish_scheduled", "rerender_versions"]


@app.task(
    queue="rendering",
    # A deadlock or a dropped connection is worth another try, 5 and then 25 seconds later.
    retry=RetryStrategy(max_attempts=2, exponential_wait=5),
    task_middleware=[run_like_a_request],
)
def rerender_versions(version_ids: list[int]) -> None:
    """Render the stored HTML of these versions again (those that still exist), after a change
    to something they show, such as a reference or a glossary term; and the glossary's longer
    definitions and people's biographies, which may cite or mark it too (a few dozen texts)."""
    from therapies.models import ReviewVersion
    from therapies.rendering import render_shared_texts, render_version

    for pk in sorted(set(version_ids)):
        with transaction.atomic():
            # Locked, so a draft saved meanwhile is rendered from its new text, never the old.
            version = ReviewVersion.objects.select_for_update().filter(pk=pk).first()
            if version is not None:
                render_version(version)
    render_shared_texts()
    bump_public_content()


@app.task(
    queue="email",
    # A mail outage loses nothing: tried again after 5 s, 25 s, 2 min, 10 min, 52 min and 4.3 h
    # (5.4 hours in all). SMTP errors and refused or timed-out connections are OSErrors, a
    # database out of reach an OperationalError; any other error (a deleted version) fails the
    # job at once, for the admin to see.
    retry=RetryStrategy(
        max_attempts=6, exponential_wait=5, retry_exceptions=[OSError, OperationalError]
    ),
    task_middleware=[run_like_a_request],
)
def notify_transition(version_id: int, action: str, comment: str = "") -> None:
    """E-mail the people concerned by workflow step ``action`` of a version."""
    from therapies.notifications import transition_done

    transition_done(version_id, action, comment)


@app.periodic(cron="* * * * *")
@app.task(
    queue="scheduled",
    # At most one waiting: if the workers fall behind, the minutes do not pile up.
    queueing_lock="publish_scheduled",
    task_middleware=[run_like_a_request],
)
def publish_scheduled(timestamp: int) -> int:
    """Every minute: publish the approved versions whose time has come. However many workers
    run, each minute is queued once (docs/worker.md); ``publish_due`` locks each version it
    publishes, so even overlapping runs publish each once. Returns how many it published."""
    from therapies.workflow import publish_due

    return len(publish_due())


@app.periodic(cron="*/5 * * * *")
@app.task(queue="scheduled", queueing_lock="retry_stalled_jobs")
async def retry_stalled_jobs(timestamp: int) -> int:
    """Every 5 minutes: queue again the jobs of workers that died mid-job (killed, or their
    host lost: no heartbeat for 30 s), which would otherwise stay "doing" for ever. Such a job
    may have done its work already: ours can all run again (an e-mail then goes out twice).
    Returns how many."""
    stalled = list(await app.job_manager.get_stalled_jobs())
    for job in stalled:
        await app.job_manager.retry_job(job)
    return len(stalled)
