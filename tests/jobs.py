"""Background jobs in tests: run them here, in the test's own thread and transaction.

A real worker uses connections of its own, which cannot see the uncommitted rows of a test
(pytest-django's ``db`` fixture wraps each test in a transaction), nor the jobs it queued.
"""

from django.db import connection
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob


def _sql(query: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(query, params)


def run_jobs(max_runs: int = 100) -> int:
    """Run every queued job, and the jobs those queue, until none is left. Returns the number
    of runs: a job that fails and is retried counts once per run.

    Each job runs as the worker would run it: its task's function called with its arguments,
    then the job marked succeeded; or, when the task raises, retried if its retry strategy says
    so (here at once, whatever the delay), else marked failed with the exception raised.
    """
    runs = 0
    while job := ProcrastinateJob.objects.filter(status="todo").order_by("-priority", "id").first():
        if runs == max_runs:
            raise RuntimeError(f"Still jobs to run after {max_runs} runs; one retries for ever?")
        runs += 1
        job = job.procrastinate_job
        task = app.tasks[job.task_name]
        _sql("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %s", [job.id])
        try:
            task(**job.task_kwargs)
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
    return runs
