import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cancerchoices import localdb
from cancerchoices.settings.base import database_from_url
from tests.servers import settings_value

PROJECT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ!@#$%^&*(-_=+)"
SITE = {"ALLOWED_HOSTS": "example.org", "SITE_URL": "https://example.org"}


def import_production_settings(**env):
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "SITE_URL"}  # make exports SITE_URL
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import cancerchoices.settings.production"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = import_production_settings(**SITE)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "x" * 60,  # long, but one character
        "abcd" * 20,  # four different characters
        "django-insecure-" + STRONG_KEY,  # Django's startproject placeholder
        STRONG_KEY[:49],  # one short
    ],
    ids=["one-character", "four-characters", "insecure-prefix", "49-characters"],
)
def test_production_refuses_to_start_with_a_weak_secret_key(key):
    result = import_production_settings(SECRET_KEY=key, **SITE)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = import_production_settings(SECRET_KEY=STRONG_KEY, SITE_URL="https://example.org")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_debug():
    result = import_production_settings(SECRET_KEY=STRONG_KEY, DEBUG="1", **SITE)
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_refuses_to_start_without_site_url():
    result = import_production_settings(SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


@pytest.mark.parametrize("url", ["example.org", "https://", "https://example.org/reviews"])
def test_production_refuses_a_site_url_that_is_not_the_sites_address(url):
    result = import_production_settings(
        SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="example.org", SITE_URL=url
    )
    assert result.returncode != 0
    assert "SITE_URL must be" in result.stderr


def test_production_starts_with_real_settings_and_passes_deploy_checks():
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(SECRET_KEY=STRONG_KEY, **SITE)
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


def test_the_database_options_bound_every_wait():
    options = json.loads(settings_value("json.dumps(s.DATABASES['default']['OPTIONS'])"))
    assert options["connect_timeout"] == 3
    assert (options["keepalives"], options["keepalives_idle"]) == (1, 10)
    assert (options["keepalives_interval"], options["keepalives_count"]) == (5, 3)
    assert options["tcp_user_timeout"] == 10_000
    assert options["options"] == "-c statement_timeout=30000"
    assert settings_value("s.DATABASES['default']['ENGINE']") == "cancerchoices.postgresql"


def test_the_statement_timeout_is_added_to_options_from_the_url_and_can_be_switched_off():
    url = "postgres://app@db.internal/reviews?options=-c%20search_path%3Dapp"
    value = settings_value("s.DATABASES['default']['OPTIONS']['options']", DATABASE_URL=url)
    assert value == "-c search_path=app -c statement_timeout=30000"
    switched_off = settings_value(
        "'options' in s.DATABASES['default']['OPTIONS']", DATABASE_STATEMENT_TIMEOUT="0"
    )
    assert switched_off == "False"


def test_the_trusted_proxy_count_comes_from_the_environment():
    assert settings_value("s.TRUSTED_PROXY_COUNT") == "0"
    assert settings_value("s.TRUSTED_PROXY_COUNT", TRUSTED_PROXY_COUNT="2") == "2"
