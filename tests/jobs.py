"""Background jobs in tests: run them here, in the test's own thread and transaction.

A real worker uses connections of its own, which cannot see the uncommitted rows of a test
(pytest-django's ``db`` fixture wraps each test in a transaction), nor the jobs it queued.
"""

import inspect

from asgiref.sync import async_to_sync
from django.db import connection
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob


def _sql(query: str, params: list | None = None):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone() if cursor.description else None


def run_jobs(max_runs: int = 100) -> int:
    """Run every queued job, and the jobs those queue, until none is left. Returns the number
    of runs: a job that fails and is retried counts once per run.

    Each job runs as the worker would run it: its task's function called with its arguments,
    then the job marked succeeded; or, when the task raises, retried if its retry strategy says
    so (here at once, whatever the delay), else marked failed with the exception raised.
    """
    # Registered like a worker, so the job running is not taken for a dead worker's.
    (worker_id,) = _sql("SELECT worker_id FROM procrastinate_register_worker_v1()")
    queued = ProcrastinateJob.objects.filter(status="todo").order_by("-priority", "id")
    runs = 0
    try:
        while row := queued.first():
            if runs == max_runs:
                raise RuntimeError(f"Jobs still queued after {max_runs} runs: one never ends?")
            runs += 1
            job = row.procrastinate_job
            task = app.tasks[job.task_name]
            _sql(
                "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s",
                [worker_id, job.id],
            )
            # An async task's queries run in this thread too (asgiref's thread-sensitive mode).
            run = async_to_sync(task.func) if inspect.iscoroutinefunction(task.func) else task
            try:
                run(**job.task_kwargs)
            except Exception as error:
                retry = task.get_retry_exception(exception=error, job=job)
                if retry is None:
                    _sql("SELECT procrastinate_finish_job_v1(%s, 'failed', false)", [job.id])
                    raise
                _sql(
                    "SELECT procrastinate_retry_job_v2(%s, %s, NULL, NULL, NULL)",
                    [job.id, retry.retry_decision.retry_at],
                )
            else:
                _sql("SELECT procrastinate_finish_job_v1(%s, 'succeeded', false)", [job.id])
    finally:
        _sql("SELECT procrastinate_unregister_worker_v1(%s)", [worker_id])
    return runs
