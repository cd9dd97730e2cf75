"""Restore drills: a backup restored into a scratch database, and over the live one, renders
the same pages and brings back the uploaded media."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from cancerchoices.backup import DATABASE_FILE, MEDIA_FILE, backup, restore
from tests.factories import build_review, publish_new_version
from therapies.content_transfer import delete_content

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "markdownx").mkdir(parents=True)
    (settings.MEDIA_ROOT / "markdownx" / "figure.png").write_bytes(b"pretend image bytes")
    return settings.MEDIA_ROOT


@pytest.fixture
def scratch_database():
    name = f"{connection.settings_dict['NAME']}_restore_drill"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rendered(client, urls) -> dict[str, bytes]:
    cache.clear()
    return {url: client.get(url).content for url in urls}


def test_a_backup_restored_into_a_scratch_database_renders_the_same_pages(
    client, media_root, scratch_database, tmp_path
):
    version = build_review()
    urls = [version.therapy.get_absolute_url(), "/glossary/", "/therapies/"]
    before = rendered(client, urls)

    folder = backup(tmp_path / "backups", connection.settings_dict, media_root)
    assert (folder / DATABASE_FILE).stat().st_size > 0
    assert (folder / MEDIA_FILE).stat().st_size > 0

    restored_media = tmp_path / "restored-media"
    restore(folder, scratch_database, restored_media)
    assert (restored_media / "markdownx" / "figure.png").read_bytes() == b"pretend image bytes"

    live_name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = scratch_database["NAME"]
    try:
        after = rendered(client, urls)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = live_name
    assert after == before


def test_make_backup_and_make_restore_undo_a_loss(client, media_root, tmp_path):
    version = build_review()
    url = version.therapy.get_absolute_url()
    before = rendered(client, [url])

    call_command("backup", to=tmp_path / "backups")
    (folder,) = (tmp_path / "backups").iterdir()
    delete_content()
    (media_root / "markdownx" / "figure.png").unlink()
    assert rendered(client, [url]) != before

    call_command("restore", folder, interactive=False)
    connection.close()  # the tables were recreated under this connection
    assert rendered(client, [url]) == before
    assert (media_root / "markdownx" / "figure.png").exists()


@pytest.mark.django_db(transaction=False)
def test_a_database_url_becomes_pg_dump_options_and_environment():
    from cancerchoices.backup import connection as options_for
    from cancerchoices.settings.base import database_from_url

    database = database_from_url("postgres://ann:s%40cret@db.internal:5433/reviews?sslmode=require")
    options, environment = options_for(database)
    assert options == ["--host", "db.internal", "--port", "5433", "--username", "ann"]
    assert environment["PGPASSWORD"] == "s@cret"  # never on the command line
    assert environment["PGSSLMODE"] == "require"


def test_a_restored_site_serves_no_page_cached_before_the_restore(client, media_root, tmp_path):
    version = build_review()
    url = version.therapy.get_absolute_url()
    call_command("backup", to=tmp_path / "backups")
    (folder,) = (tmp_path / "backups").iterdir()
    publish_new_version(version, summary="Published after the backup.")
    assert "Published after the backup." in client.get(url).content.decode()  # now cached

    call_command("restore", folder, interactive=False)
    connection.close()
    html = client.get(url).content.decode()
    assert "Published after the backup." not in html
    assert version.summary in html


def test_a_backup_is_readable_by_its_owner_only(media_root, tmp_path):
    import os
    import stat

    permissive = os.umask(0)  # even where every new file would be world-readable
    try:
        folder = backup(tmp_path / "backups", connection.settings_dict, media_root)
    finally:
        os.umask(permissive)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in [DATABASE_FILE, MEDIA_FILE]:
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
        assert (folder / name).stat().st_size > 0
