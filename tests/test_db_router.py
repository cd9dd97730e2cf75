"""The primary/replica router's choices (used only when DATABASE_REPLICA_URL is set). A real
streaming replica under gunicorn: tests/test_replica.py."""

import time

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory

from cancerchoices import db_router
from cancerchoices.db_router import (
    PrimaryForWritesMiddleware,
    PrimaryReplicaRouter,
    use_primary,
    wal_position_value,
)
from cancerchoices.health import database_unavailable
from tests.servers import settings_value
from therapies.models import Therapy

router = PrimaryReplicaRouter()


def test_the_router_is_active_only_with_a_replica_url():
    assert settings_value("getattr(s, 'DATABASE_ROUTERS', [])") == "[]"
    replica = {"DATABASE_REPLICA_URL": "postgres://reader@replica.internal/reviews"}
    assert settings_value("s.DATABASE_ROUTERS", **replica) == (
        "['cancerchoices.db_router.PrimaryReplicaRouter']"
    )
    assert settings_value("s.DATABASES['replica']['HOST']", **replica) == "replica.internal"
    # A replica that does not answer costs a request the shortest connect libpq allows.
    assert settings_value("s.DATABASES['replica']['OPTIONS']['connect_timeout']", **replica) == "2"
    assert settings_value("s.MIDDLEWARE[1]", **replica).endswith("PrimaryForWritesMiddleware")


def test_outside_a_public_request_reads_and_writes_go_to_the_primary():
    # Management commands, the background worker: they must see what they just wrote.
    assert router.db_for_read(Therapy) == "default"
    assert router.db_for_write(Therapy) == "default"


def test_a_public_read_goes_to_the_primary_until_it_is_known_how_fresh_it_must_be():
    with db_router.public_read() as state:
        assert router.db_for_read(Therapy) == "default"  # no generation: nothing says
    assert state.choice == "default"


def test_a_replica_that_failed_is_left_alone_for_a_while(monkeypatch):
    monkeypatch.setattr(db_router, "_replica_down_until", time.monotonic() + 60)
    with db_router.public_read():
        db_router.reads_must_include("0/0")
        assert router.db_for_read(Therapy) == "default"


def test_use_primary_and_transactions_keep_public_reads_on_the_primary(monkeypatch):
    monkeypatch.setattr(db_router, "_choose", lambda state: "replica")
    with db_router.public_read():
        db_router.reads_must_include("0/0")
        with use_primary():
            assert router.db_for_read(Therapy) == "default"
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)
        assert router.db_for_read(Therapy) == "default"
        monkeypatch.setattr(connections["default"], "in_atomic_block", False)
        assert router.db_for_read(Therapy) == "replica"


def test_wal_positions_compare_as_postgresql_orders_them():
    ordered = ["0/0", "0/16B3748", "0/FFFFFFFF", "1/0", "16/B374D848", "A0/1"]
    values = [wal_position_value(position) for position in ordered]
    assert values == sorted(set(values))


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "therapies")
    assert not router.allow_migrate("replica", "therapies")


@pytest.mark.parametrize(
    ("method", "path", "cookies", "public"),
    [
        ("get", "/therapies/", {}, True),
        ("head", "/", {}, True),
        ("post", "/therapies/", {}, False),
        ("get", "/admin/", {}, False),
        ("get", "/therapies/", {"sessionid": "x"}, False),
    ],
)
def test_the_admin_signed_in_users_and_writes_use_the_primary(
    monkeypatch, method, path, cookies, public
):
    """Only anonymous reads may use the replica (when it is fresh enough: tests/test_replica.py
    runs a real one)."""
    monkeypatch.setattr(db_router, "_choose", lambda state: "replica")
    seen = []

    def view(request):
        db_router.reads_must_include("0/0")  # as the page cache does
        seen.append(router.db_for_read(Therapy))
        return HttpResponse()

    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies)
    PrimaryForWritesMiddleware(view)(request)
    assert seen == ["replica" if public else "default"]


def test_a_request_the_replica_fails_mid_way_is_answered_again_from_the_primary(monkeypatch):
    """The replica broke after the request chose it (tests/test_replica.py stops and hangs a
    real one between requests): the reader gets the page from the primary, not the 503."""
    monkeypatch.setattr(db_router, "_choose", lambda state: "replica")
    monkeypatch.setattr(db_router, "replica_failed", lambda state: state.choice == "replica")
    monkeypatch.setattr(db_router, "_replica_down_until", 0.0)
    seen = []

    def view(request):
        db_router.reads_must_include("0/0")
        seen.append(router.db_for_read(Therapy))
        if seen[-1] == "replica":
            return database_unavailable(request)
        return HttpResponse("from the primary")

    response = PrimaryForWritesMiddleware(view)(RequestFactory().get("/therapies/"))
    assert (response.status_code, response.content) == (200, b"from the primary")
    assert seen == ["replica", "default"]
    assert db_router.replica_down()
