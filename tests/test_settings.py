import os
import subprocess
import sys
from pathlib import Path

import pytest

from cancerchoices import localdb
from cancerchoices.settings.base import database_from_url

PROJECT = Path(__file__).resolve().parent.parent


def import_production_settings(**env):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import cancerchoices.settings.production"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = import_production_settings(ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = import_production_settings(SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_debug():
    result = import_production_settings(SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.org", DEBUG="1")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_starts_with_real_settings_and_passes_deploy_checks():
    key = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ!@#$%^&*(-_=+)"
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(SECRET_KEY=key, ALLOWED_HOSTS="example.org")
    environment["DJANGO_SETTINGS_MODULE"] = "cancerchoices.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_database_url_is_parsed():
    settings = database_from_url("postgres://ann:p%40ss@db.internal:5433/reviews?sslmode=require")
    assert settings["NAME"] == "reviews"
    assert settings["USER"] == "ann"
    assert settings["PASSWORD"] == "p@ss"
    assert settings["HOST"] == "db.internal"
    assert settings["PORT"] == "5433"
    assert settings["OPTIONS"] == {"sslmode": "require"}


def test_database_url_must_be_postgres():
    with pytest.raises(ValueError, match="postgres"):
        database_from_url("mysql://x@y/z")


def test_missing_server_binaries_name_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(localdb, "POSTGRES_LIB", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(localdb.LocalDatabaseError, match="apt-get install postgresql"):
        localdb.server_bin_dir()


def test_embedded_cluster_lives_under_var():
    assert localdb.connection_settings()["HOST"].startswith(str(localdb.DATA_LINK.resolve()))
    assert localdb.is_running()
