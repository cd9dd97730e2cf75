"""Health endpoints and the 503 page shown while the database is down (in-process checks; the
real outage, with PostgreSQL stopped under gunicorn, is in test_app_servers.py, and a hung
one, its processes paused, in test_hung_database.py)."""

import threading
import time

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from cancerchoices import health
from cancerchoices.postgresql.base import (
    BoundedConnection,
    DatabaseWrapper,
    ServerDidNotAnswer,
    wait_limit,
)
from therapies.search import Search

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_io(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_readiness_checks_the_database(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_readiness_is_503_when_the_database_fails(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    # The check runs on a connection of its own, in a thread of its own.
    monkeypatch.setattr(DatabaseWrapper, "cursor", unreachable)
    assert client.get("/healthz/ready").status_code == 503


def test_readiness_answers_within_its_timeout_when_the_check_hangs(client, monkeypatch, settings):
    settings.READINESS_TIMEOUT = 0.5
    release = threading.Event()

    def hung(self, *args, **kwargs):
        release.wait(30)
        raise OperationalError("gave up")

    monkeypatch.setattr(DatabaseWrapper, "cursor", hung)
    try:
        started = time.monotonic()
        assert client.get("/healthz/ready").status_code == 503
        assert time.monotonic() - started < 2
        # While that check still waits, the next answers at once rather than start another.
        started = time.monotonic()
        assert client.get("/healthz/ready").status_code == 503
        assert time.monotonic() - started < 0.5
    finally:
        release.set()
    monkeypatch.undo()
    deadline = time.monotonic() + 30
    while client.get("/healthz/ready").status_code != 200:
        assert time.monotonic() < deadline, "readiness did not recover"
        time.sleep(0.05)


@pytest.mark.parametrize("host", ["10.0.3.7:8000", "evil.example"])
def test_health_checks_answer_any_host(client, host):
    # The load balancer polls each server by its own address, which is no allowed host.
    assert client.get("/healthz/live", headers={"host": host}).status_code == 200
    assert client.get("/healthz/ready", headers={"host": host}).status_code == 200
    assert client.get("/", headers={"host": host}).status_code == 400


def test_a_wait_for_the_server_is_bounded_within_a_limit():
    raw = BoundedConnection.connect(**connection.get_connection_params())
    backend = raw.info.backend_pid
    try:
        started = time.monotonic()
        with wait_limit(0.5), pytest.raises(ServerDidNotAnswer, match=r"within 0\.5 s"):
            raw.execute("SELECT pg_sleep(5)")
        assert time.monotonic() - started < 2
        assert raw.closed  # caught mid-exchange: never used again
    finally:
        raw.close()
        with connection.cursor() as cursor:  # the server would sleep on otherwise
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])


def test_waits_outside_a_limit_are_as_psycopg_makes_them():
    raw = BoundedConnection.connect(**connection.get_connection_params())
    try:
        assert raw.execute("SELECT pg_sleep(0.3), 1").fetchone()[1] == 1
    finally:
        raw.close()


def test_the_database_has_a_statement_timeout_and_tcp_keepalives():
    options = connection.settings_dict["OPTIONS"]
    assert options["connect_timeout"] == 3
    assert options["keepalives"] == 1
    assert options["tcp_user_timeout"] > 0
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


def test_database_errors_become_a_static_503_with_retry_after(client, monkeypatch):
    def unreachable(self, number):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Search, "find", unreachable)
    response = client.get(reverse("therapies:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "back in a moment" in response.content.decode()


def test_database_errors_outside_a_view_become_the_503_too(monkeypatch):
    def unreachable(self, request, response):
        raise OperationalError("connection refused")

    monkeypatch.setattr(SessionMiddleware, "process_response", unreachable)
    response = Client(raise_request_exception=False).get(reverse("therapies:glossary"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "back in a moment" in response.content.decode()


def test_other_errors_outside_a_view_stay_500(monkeypatch):
    def broken(self, request, response):
        raise RuntimeError("a bug")

    monkeypatch.setattr(SessionMiddleware, "process_response", broken)
    response = Client(raise_request_exception=False).get(reverse("therapies:glossary"))
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_readiness_lock_is_free_between_checks():
    assert health._checking.acquire(blocking=False)
    health._checking.release()
