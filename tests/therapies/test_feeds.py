"""Machine-readable pages: sitemap, robots.txt, Atom feeds, JSON-LD, Open Graph; the 404 page."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.urls import reverse

from people.models import Credit
from tests.factories import (
    CreditFactory,
    PersonFactory,
    PublishedVersionFactory,
    SubPageFactory,
    VersionFactory,
    build_review,
)
from tests.test_urls import public_urls
from therapies.models import ReviewVersion

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
PUBLISHED_AT = datetime.datetime(2024, 3, 5, 9, 30, tzinfo=datetime.UTC)


def published_and_draft():
    published = PublishedVersionFactory(name="Melatonin", published_at=PUBLISHED_AT)
    SubPageFactory(version=published, kind="safety")
    draft = VersionFactory(name="Secret draft")
    SubPageFactory(version=draft, kind="safety")
    CreditFactory(version=draft, person=PersonFactory(slug="only-on-a-draft"))
    return published, draft


def sitemap_entries(client) -> dict:
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }


def test_sitemap_lists_every_public_page_and_no_draft(client):
    published, draft = published_and_draft()
    reviewer = CreditFactory(version=published).person
    entries = sitemap_entries(client)
    paths = {loc.removeprefix(settings.SITE_URL): lastmod for loc, lastmod in entries.items()}

    for name in ["home", "therapies:list", "ratings:methodology", "therapies:glossary"]:
        assert reverse(name) in paths
    assert reverse("therapies:people") in paths
    assert reverse("about") in paths
    therapy_url = published.therapy.get_absolute_url()
    assert paths[therapy_url] == "2024-03-05"
    assert paths[therapy_url + "safety/"] == "2024-03-05"
    assert paths[reverse("therapies:changes", args=[published.therapy.slug])] == "2024-03-05"
    assert reviewer.get_absolute_url() in paths

    assert draft.therapy.get_absolute_url() not in paths
    assert draft.therapy.get_absolute_url() + "safety/" not in paths
    assert "/people/only-on-a-draft/" not in paths
    assert all(loc.startswith(settings.SITE_URL + "/") for loc in entries)


def test_sitemap_lastmod_falls_back_to_the_last_update_date(client):
    version = PublishedVersionFactory(last_updated=datetime.date(2023, 12, 12))
    entries = sitemap_entries(client)
    assert entries[settings.SITE_URL + version.therapy.get_absolute_url()] == "2023-12-12"


def test_robots_txt_allows_all_but_the_admin_and_points_to_the_sitemap(client, settings):
    settings.SITE_URL = "https://reviews.example.org"
    response = client.get("/robots.txt", headers={"host": "127.0.0.1:9999"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    # The site's own address, whatever Host the request came with.
    assert "Sitemap: https://reviews.example.org/sitemap.xml" in lines
    assert "Disallow: /" not in lines


def atom_entries(client, url) -> tuple[ET.Element, list[ET.Element]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def test_updates_feed_lists_published_versions_newest_first(client):
    published, draft = published_and_draft()
    PublishedVersionFactory(
        name="Acupuncture", published_at=PUBLISHED_AT - datetime.timedelta(days=30)
    )
    _, entries = atom_entries(client, reverse("therapies:updates_feed"))

    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Melatonin", "Acupuncture"]
    first = entries[0]
    assert first.findtext(f"{ATOM}summary") == published.summary
    link = first.find(f"{ATOM}link").get("href")
    assert link == settings.SITE_URL + published.therapy.get_absolute_url()
    assert first.findtext(f"{ATOM}updated").startswith("2024-03-05T09:30:00")
    assert first.findtext(f"{ATOM}id") != entries[1].findtext(f"{ATOM}id")
    assert draft.name not in {e.findtext(f"{ATOM}title") for e in entries}


def test_therapy_feed_lists_only_versions_once_public(client):
    published, _ = published_and_draft()
    VersionFactory(therapy=published.therapy, summary="Work in progress, not public.")
    url = reverse("therapies:therapy_feed", args=[published.therapy.slug])
    root, entries = atom_entries(client, url)

    assert "Melatonin" in root.findtext(f"{ATOM}title")
    assert [e.findtext(f"{ATOM}summary") for e in entries] == [published.summary]
    assert entries[0].findtext(f"{ATOM}id").endswith(f"#version-{published.number}")


def test_therapy_feed_of_an_unpublished_therapy_is_not_found(client):
    _, draft = published_and_draft()
    url = reverse("therapies:therapy_feed", args=[draft.therapy.slug])
    assert client.get(url).status_code == 404


def test_therapy_feed_address_is_not_taken_for_a_sub_page(client, published_version):
    url = f"{published_version.therapy.get_absolute_url()}feed/"
    assert url == reverse("therapies:therapy_feed", args=[published_version.therapy.slug])


def json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_review_page_describes_itself_as_a_medical_web_page(client):
    version = build_review(reviewer_count=2)
    lead = CreditFactory(
        version=version, role=Credit.Role.LEAD_RESEARCHER, person__name="Lee Lead"
    ).person
    CreditFactory(version=version, role=Credit.Role.EXPERT_REVIEWER, person__name="Eve Expert")
    data = json_ld(client.get(version.therapy.get_absolute_url()).content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == "Low-dose naltrexone"
    assert data["description"] == version.summary
    assert data["url"] == settings.SITE_URL + version.therapy.get_absolute_url()
    assert data["about"] == {"@type": "MedicalTherapy", "name": "Low-dose naltrexone"}
    assert data["lastReviewed"] == "2021-09-01"
    assert data["dateModified"] == "2023-12-12"
    assert [p["name"] for p in data["author"]] == [lead.display_name]
    assert data["author"][0]["url"] == settings.SITE_URL + lead.get_absolute_url()
    reviewers = [p["name"] for p in data["reviewedBy"]]
    assert len(reviewers) == 3
    assert "Eve Expert, MS" in reviewers
    assert all(p["@type"] == "Person" for p in data["reviewedBy"])


def test_json_ld_survives_a_therapy_name_that_tries_to_end_the_script(client):
    name = '</script><script>alert("x")</script><!--'
    version = PublishedVersionFactory(name=name, alternate_names="A & B")
    html = client.get(version.therapy.get_absolute_url()).content.decode()

    assert '<script>alert("x")' not in html
    data = json_ld(html)
    assert data["name"] == name
    assert data["about"]["alternateName"] == ["A & B"]
    # Nobody is credited on this one: no empty lists of people.
    assert "author" not in data
    assert "reviewedBy" not in data


def test_every_public_page_has_a_description_and_open_graph_tags(client):
    version = build_review()
    urls = [*public_urls(version), "/no-such-page/"]
    for url in urls:
        html = client.get(url).content.decode()
        assert re.search(r'<meta name="description" content="[^"]{10,}">', html), url
        for prop in ["og:title", "og:description", "og:type", "og:site_name"]:
            assert re.search(rf'<meta property="{prop}" content="[^"]+">', html), (url, prop)
        assert f'<meta property="og:url" content="{settings.SITE_URL}{url}">' in html, url


def test_review_pages_are_articles_with_their_own_title(client):
    version = build_review()
    html = client.get(version.therapy.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Low-dose naltrexone">' in html
    assert f'<meta property="og:description" content="{version.summary}">' in html


def test_missing_page_answers_404_in_the_site_design(client):
    response = client.get("/therapies/no-such-therapy/")
    assert response.status_code == 404
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html
    assert reverse("therapies:list") in html


def test_draft_therapy_page_answers_404(client):
    draft = VersionFactory()
    assert not ReviewVersion.objects.published().filter(pk=draft.pk).exists()
    assert client.get(draft.therapy.get_absolute_url()).status_code == 404


def test_server_error_page_renders_without_a_request_or_database(django_assert_num_queries):
    from django.template import loader

    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert 'class="site-header"' in html


def test_feeds_and_sitemap_use_the_site_address_whatever_the_host(client, settings):
    """A request with another Host (a port, an internal name) must not plant its address in
    a page the cache then serves to everyone."""
    settings.SITE_URL = "https://reviews.example.org"
    version = PublishedVersionFactory()
    for path in [
        reverse("sitemap"),
        reverse("therapies:updates_feed"),
        reverse("therapies:therapy_feed", args=[version.therapy.slug]),
    ]:
        body = client.get(path, headers={"host": "127.0.0.1:9999"}).content.decode()
        assert "https://reviews.example.org/" in body, path
        assert "127.0.0.1" not in body, path
        assert "testserver" not in body, path
