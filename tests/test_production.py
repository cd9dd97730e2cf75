"""The app as deployed: production settings under the shipped gunicorn.conf.py, behind a load
balancer that terminates HTTPS (X-Forwarded-Proto), appends the reader's address to
X-Forwarded-For (TRUSTED_PROXY_COUNT=1) and polls the health checks over plain HTTP by the
server's own address. The about page is made to fail, to see what an error leaves in the logs.
"""

import io
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from tests.factories import UserFactory, build_review
from tests.servers import FAILING_PAGE, PROJECT, database_url, gunicorn
from therapies.images import clean_image

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

SITE_URL = "https://reviews.example.org"
SITE = "reviews.example.org"
ALIAS = "alias.example.org"  # another allowed name of the same site


@dataclass
class Server:
    base: str
    log: Path
    media: Path


@pytest.fixture(scope="module")
def production(django_db_setup, tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    env = {
        "DJANGO_SETTINGS_MODULE": "cancerchoices.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{SITE},{ALIAS}",
        "SITE_URL": SITE_URL,
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": database_url(connection.settings_dict),
        "CACHE_DIR": str(folder / "cache"),
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
    }
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL"}}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=PROJECT,
        env={**environment, **env},
        check=True,
        capture_output=True,
    )
    log = folder / "server.log"
    with (
        log.open("w") as output,
        gunicorn(
            env, workers=2, log=output, app="tests.servers:application_failing_at_about()"
        ) as (base, _),
    ):
        yield Server(base, log, folder / "media")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(url, headers=None, data=None):
    """(status, headers, body) of one request, redirects not followed."""
    body = urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=15) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


def through_the_load_balancer(reader="198.51.100.7", host=SITE, **headers):
    return {"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-For": reader, **headers}


@pytest.mark.parametrize("path", ["/healthz/live", "/healthz/ready"])
@pytest.mark.parametrize("host", ["10.0.3.7:8000", SITE])
def test_health_checks_answer_over_plain_http_by_any_address(production, path, host):
    status, headers, body = call(production.base + path, {"Host": host})
    assert (status, body) == (200, "ok")
    assert "no-store" in headers["Cache-Control"]


def test_pages_still_redirect_to_https_and_refuse_unknown_hosts(production):
    status, headers, _ = call(production.base + "/glossary/", {"Host": SITE})
    assert (status, headers["Location"]) == (301, f"https://{SITE}/glossary/")
    assert call(production.base + "/glossary/", {"Host": "10.0.3.7:8000"})[0] == 400
    assert call(production.base + "/glossary/", through_the_load_balancer())[0] == 200


def test_absolute_addresses_use_site_url_whatever_the_host(production):
    version = build_review()
    pages = [
        "/",
        version.therapy.get_absolute_url(),
        reverse("therapies:updates_feed"),
        "/sitemap.xml",
        "/robots.txt",
    ]
    for page in pages:
        status, _, body = call(production.base + page, through_the_load_balancer(host=ALIAS))
        assert status == 200, page
        assert ALIAS not in body, page
        assert SITE_URL in body, page


def stored_image(media: Path) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    image = clean_image(SimpleUploadedFile("a.png", buffer.getvalue()))
    (media / "markdownx").mkdir(parents=True, exist_ok=True)
    (media / "markdownx" / image.name).write_bytes(image.read())
    return f"/media/markdownx/{image.name}"


def test_uploaded_images_are_served_with_safe_headers(production):
    url = stored_image(production.media)
    status, headers, _ = call(production.base + url, through_the_load_balancer())
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    (production.media / "markdownx" / "page.html").write_text("<script>alert(1)</script>")
    assert (
        call(production.base + "/media/markdownx/page.html", through_the_load_balancer())[0] == 404
    )


def log_entries(log: Path, request_id: str, timeout=20) -> list[dict]:
    """The JSON lines the server logged for ``request_id`` (waiting for them to appear)."""
    deadline = time.monotonic() + timeout
    while True:
        entries = []
        for line in log.read_text().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if entry.get("request_id") == request_id:
                    entries.append(entry)
        if entries or time.monotonic() > deadline:
            return entries
        time.sleep(0.2)


def test_an_error_leaves_its_traceback_in_a_json_line_under_the_request_id(production):
    given = "lb-" + secrets.token_hex(8)
    status, headers, body = call(
        production.base + FAILING_PAGE, through_the_load_balancer(**{"X-Request-ID": given})
    )
    assert status == 500
    assert headers["X-Request-ID"] == given
    assert "Traceback" not in body  # for the logs only
    (entry,) = [e for e in log_entries(production.log, given) if e["level"] == "ERROR"]
    assert entry["logger"] == "django.request"
    assert (entry["status"], entry["path"], entry["method"]) == (500, FAILING_PAGE, "GET")
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert "RuntimeError: Deliberate failure for the log test" in entry["exception"]
    assert f"request_id={given}" in production.log.read_text()  # gunicorn's access log


def test_a_request_without_an_id_is_given_one(production):
    status, headers, _ = call(production.base + FAILING_PAGE, through_the_load_balancer())
    assert status == 500
    assigned = headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", assigned)
    assert log_entries(production.log, assigned)
    forged = through_the_load_balancer(**{"X-Request-ID": 'x" "injected": "1'})
    assert re.fullmatch(r"[0-9a-f]{32}", call(production.base + "/", forged)[1]["X-Request-ID"])


def sign_in(base: str, username: str, password: str, reader: str) -> int:
    token = secrets.token_hex(16)
    headers = through_the_load_balancer(
        reader,
        Cookie=f"csrftoken={token}",
        Referer=f"{SITE_URL}/admin/login/",
    )
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    return call(base + "/admin/login/", headers, form)[0]


def test_the_sign_in_lockout_counts_the_readers_address_behind_the_load_balancer(production):
    password = "a-long-enough-password"
    # Hashed as production checks it, cheaply (the stored iterations are what is verified).
    hashed = PBKDF2PasswordHasher().encode(password, "saltsaltsalt", iterations=1000)
    user = UserFactory(username="ann", is_staff=True)
    user.password = hashed
    user.save()
    attacker, ann = "203.0.113.5", "198.51.100.7"
    for _ in range(4):
        assert sign_in(production.base, "ann", "wrong", attacker) == 200
    assert sign_in(production.base, "ann", "wrong", attacker) == 429  # the fifth locks out
    assert sign_in(production.base, "ann", password, attacker) == 429
    assert sign_in(production.base, "ann", password, ann) == 302
