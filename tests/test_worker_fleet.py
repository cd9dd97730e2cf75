"""Workers on several hosts: two worker processes (two hosts, each with a name of its own) and
two app servers share one PostgreSQL and one Redis. A scheduled publication happens once and
its e-mail goes out once, whichever worker gets there first; a worker killed in the middle of
a job (sending an e-mail, publishing a version) leaves the work to the other, which does it
once."""

import datetime
import re
import select
import signal
import socket
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import build_review, member
from tests.servers import (
    background_worker,
    database_url,
    fetch,
    gunicorn,
    redis_server,
    wait_until,
)
from therapies.models import ReviewVersion
from therapies.notifications import notify_transition
from therapies.workflow import approve_version, schedule_version, start_draft, submit_version

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

State = ReviewVersion.State

# The workers' settings: the test settings, with the worker's clock ticking every 2 s instead of
# every minute, heartbeats every 0.5 s and a worker silent for 4 s taken for dead (instead of
# 10 s and 30 s), so that what takes minutes in production takes seconds here.
WORKER_SETTINGS = """\
from cancerchoices.settings.test import *  # noqa: F403

{mail}
PROCRASTINATE_WORKER_DEFAULTS = {{
    **PROCRASTINATE_WORKER_DEFAULTS,  # noqa: F405
    "update_heartbeat_interval": 0.5,
    "stalled_worker_timeout": 4,
    "fetch_job_polling_interval": 1,
}}
WORKER_DUE_STEPS_CRON = "* * * * * */2"
WORKER_STALLED_JOBS_CRON = "* * * * * */2"
"""
FILE_MAIL = 'EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"\n'
FILE_MAIL += "EMAIL_FILE_PATH = {folder!r}"
SMTP_MAIL = 'EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"\n'
SMTP_MAIL += "EMAIL_HOST = '127.0.0.1'\nEMAIL_PORT = {port}\nEMAIL_TIMEOUT = 120"
SILENT_AFTER = 4  # stalled_worker_timeout above


def worker_env(tmp_path: Path, mail: str, **extra) -> dict:
    (tmp_path / "fleet_worker_settings.py").write_text(WORKER_SETTINGS.format(mail=mail))
    return {
        "DJANGO_SETTINGS_MODULE": "fleet_worker_settings",
        "PYTHONPATH": str(tmp_path),
        "DATABASE_URL": database_url(connection.settings_dict),
        **extra,
    }


@contextmanager
def worker(name: str, env: dict, log: Path):
    """A background worker named as a host of its own, its output in ``log``."""
    with log.open("w") as output, background_worker(env, output, name=name) as process:
        yield process


def logs(folder: Path) -> str:
    return "\n".join(f"--- {path.name}:\n{path.read_text()}" for path in folder.glob("*.log"))


def sql(query: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def sent_messages(outbox: Path) -> list[str]:
    """The subjects of the e-mail the file backend wrote, one file per connection, each
    message in it with a Subject header of its own."""
    return [
        subject
        for path in sorted(outbox.glob("*"))
        for subject in re.findall(r"^Subject: (.*)$", path.read_text(), re.MULTILINE)
    ]


def test_a_scheduled_publication_happens_once_with_one_email_on_a_fleet(tmp_path):
    live = build_review()
    researcher = member("Researcher", "rita")
    consultant = member("Clinical consultant", "carl")
    draft = start_draft(live.therapy, researcher)
    ReviewVersion.objects.filter(pk=draft.pk).update(summary="Published by the worker's clock.")
    draft = submit_version(
        version=draft, by=researcher, change_kind="update", change_summary="New studies."
    )
    draft = approve_version(version=draft, by=consultant)
    url = live.therapy.get_absolute_url()
    outbox = tmp_path / "outbox"
    site = {"Host": "localhost"}

    with ExitStack() as stack:
        redis_url = stack.enter_context(redis_server(tmp_path))
        app_env = {
            "DJANGO_SETTINGS_MODULE": "cancerchoices.settings.test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": redis_url,
        }
        servers = [stack.enter_context(gunicorn(app_env, workers=1))[0] for _ in range(2)]
        for base in servers:  # each caches the page as it is before the publication
            status, _, body = fetch(base + url, site)
            assert (status, live.summary in body) == (200, True)
        # A few seconds ahead: both workers' clocks tick (every 2 s) before and after it.
        schedule_version(
            version=draft, by=consultant, at=timezone.now() + datetime.timedelta(seconds=4)
        )
        env = worker_env(tmp_path, FILE_MAIL.format(folder=str(outbox)), REDIS_URL=redis_url)
        for name in ("host-a", "host-b"):
            stack.enter_context(worker(name, env, tmp_path / f"{name}.log"))

        def published() -> bool:
            return ReviewVersion.objects.filter(pk=draft.pk, state=State.PUBLISHED).exists()

        def everywhere() -> bool:
            return all(
                "Published by the worker's clock." in fetch(b + url, site)[2] for b in servers
            )

        try:
            wait_until(published, 60, "the scheduled publication")
            wait_until(everywhere, 10, "the new page on both app servers")
            wait_until(lambda: "Review published: " + draft.name in sent_messages(outbox), 30,
                       "the publication's e-mail")  # fmt: skip
            assert len(sql("SELECT id FROM procrastinate_workers")) == 2  # both alive
            time.sleep(6)  # three more ticks of both clocks: nothing happens twice
        except (TimeoutError, AssertionError) as error:
            raise AssertionError(f"{error}; the workers said:\n{logs(tmp_path)}") from None

    draft.refresh_from_db()
    assert draft.state == State.PUBLISHED
    assert [entry.action for entry in draft.audit.filter(action="publish")] == ["publish"]
    assert draft.audit.get(action="publish").actor is None  # the worker's doing
    assert ReviewVersion.objects.filter(therapy=live.therapy, state=State.PUBLISHED).count() == 1
    assert draft.history.filter(state=State.PUBLISHED).count() == 1
    published_mail = [s for s in sent_messages(outbox) if s.startswith("Review published")]
    assert published_mail == [f"Review published: {draft.name}"]


def test_a_worker_killed_in_the_middle_of_a_publication_leaves_it_to_the_other(tmp_path):
    live = build_review()
    researcher = member("Researcher", "rita")
    consultant = member("Clinical consultant", "carl")
    draft = start_draft(live.therapy, researcher)
    draft = submit_version(
        version=draft, by=researcher, change_kind="update", change_summary="New studies."
    )
    draft = approve_version(version=draft, by=consultant)
    outbox = tmp_path / "outbox"
    env = worker_env(tmp_path, FILE_MAIL.format(folder=str(outbox)))

    def waiting_for_a_lock() -> bool:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        return sql(query + " AND wait_event_type = 'Lock'")[0][0] > 0

    def published() -> bool:
        return ReviewVersion.objects.filter(pk=draft.pk, state=State.PUBLISHED).exists()

    def job_status(job_id: int) -> str | None:
        rows = sql("SELECT status FROM procrastinate_jobs WHERE id = %s", [job_id])
        return rows[0][0] if rows else None

    # A transaction of the test's own holds the live version's row: the publication of the
    # draft, which supersedes it, stops there, half done, in the middle of its transaction.
    holder = psycopg.connect(database_url(connection.settings_dict))
    try:
        holder.execute("SELECT id FROM therapies_reviewversion WHERE id = %s FOR UPDATE", [live.pk])
        schedule_version(
            version=draft, by=consultant, at=timezone.now() + datetime.timedelta(seconds=1)
        )
        with ExitStack() as stack:
            first = stack.enter_context(worker("host-a", env, tmp_path / "host-a.log"))
            wait_until(waiting_for_a_lock, 60, "host-a's publication, waiting")
            [(job_id, task)] = sql(
                "SELECT id, task_name FROM procrastinate_jobs WHERE status = 'doing'"
            )
            assert task == "therapies.tasks.publish_scheduled"
            stack.enter_context(worker("host-b", env, tmp_path / "host-b.log"))
            time.sleep(2 * SILENT_AFTER)  # host-b's checks skip the version host-a holds
            assert not published()

            first.send_signal(signal.SIGKILL)  # the host is lost in the middle of the publication
            first.wait()
            holder.rollback()  # host-a's database session now finds its client gone: rolled back
            wait_until(published, 60, "the publication by host-b")
            wait_until(lambda: any(s.startswith("Review published") for s in sent_messages(outbox)),
                       30, "the publication's e-mail")  # fmt: skip
            # host-b ends host-a's periodic job (its own next check did the work)
            wait_until(lambda: job_status(job_id) == "failed", 30, "host-a's job ended")
            time.sleep(2 * SILENT_AFTER)  # more checks: nothing happens twice
    except (TimeoutError, AssertionError) as error:
        raise AssertionError(f"{error}; the workers said:\n{logs(tmp_path)}") from None
    finally:
        holder.close()

    assert [entry.actor for entry in draft.audit.filter(action="publish")] == [None]
    assert ReviewVersion.objects.filter(therapy=live.therapy, state=State.PUBLISHED).count() == 1
    published_mail = [s for s in sent_messages(outbox) if s.startswith("Review published")]
    assert published_mail == [f"Review published: {draft.name}"]
    # No run of retry_stalled_jobs failed on host-a's periodic job (which a retry would have
    # put back beside the next one, under the same queueing lock).
    assert sql("SELECT task_name FROM procrastinate_jobs WHERE status = 'failed'") == [
        ("therapies.tasks.publish_scheduled",)
    ]


class MailServer:
    """A small SMTP server on loopback that accepts every message, but holds the first one at
    the end of its DATA, not answering until ``release`` or until the sender goes away. As with
    a real mail server, a message counts as accepted only once it is answered "250"."""

    def __init__(self):
        self.accepted: list[bytes] = []
        self.connections = 0
        self.holding = threading.Event()
        self.release = threading.Event()
        self.dropped = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._held_one = False
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self):
        self.release.set()
        self._listener.close()

    def _serve(self):
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._session, args=(client,), daemon=True).start()

    def _session(self, client: socket.socket):
        reader = client.makefile("rb")

        def say(line: str):
            client.sendall(line.encode() + b"\r\n")

        try:
            say("220 localhost test mail server")
            while line := reader.readline():
                command = line.decode().strip().upper()
                if command.startswith(("EHLO", "HELO")):
                    say("250 localhost")
                elif command == "DATA":
                    say("354 End data with <CR><LF>.<CR><LF>")
                    message = b"".join(iter(lambda: reader.readline(), b".\r\n"))
                    if self._hold_this_one() and not self._wait_for_release(client):
                        self.dropped += 1  # the sender went away before the answer
                        return
                    self.accepted.append(message)
                    say("250 OK queued")
                elif command == "QUIT":
                    say("221 bye")
                    return
                else:  # MAIL FROM, RCPT TO, RSET, NOOP
                    say("250 OK")
        except OSError:
            return
        finally:
            client.close()

    def _hold_this_one(self) -> bool:
        with self._lock:
            first, self._held_one = not self._held_one, True
        return first

    def _wait_for_release(self, client: socket.socket) -> bool:
        """Wait for ``release``; False if the sender closed its connection meanwhile."""
        self.holding.set()
        while not self.release.is_set():
            readable, _, _ = select.select([client], [], [], 0.1)
            if readable:
                try:
                    if not client.recv(1, socket.MSG_PEEK):
                        return False
                except OSError:
                    return False
        return True


def test_a_worker_killed_mid_job_leaves_it_to_the_other_which_runs_it_once(tmp_path):
    live = build_review()
    ReviewVersion.objects.filter(pk=live.pk).update(created_by=member("Researcher", "rita"))
    mail_server = MailServer()
    env = worker_env(tmp_path, SMTP_MAIL.format(port=mail_server.port))

    def job_rows():
        return sql("SELECT status, worker_id, attempts FROM procrastinate_jobs WHERE id = %s",
                   [job_id])  # fmt: skip

    try:
        with ExitStack() as stack:
            first = stack.enter_context(worker("host-a", env, tmp_path / "host-a.log"))
            job_id = notify_transition.defer(
                version_id=live.pk, action="publish", state="published"
            )
            # host-a sends the e-mail; the mail server holds it before answering.
            wait_until(mail_server.holding.is_set, 60, "host-a's e-mail")
            stack.enter_context(worker("host-b", env, tmp_path / "host-b.log"))
            # A job that runs long is not taken from a live worker, however many times the
            # other worker looks for stalled jobs (every 2 s), well past the threshold.
            time.sleep(3 * SILENT_AFTER)
            [(status, worker_id, attempts)] = job_rows()
            (a_id,) = sql("SELECT min(id) FROM procrastinate_workers")[0]
            assert (status, worker_id, attempts) == ("doing", a_id, 0)
            assert mail_server.connections == 1

            first.send_signal(signal.SIGKILL)  # the host is lost in the middle of the job
            first.wait()
            wait_until(lambda: len(mail_server.accepted) == 1, 60, "the e-mail sent again")
            wait_until(lambda: not job_rows(), 10, "the job done (successful jobs are deleted)")
            time.sleep(2 * SILENT_AFTER)  # long enough for a second sending, if there were one
    except (TimeoutError, AssertionError) as error:
        raise AssertionError(f"{error}; the workers said:\n{logs(tmp_path)}") from None
    finally:
        mail_server.close()

    assert mail_server.dropped == 1  # host-a's, never answered, so never delivered
    assert mail_server.connections == 2
    [message] = mail_server.accepted
    assert f"Subject: Review published: {live.name}".encode() in message
    assert b"rita@example.org" in message
