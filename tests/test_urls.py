"""Every public page answers 200 with exactly one <h1>."""

import re

import pytest
from django.urls import reverse

from tests.factories import build_review

pytestmark = pytest.mark.django_db


def public_urls(version):
    therapy = version.therapy
    person = version.credits.first().person
    urls = [
        reverse("home"),
        reverse("about"),
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
