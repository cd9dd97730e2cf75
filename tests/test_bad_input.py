"""Bad input the product must survive: a clear answer, nothing lost, never a 500.

Covers NUL bytes and odd Unicode in admin forms and query strings, impossible dates,
traversal-looking slugs, requests without CSRF tokens, wrong HTTP methods, SQL-looking search
strings, pathological Markdown and oversized requests. Every rejected write is checked against
the database: the row is exactly as it was.
"""

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from tests.factories import (
    FindingFactory,
    GlossaryTermFactory,
    ReferenceFactory,
    UserFactory,
    build_review,
)
from therapies.models import GlossaryTerm, Reference, Therapy

pytestmark = pytest.mark.django_db

ODD_UNICODE = [
    "\u202eevil\u202c",  # right-to-left override
    "zero\u200bwidth\u200d joiner",
    "\ufeffbyte order mark",
    "e\u0301\u0301\u0301 combining marks",
    "emoji \U0001f9ea\U0001f469\u200d\U0001f52c",
    "noncharacters \ufffe\uffff",
    "line\u2028separator\u2029",
    "\U000e0041 tag characters",
    "Ω≈ç√ ∫\u02dcµ ≤≥÷ 田中さん ﷽",
]
QUERY_VALUES = [
    "\x00",
    "a\x00b",
    "' OR 1=1 --",
    "'; DROP TABLE therapies_therapy; --",
    '" OR ""="',
    "%' OR '%'='",
    "1; SELECT pg_sleep(10)",
    "\\",
    "%",
    "_",
    "x" * 5000,
    *ODD_UNICODE,
]


def public_urls(version) -> list[str]:
    therapy = version.therapy
    person = version.credits.first().person
    cancer_type = FindingFactory(version=version).cancer_type
    return [
        "/",
        reverse("therapies:list"),
        reverse("therapies:cancer_types"),
        reverse("therapies:cancer_type", args=[cancer_type.slug]),
        therapy.get_absolute_url(),
        reverse("therapies:subpage", kwargs={"slug": therapy.slug, "kind": "safety"}),
        reverse("therapies:glossary"),
        reverse("ratings:methodology"),
        reverse("therapies:people"),
        person.get_absolute_url(),
        reverse("about"),
    ]


def test_odd_query_strings_never_cause_a_server_error(client):
    version = build_review()
    for url in public_urls(version):
        for value in QUERY_VALUES:
            for name in ("q", "page", "category", "sort", "min", "benefit"):
                # A parameter a page does not use is redirected away (to its one address).
                response = client.get(url, {name: value}, follow=True)
                assert response.status_code in {200, 404}, (url, name, value)
                assert len(response.redirect_chain) <= 1, (url, name, value)


def test_undecodable_query_strings_are_survived(client):
    build_review()
    for query in ["q=%ff%fe%fd", "q=%ED%A0%80", "q=%C0%AF", "q=%00%00", "page=%00", "q=%"]:
        assert client.get(f"{reverse('therapies:list')}?{query}").status_code == 200, query


def test_sql_looking_searches_are_only_searches(client):
    version = build_review()
    for value in ["' OR 1=1 --", "'; DROP TABLE therapies_therapy; --", "%' OR '%'='"]:
        response = client.get(reverse("therapies:list"), {"q": value})
        assert response.status_code == 200
        # Nothing matched the text, so the one therapy is not listed as a result.
        assert version.therapy.get_absolute_url() not in response.content.decode()
    assert "therapies_therapy" in connection.introspection.table_names()
    assert Therapy.objects.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/therapies/..%2f..%2fetc/",
        "/therapies/..%2F..%2Fetc%2Fpasswd/",
        "/therapies/%00/",
        "/therapies/..%00/",
        "/therapies/%2e%2e/",
        "/therapies/../../etc/passwd",
        "/therapies/x/..%2f..%2fsettings/",
        "/therapies/\u202egnp.exe/",
        "/people/..%5c..%5cwindows/",
        "/media/../cancerchoices/settings/base.py",
        "/static/../../manage.py",
        "/static/%2e%2e/%2e%2e/manage.py",
    ],
)
def test_traversal_looking_paths_are_not_found(client, path):
    build_review()
    response = client.get(path)
    assert response.status_code == 404, path


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_public_pages_refuse_writing_methods(client, method):
    version = build_review()
    for url in public_urls(version):
        response = getattr(client, method)(url, {"x": "y"})
        assert response.status_code == 405, (method, url)
        assert "GET" in response["Allow"]


def test_a_foreign_host_header_is_refused(client):
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400


def reference_form(reference, **changes) -> dict:
    data = {
        key: ("" if value is None else value)
        for key, value in model_to_dict(reference, exclude=["id"]).items()
    }
    data.update(changes)
    return data


def unchanged(obj) -> dict:
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


def test_nul_bytes_in_admin_forms_are_refused_and_nothing_changes(admin_client):
    reference = ReferenceFactory(key="kept")
    before = unchanged(reference)
    url = reverse("admin:therapies_reference_change", args=[reference.pk])
    for field in ["title", "authors", "container", "pages", "url", "doi"]:
        response = admin_client.post(url, reference_form(reference, **{field: "bad\x00value"}))
        assert response.status_code == 200, field
        assert "Null characters are not allowed" in response.content.decode(), field
    assert unchanged(reference) == before


def test_a_nul_byte_in_markdown_is_refused_with_a_clear_message(admin_client):
    response = admin_client.post(
        reverse("admin:therapies_glossaryterm_add"),
        {"term": "nul", "slug": "nul", "short_definition": "x", "definition": "a\x00b"},
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert not GlossaryTerm.objects.filter(slug="nul").exists()


def test_a_nul_byte_in_an_admin_add_form_creates_nothing(admin_client):
    response = admin_client.post(
        reverse("admin:therapies_reference_add"),
        {"key": "new-key", "kind": "article", "title": "A\x00B"},
    )
    assert response.status_code == 200
    assert not Reference.objects.filter(key="new-key").exists()


@pytest.mark.parametrize("text", ODD_UNICODE)
def test_odd_unicode_in_admin_forms_is_stored_exactly(admin_client, text):
    reference = ReferenceFactory()
    url = reverse("admin:therapies_reference_change", args=[reference.pk])
    response = admin_client.post(url, reference_form(reference, title=text, authors=text))
    assert response.status_code == 302
    reference.refresh_from_db()
    # Exactly as typed, but for the surrounding whitespace a form always trims.
    assert reference.title == text.strip()
    assert reference.authors == text.strip()


@pytest.mark.parametrize(
    "day", ["2023-02-30", "2023-13-01", "2023-00-10", "0000-01-01", "99999-01-01", "yesterday"]
)
def test_impossible_dates_are_refused_and_nothing_changes(admin_client, day):
    reference = ReferenceFactory(kind=Reference.Kind.WEB)
    before = unchanged(reference)
    url = reverse("admin:therapies_reference_change", args=[reference.pk])
    response = admin_client.post(url, reference_form(reference, title="Changed", viewed_on=day))
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    assert unchanged(reference) == before


@pytest.mark.parametrize("value", QUERY_VALUES)
def test_admin_lists_survive_odd_searches_and_filters(admin_client, value):
    ReferenceFactory()
    url = reverse("admin:therapies_reference_changelist")
    for params in [{"q": value}, {"year": value}, {"viewed_on__gte": value}, {"o": value}]:
        response = admin_client.get(url, params)
        assert response.status_code in {200, 302}, params


@pytest.mark.parametrize("pk", ["%00", "abc", "1%27%20OR%201=1", "99999999999999999999999"])
def test_admin_object_urls_with_odd_ids_answer_plainly(admin_client, pk):
    response = admin_client.get(f"/admin/therapies/reference/{pk}/change/")
    assert response.status_code in {302, 404}


def test_admin_posts_without_a_csrf_token_are_refused_and_nothing_changes():
    reference = ReferenceFactory(title="Original")
    before = unchanged(reference)
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    change = reverse("admin:therapies_reference_change", args=[reference.pk])
    delete = reverse("admin:therapies_reference_delete", args=[reference.pk])
    assert client.post(change, reference_form(reference, title="Changed")).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:logout")).status_code == 403
    assert unchanged(reference) == before


def test_a_wrong_csrf_token_is_refused_too():
    reference = ReferenceFactory(title="Original")
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    client.cookies["csrftoken"] = "a" * 32
    change = reverse("admin:therapies_reference_change", args=[reference.pk])
    data = {**reference_form(reference, title="Changed"), "csrfmiddlewaretoken": "b" * 32}
    assert client.post(change, data).status_code == 403
    reference.refresh_from_db()
    assert reference.title == "Original"


def glossary_form(term, definition: str) -> dict:
    return {
        "term": term.term,
        "slug": term.slug,
        "variants": "",
        "short_definition": term.short_definition,
        "definition": definition,
    }


PATHOLOGICAL_MARKDOWN = {
    # (text, what the refusal says)
    "bracket run": ("[" * 20000, "formatting characters"),
    "emphasis run": ("*a" * 49000, "formatting characters"),
    "quote run": ('"' * 99000, "formatting characters"),
    "80 KB table": ("|a" * 20000 + "\n" + "|-" * 20000, "formatting characters"),
    "reference link used 3,000 times": (
        "[a]: <" + "x" * 60000 + ">\n\n" + "[a] " * 3000,
        "characters of HTML",
    ),
    "a megabyte": ("x" * 1_000_000, "the limit is 100,000"),
}


@pytest.mark.parametrize(
    ("text", "reason"), PATHOLOGICAL_MARKDOWN.values(), ids=PATHOLOGICAL_MARKDOWN.keys()
)
def test_pathological_markdown_in_an_admin_save_is_refused_with_a_reason(
    admin_client, text, reason
):
    term = GlossaryTermFactory(definition="Kept.")
    before = unchanged(term)
    url = reverse("admin:therapies_glossaryterm_change", args=[term.pk])
    response = admin_client.post(url, glossary_form(term, text))
    assert response.status_code == 200
    page = response.content.decode()
    assert "errornote" in page
    assert reason in page
    assert unchanged(term) == before


def test_deeply_nested_markdown_is_saved_and_nothing_it_says_is_lost(admin_client):
    term = GlossaryTermFactory(definition="Kept.")
    url = reverse("admin:therapies_glossaryterm_change", args=[term.pk])
    for text, end in [("- " * 496 + "x", "- x</p>"), (">" * 50 + " deep", "&gt; deep</p>")]:
        response = admin_client.post(url, glossary_form(term, text))
        assert response.status_code == 302
        term.refresh_from_db()
        assert term.definition == text
        assert end in term.definition_html


def test_a_request_with_too_many_fields_is_a_400(admin_client):
    reference = ReferenceFactory()
    url = reverse("admin:therapies_reference_change", args=[reference.pk])
    data = {f"field{n}": "x" for n in range(1500)}
    assert admin_client.post(url, data).status_code == 400
