"""Every public page answers 200 with exactly one <h1> and names its canonical address."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import build_review

pytestmark = pytest.mark.django_db


def public_urls(version):
    therapy = version.therapy
    person = version.credits.first().person
    urls = [
        reverse("home"),
        reverse("about"),
        reverse("accessibility"),
        reverse("privacy"),
        reverse("therapies:list"),
        reverse("therapies:glossary"),
        reverse("ratings:methodology"),
        reverse("therapies:people"),
        person.get_absolute_url(),
        therapy.get_absolute_url(),
    ]
    urls += [
        reverse("therapies:subpage", args=[therapy.slug, page.kind])
        for page in version.subpages.all()
    ]
    return urls


def test_every_public_url_answers_with_exactly_one_h1(client):
    version = build_review()
    for url in public_urls(version):
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(re.findall(r"<h1[\s>]", response.content.decode())) == 1, url


def canonical_links(html: str) -> list[str]:
    return re.findall(r'<link rel="canonical" href="([^"]*)">', html)


def test_every_public_page_names_its_canonical_address_on_the_site_url(client):
    version = build_review()
    changes = reverse("therapies:changes", args=[version.therapy.slug])
    for url in [*public_urls(version), changes]:
        html = client.get(url, headers={"host": "127.0.0.1:9999"}).content.decode()
        assert canonical_links(html) == [settings.SITE_URL + url], url
        assert f'<meta property="og:url" content="{settings.SITE_URL}{url}">' in html, url


def test_a_canonical_address_keeps_only_the_query_the_page_is_kept_under(client):
    version = build_review()
    index = reverse("therapies:list")
    category = version.category.slug
    # A filtered index is a page of its own; a search is the index it searched, without the words.
    for asked, canonical in [
        (f"{index}?category={category}", f"{index}?category={category}"),
        (f"{index}?q=naltrexone&category={category}", f"{index}?category={category}"),
        (f"{index}?q=naltrexone", index),
    ]:
        response = client.get(asked)
        assert response.status_code == 200, asked
        assert canonical_links(response.content.decode()) == [settings.SITE_URL + canonical]


def test_a_missing_page_names_no_canonical_address(client):
    for url in ["/no-such-page/", "/therapies/no-such-therapy/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert canonical_links(response.content.decode()) == [], url
