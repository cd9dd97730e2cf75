"""A real read replica under the app: a streaming standby of a throwaway primary
(tests/replica.py: pg_basebackup -R), one Redis and two gunicorn servers, set up as in
production with DATABASE_URL, DATABASE_REPLICA_URL and REDIS_URL. No mocks.

* The public pages answer from the standby (its pg_stat_activity shows their queries; the
  primary's shows none).
* Read-your-publish: with the standby's replay paused, a review published or withdrawn on the
  primary shows on the very next request to either server, and the old page is never served
  again, after replay resumes either.
* A standby stopped or hung (SIGSTOP) costs readers nothing: pages answer 200 from the primary
  within the 5-second bound of a database outage (tests/test_hung_database.py), readiness
  stays 200 and says the replica is down, and reads return to the standby once it is back.
"""

import os
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from django.conf import settings

from tests.replica import streaming_pair
from tests.servers import PROJECT, fetch, gunicorn, paused, redis_server, run_manage, wait_until

pytestmark = pytest.mark.servers

PAGE_BOUND = 5.0  # as for a database outage (tests/test_hung_database.py)
READY_BOUND = 2.0 + 0.5  # the readiness bound, and slack for a loaded machine
SITE = {"Host": "localhost"}  # behind a load balancer every server sees the site's one host
THERAPY = "ginger"
PAGE = f"/therapies/{THERAPY}/"
PUBLIC_PAGES = [
    "/",
    "/therapies/",
    PAGE,
    f"{PAGE}safety/",
    f"{PAGE}changes/",
    f"{PAGE}feed/",
    "/feeds/updates/",
    f"/compare/?therapies={THERAPY}&therapies=curcumin",
    "/glossary/",
    "/people/",
    "/people/miriam-calloway/",
    "/methodology/",
    "/about/",
    "/sitemap.xml",
]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """(primary, standby, env, [server base URLs]), the demo content loaded on the primary."""
    folder = tmp_path_factory.mktemp("replica")
    with streaming_pair() as (primary, standby), redis_server(folder) as redis_url:
        env = {
            "DJANGO_SETTINGS_MODULE": "cancerchoices.settings.test",
            "DATABASE_URL": primary.url,
            "DATABASE_REPLICA_URL": standby.url,
            "REDIS_URL": redis_url,
        }
        run_manage("migrate", "--no-input", env=env)
        run_manage("load_demo", env=env)
        standby.wait_caught_up(primary)
        with (
            open(folder / "first.log", "wb") as first_log,
            open(folder / "second.log", "wb") as second_log,
            gunicorn(env, workers=2, log=first_log) as (first, _),
            gunicorn(env, workers=2, log=second_log) as (second, _),
        ):
            yield primary, standby, env, [first, second]


def shell(script: str, env: dict) -> str:
    """``script`` in ``manage.py shell`` with the servers' environment; returns its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=PROJECT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


STEPS = """
from django.contrib.auth import get_user_model
from therapies.models import ReviewVersion, Therapy
from therapies.workflow import (
    approve_version, publish_version, start_draft, submit_version, withdraw_version,
)
users = get_user_model().objects
author, consultant = users.get(username="researcher"), users.get(username="consultant")
therapy = Therapy.objects.get(slug="{therapy}")
"""

APPROVED_DRAFT = (
    STEPS
    + """
draft = start_draft(therapy, author)
draft.summary = "{summary}"
draft.save()
draft = submit_version(version=draft, by=author, change_kind="update", change_summary="New.")
print(approve_version(version=draft, by=consultant).pk)
"""
)
PUBLISH = STEPS + "publish_version(version=ReviewVersion.objects.get(pk={pk}), by=consultant)"
WITHDRAW = (
    STEPS
    + """
live = ReviewVersion.objects.get(therapy=therapy, state="published")
withdraw_version(version=live, by=consultant, comment="{comment}")
"""
)


def query(url: str, sql: str, params=()):
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        return conn.execute(sql, params).fetchall()


def page_queries_since(url: str, since) -> int:
    """How many of the database's other sessions last read a table (as a page does; the
    health and replay checks read none) since ``since`` (that server's clock)."""
    return query(
        url,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND query_start >= %s AND query ILIKE '%%FROM %%'",
        [since],
    )[0][0]


def now_on(url: str):
    return query(url, "SELECT now()")[0][0]


def timed_fetch(url: str):
    started = time.monotonic()
    status, headers, body = fetch(url, SITE, timeout=15)
    return status, headers, body, time.monotonic() - started


def uncached(base: str) -> str:
    """An address no cache holds: a search, always read from the database."""
    return f"{base}/therapies/?q={uuid.uuid4().hex[:8]}"


def readiness(base: str):
    status, _, body, seconds = timed_fetch(base + "/healthz/ready")
    return status, body.splitlines(), seconds


def test_public_pages_are_read_from_the_replica(fleet):
    primary, standby, _, servers = fleet
    since_standby, since_primary = now_on(standby.url), now_on(primary.url)
    for base in servers:
        for page in PUBLIC_PAGES:
            status, _, body, _ = timed_fetch(base + page)
            assert (page, status) == (page, 200), body[:300]
        assert fetch(uncached(base), SITE)[0] == 200
        status, lines, _ = readiness(base)
        assert (status, lines) == (200, ["ok", "replica: ok"])
    assert page_queries_since(standby.url, since_standby) > 0
    assert page_queries_since(primary.url, since_primary) == 0


def test_a_publish_or_withdrawal_shows_at_once_while_the_replica_lags(fleet):
    primary, standby, env, servers = fleet
    new_summary = "Published while the replica lagged: read from the primary."
    old_summary = query(
        primary.url,
        "SELECT summary FROM therapies_reviewversion v JOIN therapies_therapy t"
        " ON t.id = v.therapy_id WHERE t.slug = %s AND v.state = 'published'",
        [THERAPY],
    )[0][0]
    pk = shell(APPROVED_DRAFT.format(therapy=THERAPY, summary=new_summary), env)
    standby.wait_caught_up(primary)
    for base in servers:  # the old pages, cached by both servers
        for _ in range(2):
            assert old_summary in fetch(base + PAGE, SITE)[2]
            assert f'href="{PAGE}"' in fetch(base + "/therapies/", SITE)[2]
        assert fetch(base + PAGE, SITE)[1]["X-Cache"] == "hit"

    standby.pause_replay()
    try:
        shell(PUBLISH.format(therapy=THERAPY, pk=pk), env)  # the consultant is told: done
        for _ in range(3):  # the first read renders it, the next ones are served from cache
            for base in servers:
                status, _, body = fetch(base + PAGE, SITE)
                assert status == 200
                assert new_summary in body
                assert old_summary not in body
        # The standby really is behind: the new page came from the primary.
        stale = query(standby.url, "SELECT state FROM therapies_reviewversion WHERE id = %s", [pk])[
            0
        ][0]
        assert stale == "approved"
        for base in servers:
            status, lines, _ = readiness(base)
            assert (status, lines) == (200, ["ok", "replica: lagging"])

        comment = "Withdrawn while the replica lagged."
        shell(WITHDRAW.format(therapy=THERAPY, comment=comment), env)
        for base in servers:
            status, _, body = fetch(base + PAGE, SITE)
            assert status == 410
            assert comment in body
            assert f'href="{PAGE}"' not in fetch(base + "/therapies/", SITE)[2]
    finally:
        standby.resume_replay()
    standby.wait_caught_up(primary)
    for base in servers:
        status, lines, _ = readiness(base)
        assert (status, lines) == (200, ["ok", "replica: ok"])
        status, _, body = fetch(base + PAGE, SITE)
        assert status == 410
        assert new_summary not in body


def test_a_stopped_replica_is_invisible_to_readers_and_used_again_once_back(fleet):
    _, standby, _, servers = fleet
    standby.stop()
    try:
        for _ in range(3):
            for base in servers:
                status, _, body, seconds = timed_fetch(uncached(base))
                assert status == 200, body[:300]
                assert seconds < PAGE_BOUND
                status, lines, seconds = readiness(base)
                assert (status, lines) == (200, ["ok", "replica: down"])
                assert seconds < READY_BOUND
    finally:
        standby.start()
    back_to_the_replica(standby, servers)


def test_a_hung_replica_is_invisible_to_readers_and_used_again_once_back(fleet):
    _, standby, _, servers = fleet
    for base in servers:  # each worker holds an open connection to the standby
        for _ in range(4):
            assert fetch(uncached(base), SITE)[0] == 200
    with paused(standby.data):
        # First the open connections stop answering; then, once each process tries the
        # standby again (after DATABASE_REPLICA_RETRY, 10 s), new connections hang too.
        hung_until = time.monotonic() + settings.DATABASE_REPLICA_RETRY + 3
        while time.monotonic() < hung_until:
            for base in servers:
                status, _, body, seconds = timed_fetch(uncached(base))
                assert status == 200, body[:300]
                assert seconds < PAGE_BOUND
                status, lines, seconds = readiness(base)
                assert (status, lines) == (200, ["ok", "replica: down"])
                assert seconds < READY_BOUND
    back_to_the_replica(standby, servers)


def back_to_the_replica(standby, servers) -> None:
    """Once the standby answers again, every server reads from it again (after it has left
    it alone for DATABASE_REPLICA_RETRY seconds), and says so."""
    for base in servers:
        wait_until(lambda base=base: readiness(base)[1][-1] == "replica: ok", 60, "replica ok")

        def read_from_the_standby(base=base):
            since = now_on(standby.url)
            assert fetch(uncached(base), SITE)[0] == 200
            return page_queries_since(standby.url, since) > 0

        wait_until(read_from_the_standby, 60, "reads from the standby")
