"""The frame of every public page (templates/base.html, templates/includes/footer.html): our
logo, a search box in the header, the main navigation, the footer's links; the favicon; the
accessibility statement and the privacy page."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import build_review
from tests.test_urls import public_urls

pytestmark = pytest.mark.django_db


class Frame(HTMLParser):
    """The parts of a page's frame: the header's search forms and their fields, the links of
    each <nav> by its label, and the images and icons linked."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.nav_links: dict[str, dict[str, str]] = {}
        self.images: list[str] = []
        self.icons: list[dict] = []
        self._nav = None
        self._href = None
        self._text = ""
        self._in_header = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "header":
            self._in_header = True
        elif tag == "form" and self._in_header:
            self.forms.append({**attrs, "fields": []})
        elif tag == "input" and self._in_header and self.forms:
            self.forms[-1]["fields"].append(attrs)
        elif tag == "nav":
            self._nav = attrs.get("aria-label")
            self.nav_links[self._nav] = {}
        elif tag == "a" and self._nav:
            self._href, self._text = attrs.get("href"), ""
        elif tag == "img":
            self.images.append(attrs.get("src"))
        elif tag == "link" and "icon" in attrs.get("rel", ""):
            self.icons.append(attrs)

    def handle_data(self, data):
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "header":
            self._in_header = False
        elif tag == "nav":
            self._nav = None
        elif tag == "a" and self._href is not None:
            self.nav_links[self._nav][self._text.strip()] = self._href
            self._href = None


def frame_of(client, url, status=200) -> Frame:
    response = client.get(url)
    assert response.status_code == status, url
    return Frame(response.content.decode())


def test_every_public_page_has_the_logo_search_navigation_and_footer(client):
    urls = [*public_urls(build_review()), "/no-such-page/"]
    for url in urls:
        frame = frame_of(client, url, status=404 if url == "/no-such-page/" else 200)
        assert re.search(r"/static/img/logo(\.[0-9a-f]+)?\.svg$", frame.images[0]), url

        # A plain GET form to the index, which needs no JavaScript and no CSRF token.
        (search,) = frame.forms
        assert search["action"] == reverse("therapies:list"), url
        assert search["method"] == "get", url
        assert search["role"] == "search", url
        assert [field["name"] for field in search["fields"]] == ["q"], url

        assert frame.nav_links["Main"] == {
            "Therapies": reverse("therapies:list"),
            "By cancer type": reverse("therapies:cancer_types"),
            "Compare": reverse("therapies:compare"),
            "How we rate": reverse("ratings:methodology"),
            "Glossary": reverse("therapies:glossary"),
            "People": reverse("therapies:people"),
            "About": reverse("about"),
        }, url
        footer = frame.nav_links["About this site"]
        assert list(footer) == [
            "About us",
            "Methodology",
            "Contact",
            "Accessibility statement",
            "Privacy",
        ], url
        assert footer["Accessibility statement"] == reverse("accessibility"), url
        assert footer["Privacy"] == reverse("privacy"), url
        assert footer["Contact"], url


def test_the_header_search_box_finds_therapies(client):
    build_review()
    frame = frame_of(client, reverse("home"))
    response = client.get(frame.forms[0]["action"], {"q": "naltrexone"})
    assert response.status_code == 200
    assert "Low-dose naltrexone" in response.content.decode()


def test_pages_link_icons_that_exist(client):
    frame = frame_of(client, reverse("home"))
    icons = {icon["rel"]: icon for icon in frame.icons if icon.get("type") != "image/svg+xml"}
    assert icons["icon"]["href"] == "/favicon.ico"
    svg = next(icon for icon in frame.icons if icon.get("type") == "image/svg+xml")
    for href in [svg["href"], icons["apple-touch-icon"]["href"]]:
        response = client.get(href)
        assert response.status_code == 200, href
        b"".join(response.streaming_content)  # closes the file


def test_favicon_answers_with_an_icon_cached_like_a_page(client, django_assert_num_queries):
    # Browsers ask for /favicon.ico whatever the page links: it must never be a 404.
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content.startswith(b"\x00\x00\x01\x00")  # an ICO file's header
    assert response["Cache-Control"] == "public, max-age=300"
    assert not response.cookies
    with django_assert_num_queries(0):
        assert client.get("/favicon.ico")["X-Cache"] == "hit"
    # Junk query strings are sent to the one cached address.
    redirect = client.get("/favicon.ico?v=2")
    assert (redirect.status_code, redirect["Location"]) == (301, "/favicon.ico")


def test_accessibility_statement_says_what_it_meets_its_gaps_and_how_to_report(client):
    html = client.get(reverse("accessibility")).content.decode()
    assert "WCAG) 2.2</a> at level AA" in html
    assert "Known gaps" in html
    assert "Django admin" in html  # the staff screens axe does not pass
    report = re.search(r'<h2 id="report">(.*?)</h2>\s*<p>(.*?)</p>', html, re.S)
    assert report.group(1) == "Tell us about a barrier"
    assert f'href="{footer_contact_link(client)}"' in report.group(2)


def test_privacy_page_says_readers_leave_nothing_but_server_logs(client):
    html = client.get(reverse("privacy")).content.decode()
    assert "No cookies when you read, search or compare reviews" in html
    assert "What our servers record" in html
    assert "IP" in html
    assert f'href="{footer_contact_link(client)}"' in html


def footer_contact_link(client) -> str:
    return frame_of(client, reverse("home")).nav_links["About this site"]["Contact"]


def test_sitemap_lists_the_accessibility_and_privacy_pages(client):
    sitemap = client.get(reverse("sitemap")).content.decode()
    for name in ["accessibility", "privacy"]:
        assert f"<loc>{settings.SITE_URL}{reverse(name)}</loc>" in sitemap
