"""The fleet under load, briefly: ``bench/fleet.py`` for 15 seconds (``make bench-fleet`` runs
it for a minute). Two gunicorn app servers, two background workers, one Redis, a PostgreSQL
primary and its streaming standby; readers on both servers while an editor publishes through
the admin every 3 s."""

import json
import subprocess
import sys

import pytest

from bench.fleet import FormParser, Run
from tests.servers import PROJECT


def test_a_read_of_the_old_page_is_stale_once_the_server_showed_the_new_one_or_after_a_second():
    fleet = Run(["a", "b"], slugs=[], edited="x")
    # Publication 1 confirmed at 10.0; server a first showed it at 10.2, server b at 10.5.
    fleet.publications = [(1, 10.0, {"a": 10.2, "b": 10.5})]
    fleet.edited_reads = [
        ("a", 9.9, 0),  # started before the confirmation: not counted
        ("a", 10.1, 0),  # in flight: before a showed the new page, within the second
        ("a", 10.3, 0),  # stale: a had shown the new page
        ("a", 10.4, 1),  # the new page
        ("b", 10.3, 0),  # in flight
        ("b", 11.1, 0),  # stale: over a second after the confirmation
    ]
    assert fleet.stale_reads() == ({"a": 1, "b": 1}, {"a": 2, "b": 2})


def test_the_editor_posts_a_form_as_a_browser_would():
    parser = FormParser()
    parser.feed(
        '<form method="post" action="/admin/logout/"><input name="csrfmiddlewaretoken" value="t">'
        '</form><form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t">'
        '<input name="title" value="A &amp; B"><input type="checkbox" name="on" checked>'
        '<input type="checkbox" name="off"><input type="radio" name="kind" value="x">'
        '<input type="radio" name="kind" value="y" checked><select name="pick" multiple>'
        '<option value="1" selected>1</option><option value="2">2</option>'
        '<option value="3" selected>3</option></select><textarea name="body">\nText</textarea>'
        '<input type="submit" name="_save" value="Save"><input name="gone" disabled></form>'
    )
    action, fields, buttons = parser.main_form()
    assert action == ""
    assert fields == [
        ("csrfmiddlewaretoken", "t"),
        ("title", "A & B"),
        ("on", "on"),
        ("kind", "y"),
        ("pick", "1"),
        ("pick", "3"),
        ("body", "Text"),
    ]
    assert buttons == {"_save": "Save"}


@pytest.mark.servers
@pytest.mark.slow
def test_readers_never_see_an_old_page_once_a_publication_is_confirmed():
    result = subprocess.run(
        [sys.executable, "-m", "bench.fleet", "--seconds", "15", "--every", "3", "--json"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"no result:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    fleet = json.loads(lines[0].removeprefix("RESULT "))
    report = "\n".join(result.stdout.splitlines()[-14:])

    assert fleet["database"] == "standby", report
    assert fleet["errors"] == 0, report
    assert fleet["publications"] >= 2, report
    assert fleet["edited_page_reads"] > 20, report
    # Each publication's three e-mails, once each, from two workers that both did work.
    assert set(fleet["emails"].values()) == {fleet["publications"]}, report
    assert all(fleet["jobs_run"].values()), report
    for row in fleet["servers"].values():
        assert row["reads"] > 100, report
        assert row["stale"] == 0, report
        assert row["never_fresh"] == 0, report  # every publication reached every server
        # The bench's target is 1 s; a test on a machine shared with other runs allows more.
        assert row["fresh_max_ms"] < 5000, report
