"""The background worker (procrastinate): a real worker process sends e-mail and publishes what
is due; an e-mail whose sending fails is sent again; tests run queued jobs with ``run_jobs``."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection, transaction
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateEvent, ProcrastinateJob

from cancerchoices.cache import public_content_generation
from cancerchoices.tasks import defer
from tests.factories import PublishedVersionFactory, member
from tests.servers import background_worker, database_url, wait_until
from therapies import tasks
from therapies.models import ReviewVersion
from therapies.notifications import notify_transition
from therapies.rendering import rerender_versions
from therapies.workflow import approve_version, start_draft, submit_version

State = ReviewVersion.State

# The test settings keep e-mail in memory (the worker's, out of the test's reach): the worker
# gets settings of its own that write each e-mail to a file.
WORKER_SETTINGS = """\
from cancerchoices.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = {folder!r}
"""


def approved_draft() -> ReviewVersion:
    live = PublishedVersionFactory(published_at=timezone.now())
    researcher = member("Researcher", "rita")
    draft = start_draft(live.therapy, researcher)
    submit_version(
        version=draft, by=researcher, change_kind="update", change_summary="New studies."
    )
    return approve_version(version=draft, by=member("Clinical consultant", "carl"))


@pytest.mark.servers
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_email_and_publishes_what_is_due(tmp_path):
    draft = approved_draft()
    ReviewVersion.objects.filter(pk=draft.pk).update(
        publish_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    notify_transition.defer(
        version_id=draft.pk, action="approve", state="approved", comment="Well done."
    )
    outbox = tmp_path / "outbox"
    (tmp_path / "worker_settings.py").write_text(WORKER_SETTINGS.format(folder=str(outbox)))
    env = {
        "DJANGO_SETTINGS_MODULE": "worker_settings",
        "PYTHONPATH": str(tmp_path),
        "DATABASE_URL": database_url(connection.settings_dict),
    }

    def sent() -> bool:
        return any("Comment: Well done." in path.read_text() for path in outbox.glob("*"))

    def published() -> bool:
        return ReviewVersion.objects.filter(pk=draft.pk, state=State.PUBLISHED).exists()

    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log, background_worker(env, log):
        try:
            wait_until(sent, 90, "the e-mail")
            # On starting, a worker queues the periodic job of the minute just begun.
            wait_until(published, 90, "the scheduled publication")
        except TimeoutError as error:
            raise AssertionError(f"{error}; the worker said:\n{log_path.read_text()}") from None
    entry = draft.audit.first()
    assert (entry.action, entry.actor) == ("publish", None)


@pytest.fixture
def mail_fails_once(monkeypatch):
    """The first e-mail sent fails as a mail server that drops the connection would."""
    send = locmem.EmailBackend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(messages)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", flaky)
    return calls


@pytest.mark.django_db
def test_an_email_that_fails_to_send_is_retried_later_and_sent(jobs, mail_fails_once):
    # In-process: the worker would wait 5 seconds before the retry; run_jobs does not.
    version = PublishedVersionFactory(created_by=member("Researcher", "rita"))
    notify_transition.defer(version_id=version.pk, action="publish", state="published")

    assert jobs() == 2
    assert len(mail_fails_once) == 2
    assert [message.subject for message in mail.outbox] == [f"Review published: {version.name}"]
    assert mail.outbox[0].to == ["rita@example.org"]
    job = ProcrastinateJob.objects.get()
    assert (job.status, job.attempts) == ("succeeded", 2)
    events = ProcrastinateEvent.objects.filter(job=job).order_by("id")
    assert "deferred_for_retry" in events.values_list("type", flat=True)


@pytest.mark.django_db
def test_an_email_names_the_state_its_step_led_to_not_a_later_one(jobs):
    version = PublishedVersionFactory()
    member("Clinical consultant", "carl")
    notify_transition.defer(version_id=version.pk, action="submit", state="in_review")
    jobs()
    assert mail.outbox[0].to == ["carl@example.org"]
    assert f"{version.name}, version {version.number}: submitted" in mail.outbox[0].body
    assert "It is now in review." in mail.outbox[0].body


@pytest.mark.django_db
def test_an_email_for_a_missing_version_fails_at_once(jobs):
    notify_transition.defer(version_id=0, action="publish", state="published")
    with pytest.raises(ReviewVersion.DoesNotExist):
        jobs()
    assert ProcrastinateJob.objects.get().status == "failed"


@pytest.mark.django_db
def test_the_job_of_a_worker_that_died_is_queued_again_and_runs(jobs):
    version = PublishedVersionFactory(created_by=member("Researcher", "rita"))
    job_id = notify_transition.defer(version_id=version.pk, action="publish", state="published")
    with connection.cursor() as cursor:  # a worker took the job, then stopped beating
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '1 hour')"
            " RETURNING id"
        )
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s",
            [cursor.fetchone()[0], job_id],
        )
    tasks.retry_stalled_jobs.defer(timestamp=0)

    assert jobs() == 2
    assert [message.subject for message in mail.outbox] == [f"Review published: {version.name}"]


@pytest.mark.django_db
def test_a_dead_workers_periodic_job_is_ended_not_retried_and_its_other_jobs_still_run(jobs):
    # A worker died running the minute's publish_scheduled and an e-mail; the clock has queued
    # the next minute's publish_scheduled already, under the same queueing lock.
    version = PublishedVersionFactory(created_by=member("Researcher", "rita"))
    tasks.retry_stalled_jobs.defer(timestamp=0)
    periodic_id = tasks.publish_scheduled.defer(timestamp=0)
    mail_id = notify_transition.defer(version_id=version.pk, action="publish", state="published")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '1 hour')"
            " RETURNING id"
        )
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id IN (%s, %s)",
            [cursor.fetchone()[0], periodic_id, mail_id],
        )
    waiting = tasks.publish_scheduled.defer(timestamp=60)

    assert jobs() == 3  # retry_stalled_jobs, the e-mail again, the next minute's publish check
    assert [message.subject for message in mail.outbox] == [f"Review published: {version.name}"]
    statuses = dict(ProcrastinateJob.objects.values_list("id", "status"))
    # The dead worker's periodic job is over: the next one did its work.
    assert (statuses[periodic_id], statuses[waiting]) == ("failed", "succeeded")


@pytest.mark.django_db
def test_run_jobs_runs_queued_jobs_in_the_tests_transaction(jobs):
    version = PublishedVersionFactory(body="Some *plain* prose.")
    ReviewVersion.objects.filter(pk=version.pk).update(body_html="stale")
    generation = public_content_generation()
    rerender_versions.defer(version_ids=[version.pk, 0])  # 0: a version that is gone

    assert jobs() == 1
    version.refresh_from_db()
    assert "<em>plain</em>" in version.body_html
    assert public_content_generation() > generation
    assert ProcrastinateJob.objects.get().status == "succeeded"
    assert jobs() == 0


@pytest.mark.django_db(transaction=True)
def test_jobs_queued_inside_the_worker_commit_or_roll_back_with_their_transaction():
    def failing_step():
        with transaction.atomic():
            defer(notify_transition, version_id=1, action="submit", state="in_review")
            # committed at once:
            notify_transition.defer(version_id=2, action="submit", state="in_review")
            raise RuntimeError("the step failed")

    # In the worker, the app's connector is procrastinate's own connection pool, as here.
    with app.replace_connector(app.connector.get_worker_connector()), app.open():
        with pytest.raises(RuntimeError):
            failing_step()
        assert [job.args["version_id"] for job in ProcrastinateJob.objects.all()] == [2]
        with transaction.atomic():
            job_id = defer(notify_transition, version_id=3, action="submit", state="in_review")
    job = ProcrastinateJob.objects.get(pk=job_id)
    assert (job.task_name, job.queue_name, job.status) == (
        "therapies.notifications.notify_transition",
        "email",
        "todo",
    )
    assert job.args == {"version_id": 3, "action": "submit", "state": "in_review"}
