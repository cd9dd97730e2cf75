"""Response headers, sign-in throttling, and redirects that must stay on the site."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory, build_review

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def test_public_pages_send_a_strict_content_security_policy(client):
    version = build_review()
    for url in ["/", version.therapy.get_absolute_url(), reverse("therapies:glossary")]:
        response = client.get(url)
        assert response.status_code == 200
        directives = policy(response)
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]  # no inline script, no eval
        assert directives["style-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["form-action"] == ["'self'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_public_pages_have_no_inline_script_or_style(client):
    version = build_review()
    html = client.get(version.therapy.get_absolute_url()).content.decode()
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or "application/ld+json" in tag, tag
    assert " style=" not in html
    assert "<style" not in html


def test_errors_and_the_admin_get_the_policy_too(client):
    assert "Content-Security-Policy" in client.get("/no-such-page/")
    assert "Content-Security-Policy" in client.get(reverse("admin:login"))


def sign_in(client, username, password, **extra):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, **extra
    )


def test_five_failed_sign_ins_lock_that_username_out_with_a_clear_page():
    UserFactory(username="ann", is_staff=True, password=PASSWORD)
    client = Client()
    for _ in range(4):
        response = sign_in(client, "ann", "wrong")
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
    response = sign_in(client, "ann", "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in paused" in html
    assert "15 minutes" in html
    # Even the right password is refused until the cool-off ends.
    response = sign_in(client, "ann", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_username_and_address():
    UserFactory(username="ann", is_staff=True, password=PASSWORD)
    UserFactory(username="bob", is_staff=True, password=PASSWORD)
    for _ in range(5):
        sign_in(Client(), "ann", "wrong")
    assert sign_in(Client(), "ann", PASSWORD).status_code == 429
    assert sign_in(Client(), "bob", PASSWORD).status_code == 302
    other_address = sign_in(Client(), "ann", PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 302


def from_behind_the_load_balancer(forwarded_for: str) -> dict:
    # The load balancer connects from its own address and appends the reader's to
    # X-Forwarded-For, after whatever the reader sent in it.
    return {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": forwarded_for}


def test_behind_the_load_balancer_a_lockout_is_per_reader_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="ann", is_staff=True, password=PASSWORD)
    attacker = from_behind_the_load_balancer("203.0.113.5")
    for _ in range(5):
        sign_in(Client(), "ann", "wrong", **attacker)
    assert sign_in(Client(), "ann", PASSWORD, **attacker).status_code == 429
    # Ann, signing in from elsewhere through the same load balancer, is not locked out.
    ann = from_behind_the_load_balancer("198.51.100.7")
    assert sign_in(Client(), "ann", PASSWORD, **ann).status_code == 302


def test_behind_the_load_balancer_a_forged_forwarded_address_is_not_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="ann", is_staff=True, password=PASSWORD)
    # The attacker claims to be Ann's address; the load balancer appends the real one.
    for n in range(5):
        forged = from_behind_the_load_balancer(f"198.51.100.7, 192.0.2.{n}, 203.0.113.5")
        sign_in(Client(), "ann", "wrong", **forged)
    ann = from_behind_the_load_balancer("198.51.100.7")
    assert sign_in(Client(), "ann", PASSWORD, **ann).status_code == 302
    attacker = from_behind_the_load_balancer("anything, 203.0.113.5")
    assert sign_in(Client(), "ann", PASSWORD, **attacker).status_code == 429


def test_with_two_trusted_proxies_the_address_the_outer_one_saw_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 2  # a CDN, then the load balancer
    UserFactory(username="ann", is_staff=True, password=PASSWORD)
    for _ in range(5):
        sign_in(Client(), "ann", "wrong", **from_behind_the_load_balancer("203.0.113.5, 10.9.9.9"))
    ann = from_behind_the_load_balancer("198.51.100.7, 10.9.9.9")
    assert sign_in(Client(), "ann", PASSWORD, **ann).status_code == 302


def test_a_successful_sign_in_resets_the_count():
    UserFactory(username="ann", is_staff=True, password=PASSWORD)
    for _ in range(4):
        sign_in(Client(), "ann", "wrong")
    assert sign_in(Client(), "ann", PASSWORD).status_code == 302
    for _ in range(4):
        assert sign_in(Client(), "ann", "wrong").status_code == 200


OFF_SITE = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "http:evil.example",
    "https:/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_in_never_redirects_off_site(target):
    UserFactory(username="ann", is_staff=True, password=PASSWORD)
    client = Client()
    response = client.post(
        reverse("admin:login"),
        {"username": "ann", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert_on_site(response["Location"])


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_out_never_redirects_off_site(target):
    client = Client()
    client.force_login(UserFactory(username="ann", is_staff=True))
    response = client.post(reverse("admin:logout") + "?next=" + target)
    if response.status_code == 302:
        assert_on_site(response["Location"])
    else:
        assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_safe_next_is_followed():
    UserFactory(username="ann", is_staff=True, password=PASSWORD)
    response = Client().post(
        reverse("admin:login"),
        {"username": "ann", "password": PASSWORD, "next": "/admin/people/person/"},
    )
    assert response["Location"] == "/admin/people/person/"


def assert_on_site(location: str):
    # A path on this site: one leading slash, no scheme, no host, no backslash tricks
    # (browsers read "\\" as "/"). Percent-encoded slashes are part of a path, not a host.
    parts = urlsplit(location.replace("\\", "/"))
    assert not parts.scheme, location
    assert not parts.netloc, location
    assert location.startswith("/"), location
