"""The worker's periodic jobs (docs/worker.md).

Jobs are rows in PostgreSQL (procrastinate), run by ``manage.py procrastinate worker``. The
jobs that a step queues live beside the code that queues them (``notifications``,
``rendering``); those here are queued by the worker's own clock, every minute or five.
"""

from django.conf import settings
from procrastinate.contrib.django import app
from procrastinate.jobs import Status

from cancerchoices.tasks import run_like_a_request

from .workflow import publish_due, withdraw_expired


@app.periodic(cron=settings.WORKER_DUE_STEPS_CRON)
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
    return len(publish_due())


@app.periodic(cron=settings.WORKER_DUE_STEPS_CRON)
@app.task(
    queue="scheduled",
    queueing_lock="withdraw_expired_versions",
    task_middleware=[run_like_a_request],
)
def withdraw_expired_versions(timestamp: int) -> int:
    """Every minute: withdraw the published versions whose expiry has come, with the reason
    set with it; ``withdraw_expired`` locks each as ``publish_due`` does. Returns how many."""
    return len(withdraw_expired())


@app.periodic(cron=settings.WORKER_STALLED_JOBS_CRON)
@app.task(queue="scheduled", queueing_lock="retry_stalled_jobs")
async def retry_stalled_jobs(timestamp: int) -> int:
    """Every 5 minutes: queue again the jobs of workers that died mid-job (killed, or their
    host lost: no heartbeat for ``stalled_worker_timeout``, 30 s), which would otherwise stay
    "doing" for ever. A live worker's job is never taken, however long it runs. Such a job may
    have done its work already: ours can all run again (an e-mail then goes out twice).

    A periodic job (one with a queueing lock) is ended as failed instead: the next one queued
    does its work, and may be waiting already, which the retried job would collide with (one
    waiting job a lock), stopping this run before the other jobs. Returns how many it found."""
    silent = settings.PROCRASTINATE_WORKER_DEFAULTS.get("stalled_worker_timeout", 30)
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=silent))
    for job in stalled:
        if job.queueing_lock:
            await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
        else:
            await app.job_manager.retry_job(job)
    return len(stalled)
