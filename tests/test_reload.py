"""The shipped gunicorn configuration reloads (SIGHUP) under load without failing a request."""

import signal
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import build_review
from tests.servers import database_url, fetch, gunicorn

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]


def worker_pids(master_pid: int) -> set[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return {int(pid) for pid in children}


def test_reload_under_load_fails_no_request(tmp_path):
    version = build_review()
    env = {
        "DJANGO_SETTINGS_MODULE": "cancerchoices.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "CACHE_DIR": str(tmp_path / "cache"),
    }
    outcomes = Counter()
    stop = threading.Event()

    with gunicorn(env, workers=2) as (base, master):
        paths = [version.therapy.get_absolute_url(), "/therapies/", "/healthz/live"]

        def load(n):
            # Bounded: at most 400 requests per thread, and only while the test runs.
            for i in range(400):
                if stop.is_set():
                    return
                try:
                    status = fetch(base + paths[(n + i) % len(paths)] + f"?r={n}-{i}")[0]
                    outcomes[status] += 1
                except OSError as error:
                    outcomes[type(error).__name__] += 1

        threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1)
        before = worker_pids(master.pid)
        master.send_signal(signal.SIGHUP)
        time.sleep(3)
        master.send_signal(signal.SIGHUP)
        time.sleep(3)
        after = worker_pids(master.pid)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert before
    assert after
    assert not before & after  # every worker was replaced, twice over
    assert set(outcomes) == {200}, outcomes
    assert outcomes[200] > 50
