"""Health endpoints and the 503 page shown while the database is down (in-process checks; the
real outage, with PostgreSQL stopped under gunicorn, is in test_app_servers.py)."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from therapies.search import ResultsQuery

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

    monkeypatch.setattr(connection, "cursor", unreachable)
    assert client.get("/healthz/ready").status_code == 503


def test_database_errors_become_a_static_503_with_retry_after(client, monkeypatch):
    def unreachable(self, offset, limit):
        raise OperationalError("connection refused")

    monkeypatch.setattr(ResultsQuery, "page", unreachable)
    response = client.get(reverse("therapies:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "back in a moment" in response.content.decode()
