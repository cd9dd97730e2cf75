"""The primary/replica router (used only when DATABASE_REPLICA_URL is set)."""

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory

from cancerchoices.db_router import PrimaryForWritesMiddleware, PrimaryReplicaRouter, use_primary
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
    assert settings_value("s.MIDDLEWARE[1]", **replica).endswith("PrimaryForWritesMiddleware")


def test_reads_go_to_the_replica_and_writes_to_the_primary():
    assert router.db_for_read(Therapy) == "replica"
    assert router.db_for_write(Therapy) == "default"


def test_use_primary_keeps_reads_on_the_primary():
    with use_primary():
        assert router.db_for_read(Therapy) == "default"
    assert router.db_for_read(Therapy) == "replica"


def test_reads_inside_a_transaction_stay_on_the_primary(monkeypatch):
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)
    assert router.db_for_read(Therapy) == "default"


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "therapies")
    assert not router.allow_migrate("replica", "therapies")


@pytest.mark.parametrize(
    ("method", "path", "cookies", "expected"),
    [
        ("get", "/therapies/", {}, "replica"),
        ("head", "/", {}, "replica"),
        ("post", "/therapies/", {}, "default"),
        ("get", "/admin/", {}, "default"),
        ("get", "/therapies/", {"sessionid": "x"}, "default"),
    ],
)
def test_the_admin_signed_in_users_and_writes_use_the_primary(method, path, cookies, expected):
    seen = []

    def view(request):
        seen.append(router.db_for_read(Therapy))
        return HttpResponse()

    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies)
    PrimaryForWritesMiddleware(view)(request)
    assert seen == [expected]
