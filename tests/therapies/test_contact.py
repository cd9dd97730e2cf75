"""The contact page: a reader's message is stored, queued to the editors by e-mail and
confirmed; spam is held off by a trap field and a limit per address; links from review pages
and empty searches fill the form in; editors work through the messages in the admin."""

import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.admin_forms import signed_in
from tests.factories import build_review, member
from therapies.contact import RATE_LIMIT
from therapies.models import ContactMessage
from therapies.roles import EDITOR_ROLE

pytestmark = pytest.mark.django_db
CONTACT = "/contact/"
Status = ContactMessage.Status


def message(**fields) -> dict:
    return {"kind": "error", "message": "The dose in the second table looks wrong.", **fields}


def test_the_contact_url():
    assert reverse("therapies:contact") == CONTACT


def test_the_page_has_the_form_with_a_csrf_token(client):
    response = client.get(CONTACT)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert 'name="csrfmiddlewaretoken"' in html
    for name in ["kind", "message", "page", "name", "email"]:
        assert f'name="{name}"' in html


def test_a_message_is_stored_queued_to_the_editors_and_confirmed(client, jobs):
    edna = member(EDITOR_ROLE, "edna")
    eric = member(EDITOR_ROLE, "eric")
    gone = member(EDITOR_ROLE, "gone")
    gone.is_active = False
    gone.save()
    member("Clinical consultant", "carl")
    response = client.post(
        CONTACT,
        message(page="/therapies/melatonin/", name="Ann Reader", email="ann@example.net"),
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 302
    stored = ContactMessage.objects.get()
    assert (stored.kind, stored.status, stored.page) == (
        "error",
        Status.NEW,
        "/therapies/melatonin/",
    )
    assert (stored.name, stored.email, stored.handled_by) == ("Ann Reader", "ann@example.net", None)
    assert stored.message == "The dose in the second table looks wrong."

    assert not mail.outbox  # sent by the worker, never in the request
    assert jobs() == 1
    (sent,) = mail.outbox
    assert sorted(sent.to) == [edna.email, eric.email]
    assert sent.reply_to == ["ann@example.net"]
    assert "An error on a page" in sent.body
    assert "http://testserver" not in sent.body
    assert "/therapies/melatonin/" in sent.body
    assert "The dose in the second table looks wrong." in sent.body
    assert reverse("admin:therapies_contactmessage_change", args=[stored.pk]) in sent.body

    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    assert "we got your message" in html
    assert "An editor reads every message" in html
    assert "we will write to the e-mail address you gave" in html
    assert 'href="/therapies/melatonin/"' in html  # back to the page they were reading


def test_without_an_address_the_confirmation_says_no_reply_can_come(client, jobs):
    member(EDITOR_ROLE, "edna")
    response = client.post(CONTACT, message(kind="question"), follow=True)
    assert "You did not give an e-mail address" in response.content.decode()
    jobs()
    assert mail.outbox[0].reply_to == []
    assert "no reply possible" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"message": ""}, "message", "Write your message."),
        ({"message": "   "}, "message", "Write your message."),
        ({"kind": ""}, "kind", "Choose what your message is about."),
        ({"kind": "complaint"}, "kind", "Select a valid choice."),
        ({"email": "not an address"}, "email", "Enter an e-mail address"),
        ({"message": "x" * 5001}, "message", "at most 5000 characters"),
        ({"message": "nul\x00byte"}, "message", "Null characters are not allowed."),
        ({"page": "https://evil.example/therapies/"}, "page", "a page on this site"),
        ({"page": "//evil.example/"}, "page", "a page on this site"),
        ({"page": "javascript:alert(1)"}, "page", "a page on this site"),
        ({"page": "/\\evil.example"}, "page", "a page on this site"),
        ({"page": "/admin/"}, "page", "a page on this site"),
        ({"page": "/no/such/page/"}, "page", "a page on this site"),
    ],
)
def test_a_form_error_keeps_everything_written_and_sends_nothing(client, fields, field, error):
    data = {**message(name="Ann", email="ann@example.net"), **fields}
    response = client.post(CONTACT, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your message is not sent yet." in html
    assert error in html
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', html) or field == "kind"
    assert 'value="Ann"' in html
    assert f'value="{data["email"]}"' in html
    if field != "message":
        assert "The dose in the second table looks wrong." in html
    assert not ContactMessage.objects.exists()


def test_a_page_may_be_given_by_its_full_address(client, settings):
    client.post(CONTACT, message(page=f"{settings.SITE_URL}/therapies/melatonin/?x=1"))
    assert ContactMessage.objects.get().page == "/therapies/melatonin/?x=1"


def test_a_program_that_fills_in_the_trap_is_thanked_but_e_mails_no_one(client, jobs):
    member(EDITOR_ROLE, "edna")
    response = client.post(CONTACT, message(website="http://spam.example"), follow=True)
    assert "we got your message" in response.content.decode()
    assert ContactMessage.objects.get().status == Status.SPAM  # kept, should a reader's be caught
    assert jobs() == 0
    assert not mail.outbox


def test_the_trap_is_hidden_from_people_screen_readers_and_the_keyboard(client):
    html = client.get(CONTACT).content.decode()
    trap = re.search(r'<div class="contact-trap" aria-hidden="true">.*?</div>', html, re.S)
    assert trap
    assert 'name="website"' in trap.group()
    assert 'tabindex="-1"' in trap.group()


def test_each_address_may_send_a_few_messages_an_hour_and_loses_nothing_beyond(client):
    reader = {"REMOTE_ADDR": "203.0.113.5"}
    for _ in range(RATE_LIMIT):
        assert client.post(CONTACT, message(), **reader).status_code == 302
    refused = client.post(CONTACT, message(message="One more thing."), **reader)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "You have sent several messages in the last hour" in html
    assert "One more thing." in html  # still there to copy
    assert ContactMessage.objects.count() == RATE_LIMIT
    # Another reader is not held back by the first.
    assert client.post(CONTACT, message(), REMOTE_ADDR="198.51.100.7").status_code == 302


def test_behind_the_load_balancer_the_limit_counts_the_reader_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    forged = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(RATE_LIMIT):
        # A forged X-Forwarded-For entry does not make a new address.
        forged["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}, 203.0.113.5"
        assert client.post(CONTACT, message(), **forged).status_code == 302
    assert client.post(CONTACT, message(), **forged).status_code == 429
    other = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert client.post(CONTACT, message(), **other).status_code == 302


def test_form_errors_do_not_count_towards_the_limit(client):
    for _ in range(RATE_LIMIT + 2):
        assert client.post(CONTACT, message(message="")).status_code == 200
    assert client.post(CONTACT, message()).status_code == 302


def test_the_page_is_never_cached(client):
    for url in [CONTACT, f"{CONTACT}?kind=error&about=/therapies/", f"{CONTACT}?sent=reply"]:
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Cache" not in response, url
            assert "no-store" in response["Cache-Control"], url
            assert "private" in response["Cache-Control"], url
    posted = client.post(CONTACT, message(message=""))
    assert "X-Cache" not in posted
    assert "no-store" in posted["Cache-Control"]


def test_a_post_without_a_csrf_token_is_refused():
    response = Client(enforce_csrf_checks=True).post(CONTACT, message())
    assert response.status_code == 403
    assert not ContactMessage.objects.exists()


def test_unknown_query_parameters_redirect_to_the_page(client):
    response = client.get(f"{CONTACT}?utm_source=x")
    assert response.status_code == 301
    assert response["Location"] == CONTACT


def test_a_link_fills_in_the_kind_and_the_page(client, settings):
    html = client.get(f"{CONTACT}?kind=error&about=/therapies/melatonin/").content.decode()
    assert re.search(r'value="error"[^>]*checked', html)
    assert f'value="{settings.SITE_URL}/therapies/melatonin/"' in html


@pytest.mark.parametrize(
    "about", ["https://evil.example/", "//evil.example/", "/admin/", "javascript:alert(1)"]
)
def test_a_link_naming_a_page_not_ours_fills_in_nothing(client, about):
    response = client.get(f"{CONTACT}?kind=error&about={quote(about, safe='')}")
    assert response.status_code == 200
    form = re.search(r'<form class="contact-form".*?</form>', response.content.decode(), re.S)
    assert "evil.example" not in form.group()
    assert "javascript:" not in form.group()
    assert not re.search(r'name="page"[^>]*value=', form.group())


def test_a_link_suggesting_a_therapy_fills_in_its_name(client):
    html = client.get(f"{CONTACT}?therapy=  turmeric   tea <b>").content.decode()
    assert re.search(r'value="suggestion"[^>]*checked', html)
    assert "Please review turmeric tea &lt;b&gt;." in html


def test_every_page_of_a_review_links_to_report_an_error_on_it(client):
    version = build_review()
    therapy = version.therapy
    urls = [therapy.get_absolute_url()] + [
        reverse("therapies:subpage", args=[therapy.slug, page.kind])
        for page in version.subpages.all()
    ]
    assert len(urls) > 1
    for url in urls:
        html = client.get(url).content.decode()
        link = f'href="/contact/?kind=error&amp;about={url}"'
        assert link in html, url
        assert ">Report an error on this page</a>" in html, url


def test_a_search_without_results_offers_to_suggest_the_therapy(client):
    build_review()
    html = client.get("/therapies/?q=turmeric+tea").content.decode()
    assert "We have not reviewed “turmeric tea”." in html
    suggest = 'href="/contact/?kind=suggestion&amp;therapy=turmeric+tea"'
    assert f"{suggest}>Suggest “turmeric tea” for review</a>" in html
    found = client.get("/therapies/?q=naltrexone").content.decode()
    assert "for review</a>" not in found


def test_editors_work_through_the_queue_newest_first(client):
    edna = member(EDITOR_ROLE, "edna")
    older = ContactMessage.objects.create(kind="question", message="Is it safe with chemo?")
    newer = ContactMessage.objects.create(
        kind="error", message="Typo", page="/therapies/x/", email="ann@example.net"
    )
    done = ContactMessage.objects.create(kind="suggestion", message="Please review X.",
                                         status=Status.ANSWERED)  # fmt: skip
    editor = signed_in(edna)
    url = reverse("admin:therapies_contactmessage_changelist")
    listing = editor.get(url)
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [done, newer, older]
    open_ones = editor.get(url, {"status__exact": "new"})
    assert list(open_ones.context["cl"].result_list) == [newer, older]
    assert 'href="mailto:ann@example.net"' in listing.content.decode()

    response = editor.post(
        url, {"action": "mark_answered", "_selected_action": [older.pk, newer.pk]}, follow=True
    )
    assert "2 messages marked as answered." in response.content.decode()
    older.refresh_from_db()
    assert (older.status, older.handled_by) == (Status.ANSWERED, edna)

    change = reverse("admin:therapies_contactmessage_change", args=[newer.pk])
    assert editor.post(change, {"status": "spam"}).status_code == 302
    newer.refresh_from_db()
    assert (newer.status, newer.handled_by, newer.message) == (Status.SPAM, edna, "Typo")
    assert editor.get(reverse("admin:therapies_contactmessage_add")).status_code == 403


def test_only_editors_see_the_queue(client):
    ContactMessage.objects.create(kind="question", message="Hello")
    url = reverse("admin:therapies_contactmessage_changelist")
    assert signed_in(member("Researcher", "rita")).get(url).status_code == 403
    assert signed_in(member("Clinical consultant", "carl")).get(url).status_code == 403
    editors = Group.objects.get(name=EDITOR_ROLE).permissions.values_list("codename", flat=True)
    assert {"view_contactmessage", "change_contactmessage", "delete_contactmessage"} <= set(editors)
