"""Hostile Markdown: script and event-handler HTML, and scripted URLs in every disguise.

Every payload goes through every Markdown field by way of the services that store HTML, and
through the admin's preview endpoint. The output is parsed, not searched for substrings: a
payload is harmless only if no element or attribute that could run script survives.
"""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from cancerchoices.markdown import ALLOWED_TAGS
from ratings.models import Attribute
from tests.factories import (
    GlossaryTermFactory,
    PersonFactory,
    PublishedVersionFactory,
    RatingFactory,
    SubPageFactory,
    UserFactory,
)
from therapies.rendering import render_glossary_term, render_person, render_version

SCRIPT_CAPABLE_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "style", "link", "meta", "base", "form", "input", "button", "textarea", "select", "video",
    "audio", "source", "template", "noscript", "xml", "isindex", "marquee", "details",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "background", "poster", "xlink:href",
    "srcset", "lowsrc", "dynsrc", "cite", "longdesc", "usemap", "codebase", "manifest",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
C0_AND_SPACE = "".join(map(chr, range(0x21)))

PAYLOADS = [
    # Raw HTML: script tags and friends
    "<script>window.__xss=1</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    '<script\x0c type="text/javascript">window.__xss=1</script>',
    "<<script>window.__xss=1;//<</script>",
    "</textarea><script>window.__xss=1</script>",
    '"><script>window.__xss=1</script>',
    "<!--<script>window.__xss=1</script>-->",
    "<![CDATA[<script>window.__xss=1</script>]]>",
    # Event handlers
    '<img src=x onerror="window.__xss=1">',
    "<img src=x onerror=window.__xss=1//",
    '<IMG """><SCRIPT>window.__xss=1</SCRIPT>">',
    "<body onload=window.__xss=1>",
    '<div onmouseover="window.__xss=1">hover</div>',
    "<input autofocus onfocus=window.__xss=1>",
    "<details open ontoggle=window.__xss=1>",
    "<video><source onerror=window.__xss=1></video>",
    "<marquee onstart=window.__xss=1>x</marquee>",
    '<a href="#" onclick="window.__xss=1">x</a>',
    # SVG and MathML
    "<svg onload=window.__xss=1>",
    "<svg><script>window.__xss=1</script></svg>",
    '<svg><a xlink:href="javascript:window.__xss=1"><text x="20" y="20">x</text></a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1">',
    '<math href="javascript:window.__xss=1">x</math>',
    # Style, srcdoc, frames, plugins, forms, base, meta
    '<div style="background:url(javascript:window.__xss=1)">x</div>',
    "<style>@import 'javascript:window.__xss=1';</style>",
    '<iframe srcdoc="<script>window.__xss=1</script>"></iframe>',
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<object data="javascript:window.__xss=1"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==">',
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
    '<button formaction="javascript:window.__xss=1">x</button>',
    '<base href="javascript:window.__xss=1//">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<link rel="stylesheet" href="javascript:window.__xss=1">',
    # Markdown links with scripted URLs, in disguise
    "[x](javascript:window.__xss=1)",
    "[x](JaVaScRiPt:window.__xss=1)",
    "[x]( javascript:window.__xss=1 )",
    "[x](java&#115;cript:window.__xss=1)",
    "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__xss=1)",
    "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;window.__xss=1)",
    "[x](javascript&colon;window.__xss=1)",
    "[x](java\tscript:window.__xss=1)",
    "[x](java\nscript:window.__xss=1)",
    "[x](%6A%61%76%61%73%63%72%69%70%74:window.__xss=1)",
    "[x](\x01javascript:window.__xss=1)",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>window.__xss=1</script>)",
    '[x](javascript:window.__xss=1 "title")',
    '[x](https://example.org "a" onmouseover="window.__xss=1")',
    '[x](https://example.org"onmouseover="window.__xss=1)',
    "[x](<javascript:window.__xss=1>)",
    # Markdown images
    "![x](javascript:window.__xss=1)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9d2luZG93Ll9feHNzPTE+)",
    '![x"onerror="window.__xss=1](https://example.org/a.png)',
    '![x](https://example.org/a.png"onerror="window.__xss=1)',
    "![x](vbscript:msgbox(1))",
    "![x](JaVaScRiPt:window.__xss=1)",
    "![x](&#106;avascript:window.__xss=1)",
    "![x]( DaTa:image/png;base64,iVBORw0KGgo= )",
    "![x](java\tscript:window.__xss=1)",
    "![x](&#x64;ata:text/html,<script>window.__xss=1</script>)",
    # Reference-style links and images, autolinks
    "[x][evil]\n\n[evil]: javascript:window.__xss=1",
    "![x][evil]\n\n[evil]: data:text/html,<script>window.__xss=1</script>",
    '[x][evil]\n\n[evil]: javascript:window.__xss=1 "title"',
    "<javascript:window.__xss=1>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>window.__xss=1</script>>",
    "<mailto:a@example.org?body=<script>window.__xss=1</script>>",
    # Entities and nested quotes meant to close attributes
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "&#60;img src=x onerror=window.__xss=1&#62;",
    "\"'><img src=x onerror=window.__xss=1>",
    "`\"'><svg/onload=window.__xss=1>",
    # Our own syntax carrying markup
    "[[<script>window.__xss=1</script>]]",
    "[@<img src=x onerror=window.__xss=1>]",
    "[[x|javascript:window.__xss=1]]",
    # Markdown constructs wrapping HTML
    "> <script>window.__xss=1</script>",
    "- <img src=x onerror=window.__xss=1>",
    "| a |\n|---|\n| <script>window.__xss=1</script> |",
    "`<script>` and\n\n    <script>window.__xss=1</script>",
    "# <img src=x onerror=window.__xss=1>",
]


class ScriptFinder(HTMLParser):
    """Collects every way the parsed HTML could run script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SCRIPT_CAPABLE_TAGS or tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc"}:
                self.problems.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and value is not None:
                # As a browser parses a URL (WHATWG): C0 controls and spaces trimmed from
                # the ends, tabs and newlines dropped anywhere. An inner space breaks a scheme.
                plain = re.sub(r"[\t\n\r]", "", unescape(value).strip(C0_AND_SPACE)).lower()
                if plain.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def script_risks(html: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def test_the_checker_recognises_each_kind_of_risk():
    """The corpus is only as good as its checker: show that it catches what it must."""
    assert script_risks("<script>x</script>") == ["<script>"]
    assert script_risks('<a href=" JaVa&#x09;script:x">x</a>')
    assert script_risks('<img src="data:image/png;base64,AA">')
    assert script_risks('<p onclick="x">x</p>')
    assert script_risks('<p style="x">x</p>')
    assert script_risks("<svg></svg>")
    assert script_risks('<a href="https://example.org">x</a><p>ok</p>') == []


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert_in_every_stored_markdown_field(payload):
    version = PublishedVersionFactory(body=payload)
    RatingFactory(version=version, attribute=Attribute.objects.get(code="safety"), note=payload)
    SubPageFactory(version=version, body=payload)
    render_version(version)
    term = GlossaryTermFactory(definition=payload)
    render_glossary_term(term)
    person = PersonFactory(bio=payload)
    render_person(person)

    version.refresh_from_db()
    stored = {
        "ReviewVersion.body": version.body_html,
        "Rating.note": version.ratings.get().note_html,
        "SubPage.body": version.subpages.get().body_html,
        "GlossaryTerm.definition": term.definition_html,
        "Person.bio": person.bio_html,
    }
    for field, html in stored.items():
        assert script_risks(html) == [], f"{field}: {html}"


@pytest.mark.django_db
def test_every_payload_is_inert_in_the_admin_preview(client):
    client.force_login(UserFactory(username="previewer", is_staff=True))
    url = reverse("markdownx_markdownify")
    for payload in PAYLOADS:
        response = client.post(url, {"content": payload})
        assert response.status_code == 200, payload
        html = response.content.decode()
        assert script_risks(html) == [], f"{payload!r}: {html}"


@pytest.mark.django_db
def test_the_public_page_with_every_payload_has_no_risk_its_plain_twin_lacks(client):
    """The page's own markup (its script file, its <details>) is the same with or without the
    payloads; the payloads add nothing that could run."""
    plain = PublishedVersionFactory(body="Plain prose.")
    hostile = PublishedVersionFactory(body="\n\n".join(PAYLOADS))
    pages = {}
    for version in (plain, hostile):
        render_version(version)
        response = client.get(version.therapy.get_absolute_url())
        assert response.status_code == 200
        pages[version] = script_risks(response.content.decode())
    assert pages[hostile] == pages[plain]


def test_links_open_safely_and_ordinary_urls_survive():
    from cancerchoices.markdown import render

    html = render(
        "[a](https://example.org/x?y=1&z=2) [b](mailto:a@example.org) [c](/glossary/) "
        "![d](/media/markdownx/e.png)"
    )
    assert 'href="https://example.org/x?y=1&amp;z=2"' in html
    assert 'href="mailto:a@example.org"' in html
    assert 'href="/glossary/"' in html
    assert 'src="/media/markdownx/e.png"' in html
    assert html.count('rel="noopener noreferrer"') == 3
