"""export_content / import_content: a round trip leaves the public pages exactly as they were."""

import json

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from tests.factories import UserFactory, build_review
from therapies.content_transfer import delete_content
from therapies.models import ReviewVersion, Therapy

pytestmark = pytest.mark.django_db


def public_pages(version) -> list[str]:
    subpage = version.subpages.first()
    person = version.credits.first().person
    return [
        version.therapy.get_absolute_url(),
        subpage.get_absolute_url(),
        person.get_absolute_url(),
        "/glossary/",
        "/therapies/",
    ]


def fetch(client, urls) -> dict[str, bytes]:
    cache.clear()
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    return pages


def test_export_then_import_into_an_emptied_database_renders_identical_pages(client, tmp_path):
    version = build_review()
    urls = public_pages(version)
    before = fetch(client, urls)
    assert urls[1].endswith("/how-it-can-help/")
    assert before[urls[1]].count(b'<li class="finding">') == 2  # the findings make the round trip
    export = tmp_path / "content.json"
    call_command("export_content", str(export))

    delete_content()
    cache.clear()
    assert client.get(urls[0]).status_code == 404
    call_command("import_content", str(export))

    assert fetch(client, urls) == before
    # Sequences moved past the imported keys: new content gets fresh ids.
    assert Therapy.objects.create(slug="new")


def test_import_refuses_a_database_that_has_content(tmp_path):
    build_review()
    export = tmp_path / "content.json"
    call_command("export_content", str(export))
    with pytest.raises(CommandError, match="already has content"):
        call_command("import_content", str(export))
    assert ReviewVersion.objects.count() == 1


def test_import_with_replace_swaps_the_content(tmp_path):
    version = build_review()
    export = tmp_path / "content.json"
    call_command("export_content", str(export))
    ReviewVersion.objects.filter(pk=version.pk).update(name="Renamed after the export")
    call_command("import_content", str(export), "--replace")
    assert ReviewVersion.objects.get().name == "Low-dose naltrexone"


def test_import_loads_only_content(tmp_path):
    export = tmp_path / "content.json"
    export.write_text(json.dumps([{"model": "auth.user", "fields": {"username": "x"}}]))
    with pytest.raises(CommandError, match="not content"):
        call_command("import_content", str(export))


def test_sign_ins_are_referred_to_by_username_and_missing_ones_are_reported(tmp_path, capsys):
    version = build_review()
    author = UserFactory(username="writer")
    ReviewVersion.objects.filter(pk=version.pk).update(created_by=author)
    export = tmp_path / "content.json"
    call_command("export_content", str(export))
    (exported,) = [
        o for o in json.loads(export.read_text()) if o["model"] == "therapies.reviewversion"
    ]
    assert exported["fields"]["created_by"] == ["writer"]

    delete_content()
    author.delete()
    call_command("import_content", str(export))
    assert ReviewVersion.objects.get().created_by is None
    assert "writer" in capsys.readouterr().err


def test_imported_text_is_stored_with_lf_line_endings(tmp_path):
    version = build_review()
    export = tmp_path / "content.json"
    call_command("export_content", str(export))
    objects = json.loads(export.read_text())
    for obj in objects:
        if obj["model"] == "therapies.reviewversion":
            obj["fields"]["summary"] = "A file written on Windows.\r\nSecond line.\rThird."
    export.write_text(json.dumps(objects))
    call_command("import_content", str(export), "--replace")
    assert ReviewVersion.objects.get(pk=version.pk).summary == (
        "A file written on Windows.\nSecond line.\nThird."
    )
