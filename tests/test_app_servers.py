"""The app as it runs in production: gunicorn processes, a shared cache, a database that can go
away. These start real servers, so they are marked `servers`: `make test` runs them,
`make test-fast` does not."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse

from cancerchoices import localdb
from tests.admin_forms import save_version
from tests.factories import UserFactory, build_review
from tests.servers import PROJECT, database_url, fetch, gunicorn, redis_server
from therapies.workflow import approve_version, start_draft, submit_version

pytestmark = pytest.mark.servers


def run_manage(*args, env):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )


@pytest.fixture
def throwaway_database():
    """A PostgreSQL cluster of this test's own, so stopping it disturbs nobody else's."""
    # Under /var/tmp: when we are root, the server runs as `postgres`, who must reach it.
    folder = Path(tempfile.mkdtemp(prefix="cancerchoices-outage-", dir="/var/tmp"))
    cluster = folder / "pgdata"
    localdb.start(cluster)
    try:
        yield cluster
    finally:
        localdb.stop(cluster)
        shutil.rmtree(folder, ignore_errors=True)


def timed_fetch(url):
    started = time.monotonic()
    status, headers, body = fetch(url, timeout=10)
    return status, headers, body, time.monotonic() - started


def test_database_outage_serves_503_and_cached_pages_then_recovers(throwaway_database, tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "cancerchoices.settings.test",
        "DATABASE_URL": database_url(localdb.connection_settings(throwaway_database)),
        "CACHE_DIR": str(tmp_path / "cache"),
    }
    run_manage("migrate", "--no-input", env=env)
    run_manage("load_demo", env=env)
    with gunicorn(env, workers=2) as (base, _):
        index = fetch(base + "/therapies/")[2]
        therapy_url = base + re.search(r'href="(/therapies/[\w-]+/)"', index).group(1)
        assert fetch(therapy_url)[0] == 200
        assert fetch(therapy_url)[1]["X-Cache"] == "hit"

        localdb.stop(throwaway_database)
        status, headers, body, seconds = timed_fetch(base + "/glossary/")
        assert (status, seconds < 5) == (503, True)
        assert headers["Retry-After"] == "30"
        assert "back in a moment" in body
        status, _, _, seconds = timed_fetch(base + "/healthz/ready")
        assert (status, seconds < 5) == (503, True)
        assert fetch(base + "/healthz/live")[0] == 200
        status, headers, _ = fetch(therapy_url)
        assert (status, headers["X-Cache"]) == (200, "hit")

        localdb.start(throwaway_database)
        # The very first request after the restart succeeds, and so does every worker's.
        for _ in range(4):
            assert fetch(base + "/glossary/?after-restart")[0] == 200
        assert fetch(base + "/healthz/ready")[0] == 200


def signed_in_as(user) -> dict:
    """Cookies for a session of ``user`` in the shared database, with a CSRF token."""
    client = Client()
    client.force_login(user)
    token = "t" * 32  # any secret works as long as the cookie and the form carry the same one
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}"}, token


def post(url: str, data: dict, headers: dict) -> int:
    request = urllib.request.Request(
        url, data=urlencode(data).encode(), headers={**headers, "Referer": url}, method="POST"
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_share_the_cache_and_see_each_others_changes(tmp_path):
    live = build_review()
    url = live.therapy.get_absolute_url()
    author = UserFactory(username="author", is_staff=True)
    author.groups.add(Group.objects.get(name="Researcher"))
    publisher = UserFactory(username="publisher", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Clinical consultant"))
    draft = start_draft(live.therapy, author)
    save_version(draft, by=author, summary="Published through one server, read through the other.")
    draft = submit_version(version=draft, by=author, change_kind="update", change_summary="New.")
    draft = approve_version(version=draft, by=publisher)

    with redis_server(tmp_path) as redis_url:
        env = {
            "DJANGO_SETTINGS_MODULE": "cancerchoices.settings.test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": redis_url,
        }
        # Behind a load balancer both servers see the site's one host name.
        site = {"Host": "localhost"}
        with gunicorn(env, workers=1) as (first, _), gunicorn(env, workers=1) as (second, _):
            status, headers, body = fetch(first + url, site)
            assert (status, headers["X-Cache"]) == (200, "miss")
            status, headers, body = fetch(second + url, site)
            assert (status, headers["X-Cache"]) == (200, "hit")  # cached by the other server
            assert live.summary in body

            cookies, token = signed_in_as(publisher)
            step = reverse("admin:therapies_reviewversion_step", args=[draft.pk, "publish"])
            form = {"csrfmiddlewaretoken": token, "revision": draft.revision}
            assert post(first + step, form, {**site, **cookies}) == 302
            draft.refresh_from_db()
            assert draft.state == "published"

            status, _, body = fetch(second + url, site)
            assert status == 200
            assert "Published through one server, read through the other." in body
