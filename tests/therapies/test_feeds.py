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
    ReferenceFactory,
    SubPageFactory,
    UserFactory,
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
    assert paths[reverse("therapies:ratings", args=[published.therapy.slug])] == "2024-03-05"
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

    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Melatonin: first published",
        "Acupuncture: first published",
    ]
    first = entries[0]
    assert first.findtext(f"{ATOM}content") == published.summary
    link = first.find(f"{ATOM}link").get("href")
    assert link == settings.SITE_URL + published.therapy.get_absolute_url()
    assert first.findtext(f"{ATOM}updated").startswith("2024-03-05T09:30:00")
    assert first.findtext(f"{ATOM}id") != entries[1].findtext(f"{ATOM}id")
    assert not any(draft.name in e.findtext(f"{ATOM}title") for e in entries)


def test_therapy_feed_lists_only_versions_once_public(client):
    published, _ = published_and_draft()
    VersionFactory(therapy=published.therapy, summary="Work in progress, not public.")
    url = reverse("therapies:therapy_feed", args=[published.therapy.slug])
    root, entries = atom_entries(client, url)

    assert "Melatonin" in root.findtext(f"{ATOM}title")
    assert [e.findtext(f"{ATOM}content") for e in entries] == [published.summary]
    assert entries[0].findtext(f"{ATOM}id").endswith(f"#version-{published.number}")


def rfc3339(text: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text  # RFC 3339 dates carry their offset
    return moment


def assert_valid_atom(root: ET.Element, feed_url: str) -> None:
    """The elements RFC 4287 (section 4.1) requires of a feed and of each entry, and the
    self link it recommends, each exactly once where the RFC allows only one."""

    def one(parent, name):
        found = parent.findall(f"{ATOM}{name}")
        assert len(found) == 1, (name, len(found))
        assert (found[0].text or "").strip() or found[0].attrib, name
        return found[0]

    def links(parent, rel):
        return [
            link for link in parent.findall(f"{ATOM}link") if link.get("rel", "alternate") == rel
        ]

    def has_author(parent):
        authors = parent.findall(f"{ATOM}author")
        return bool(authors) and all(a.findtext(f"{ATOM}name", "").strip() for a in authors)

    assert root.tag == f"{ATOM}feed"
    one(root, "title")
    assert one(root, "id").text.startswith(settings.SITE_URL + "/")
    rfc3339(one(root, "updated").text)
    assert [link.get("href") for link in links(root, "self")] == [feed_url]
    assert len(links(root, "alternate")) == 1
    assert has_author(root)

    entries = root.findall(f"{ATOM}entry")
    assert entries
    ids = [one(entry, "id").text for entry in entries]
    assert len(set(ids)) == len(ids)
    assert all(entry_id.startswith(settings.SITE_URL + "/") for entry_id in ids)
    for entry in entries:
        one(entry, "title")
        rfc3339(one(entry, "updated").text)
        rfc3339(one(entry, "published").text)
        alternate = links(entry, "alternate")
        assert len(alternate) == 1
        assert alternate[0].get("href").startswith(settings.SITE_URL)
        assert has_author(entry)
        assert one(entry, "summary").get("type") == "text"
        assert one(entry, "content").get("type") == "text"


def test_both_feeds_have_every_element_rfc_4287_requires(client):
    published, _ = published_and_draft()
    for url in [
        reverse("therapies:updates_feed"),
        reverse("therapies:therapy_feed", args=[published.therapy.slug]),
    ]:
        root, _ = atom_entries(client, url)
        assert_valid_atom(root, settings.SITE_URL + url)
        assert root.findtext(f"{ATOM}id") == settings.SITE_URL + url
        assert root.findtext(f"{ATOM}author/{ATOM}name") == settings.SITE_NAME


def test_feed_entries_say_what_changed_and_who_approved_each_version(client):
    first = PublishedVersionFactory(
        name="Melatonin",
        state=ReviewVersion.State.SUPERSEDED,
        published_at=PUBLISHED_AT - datetime.timedelta(days=400),
        approved_by=UserFactory(username="no-profile", first_name="Staff", last_name="Only"),
    )
    consultant = UserFactory(username="consultant-with-a-page")
    person = PersonFactory(name="Dr Ada Chen", credentials="MD", user=consultant)
    PublishedVersionFactory(
        therapy=first.therapy,
        name="Melatonin",
        summary="Melatonin may help sleep; it does not treat cancer.",
        change_kind=ReviewVersion.ChangeKind.UPDATE,
        change_summary="Added two trials on sleep & fatigue (2023 < 2024).",
        approved_by=consultant,
        approved_at=PUBLISHED_AT - datetime.timedelta(days=1),
        published_at=PUBLISHED_AT,
    )
    url = reverse("therapies:therapy_feed", args=[first.therapy.slug])
    root, (update, original) = atom_entries(client, url)
    assert_valid_atom(root, settings.SITE_URL + url)

    assert update.findtext(f"{ATOM}title") == "Melatonin: update"
    # Plain text, so an "&" or "<" in a change summary reaches the reader as written.
    assert update.findtext(f"{ATOM}summary") == (
        "Update. Added two trials on sleep & fatigue (2023 < 2024)."
    )
    assert (
        update.findtext(f"{ATOM}content") == "Melatonin may help sleep; it does not treat cancer."
    )
    assert update.findtext(f"{ATOM}author/{ATOM}name") == "Dr Ada Chen, MD"
    assert (
        update.findtext(f"{ATOM}author/{ATOM}uri") == settings.SITE_URL + person.get_absolute_url()
    )
    assert update.findtext(f"{ATOM}published").startswith("2024-03-05T09:30:00")

    assert original.findtext(f"{ATOM}title") == "Melatonin: first published"
    assert original.findtext(f"{ATOM}summary") == (
        "First published. First published version of this review."
    )
    # A staff sign-in without a public page: the entry is the organisation's, not a username.
    assert original.findtext(f"{ATOM}author/{ATOM}name") == settings.SITE_NAME
    assert "no-profile" not in ET.tostring(root, encoding="unicode")
    assert original.findtext(f"{ATOM}id") != update.findtext(f"{ATOM}id")


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
    # The clinical review of this version, and the review's first publication years before.
    version.approved_at = datetime.datetime(2023, 12, 11, 16, 0, tzinfo=datetime.UTC)
    version.save()
    VersionFactory(
        therapy=version.therapy,
        state=ReviewVersion.State.SUPERSEDED,
        published_at=datetime.datetime(2019, 6, 1, 8, 0, tzinfo=datetime.UTC),
    )
    data = json_ld(client.get(version.therapy.get_absolute_url()).content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == "Low-dose naltrexone"
    assert data["description"] == version.summary
    assert data["url"] == settings.SITE_URL + version.therapy.get_absolute_url()
    assert data["about"] == {"@type": "MedicalTherapy", "name": "Low-dose naltrexone"}
    # The day a clinical consultant approved what the page shows, not the literature search.
    assert data["lastReviewed"] == "2023-12-11"
    assert data["datePublished"] == "2019-06-01"
    assert data["dateModified"] == "2023-12-12"
    assert data["publisher"] == {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
    }
    assert [p["name"] for p in data["author"]] == [lead.display_name]
    assert data["author"][0]["url"] == settings.SITE_URL + lead.get_absolute_url()
    reviewers = [p["name"] for p in data["reviewedBy"]]
    assert len(reviewers) == 3
    assert "Eve Expert, MS" in reviewers
    assert all(p["@type"] == "Person" for p in data["reviewedBy"])


def test_json_ld_cites_the_references_of_the_page_with_their_identifiers(client):
    article = ReferenceFactory(
        key="trial", title="A randomised trial", authors="Smith J, Jones K", year=2022,
        doi="10.1000/trial", pmid="12345678",
    )  # fmt: skip
    web = ReferenceFactory(
        key="nci-page", kind="web", title="Melatonin (PDQ)", url="https://www.cancer.gov/x",
        authors="", container="", year=None,
    )  # fmt: skip
    on_a_sub_page = ReferenceFactory(key="elsewhere", title="Cited on a sub-page only")
    version = PublishedVersionFactory(body="One [@trial]. Two [@nci-page].")
    SubPageFactory(version=version, kind="safety", body="Three [@elsewhere].")
    data = json_ld(client.get(version.therapy.get_absolute_url()).content.decode())

    assert data["citation"] == [
        {
            "@type": "ScholarlyArticle",
            "name": "A randomised trial",
            "author": "Smith J, Jones K",
            "datePublished": "2022",
            "identifier": [
                {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1000/trial"},
                {"@type": "PropertyValue", "propertyID": "PMID", "value": "12345678"},
            ],
            "url": article.doi_url,
        },
        {"@type": "WebPage", "name": "Melatonin (PDQ)", "url": web.url},
    ]
    assert on_a_sub_page.title not in json.dumps(data)
    # Published once, never approved through the workflow: no dates it does not have.
    assert data["datePublished"] == version.published_at.date().isoformat()
    assert "lastReviewed" not in data


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


def feed_links(html: str) -> list[str]:
    return re.findall(
        r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', html
    )


def test_pages_link_to_their_feeds_and_review_pages_offer_updates(client):
    version = build_review()
    slug = version.therapy.slug
    updates = reverse("therapies:updates_feed")
    own_feed = reverse("therapies:therapy_feed", args=[slug])
    for url in [reverse("home"), reverse("therapies:list")]:
        assert feed_links(client.get(url).content.decode()) == [updates], url
    home = client.get(reverse("home")).content.decode()
    assert f'<a href="{updates}" type="application/atom+xml">Get updates</a>' in home

    review_pages = [
        version.therapy.get_absolute_url(),
        reverse("therapies:subpage", args=[slug, "safety"]),
        reverse("therapies:changes", args=[slug]),
    ]
    ratings_feed = reverse("therapies:ratings_feed", args=[slug])
    for url in review_pages:
        html = client.get(url).content.decode()
        # The main page, where the ratings are, offers the feed of their changes too.
        also = [ratings_feed] if url == version.therapy.get_absolute_url() else []
        assert feed_links(html) == [updates, own_feed, *also], url
        # A link a reader can see and follow, beside the review's dates or its changes.
        assert re.search(
            rf'<a href="{own_feed}" type="application/atom\+xml"[^>]*>get updates</a>', html, re.I
        ), url
        assert client.get(own_feed).status_code == 200


def test_every_public_page_has_an_open_graph_image_of_our_own(client):
    from django.contrib.staticfiles import finders
    from PIL import Image

    version = build_review()
    for url in public_urls(version):
        html = client.get(url).content.decode()
        image = re.search(r'<meta property="og:image" content="([^"]+)">', html)
        assert image, url
        assert image[1].startswith(settings.SITE_URL + settings.STATIC_URL), url
        assert re.search(r'<meta property="og:image:alt" content="[^"]{20,}">', html), url
        assert '<meta property="og:image:width" content="1200">' in html, url
        assert '<meta property="og:image:height" content="630">' in html, url
    path = finders.find(image[1].removeprefix(settings.SITE_URL + settings.STATIC_URL))
    with Image.open(path) as png:
        assert (png.format, png.size) == ("PNG", (1200, 630))


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
