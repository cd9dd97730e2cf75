"""The contact page's rules: what a reader may send, how often, and what happens to it.

A message is stored and its e-mail to the editors queued in one transaction
(``send_contact_message``); the worker sends it (``notifications.notify_editors_of_message``).
Spam is held off without tracking anyone: a field people never see (a program filling in every
field fills it in too) and a limit on messages per client address, counted in the cache.
"""

import logging
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import Resolver404, resolve, reverse

from cancerchoices.requestlog import client_ip
from cancerchoices.tasks import defer

from .models import ContactMessage
from .notifications import notify_editors_of_message

logger = logging.getLogger(__name__)

# Messages one client address may send in RATE_WINDOW seconds; more are refused until it ends.
RATE_LIMIT = 5
RATE_WINDOW = 60 * 60
MAX_PAGE_LENGTH = ContactMessage._meta.get_field("page").max_length
MAX_PREFILLED_THERAPY = 100


def own_page(value: str) -> str | None:
    """The path (with its query) of a public page of this site that ``value`` names, as a path
    (``/therapies/melatonin/``) or a full address on SITE_URL; None for anything else."""
    value = value.strip()
    if value.startswith(settings.SITE_URL + "/"):
        value = value[len(settings.SITE_URL) :]
    if (
        not value.startswith("/")
        or value.startswith("//")
        or len(value) > MAX_PAGE_LENGTH
        or any(char in value for char in "\\\0\t\r\n ")
    ):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(reverse("admin:index")):
        return None
    try:
        resolve(parts.path)
    except Resolver404:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is your message about?",
        choices=ContactMessage.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what your message is about."},
    )
    message = forms.CharField(
        label="Your message",
        max_length=ContactMessage._meta.get_field("message").max_length,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Please leave out medical details you would rather not share. We cannot give "
        "personal medical advice: your care team can.",
        error_messages={"required": "Write your message."},
    )
    page = forms.CharField(
        label="The page it is about (optional)",
        required=False,
        max_length=MAX_PAGE_LENGTH,
        help_text="The page's address, if your message is about a page on this site.",
    )
    name = forms.CharField(label="Your name (optional)", required=False, max_length=200)
    email = forms.EmailField(
        label="Your e-mail address (optional)",
        required=False,
        help_text="Only if you would like a reply. We use it to answer you, and for nothing else.",
        error_messages={"invalid": "Enter an e-mail address such as name@example.org, or leave "
                        "it empty."},
    )  # fmt: skip
    # The trap for programs: hidden from people and from screen readers (contact.html).
    website = forms.CharField(label="Leave this empty", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        # The limit is told by an error that keeps the text, never by the browser cutting a
        # pasted message short without a word.
        self.fields["message"].widget.attrs.pop("maxlength")

    def clean_page(self):
        value = self.cleaned_data["page"].strip()
        if not value:
            return ""
        path = own_page(value)
        if path is None:
            raise forms.ValidationError(
                f"Give the address of a page on this site, such as {settings.SITE_URL}"
                f"{reverse('therapies:list')}, or leave it empty."
            )
        return path

    @property
    def is_trapped(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def prefilled(query) -> dict:
    """The form's first values from a link to it: ``kind``, ``about`` (a page of ours; anything
    else is dropped) and ``therapy`` (a name to suggest for review)."""
    initial = {}
    if query.get("kind") in ContactMessage.Kind.values:
        initial["kind"] = query["kind"]
    page = own_page(query.get("about", ""))
    if page:
        initial["page"] = settings.SITE_URL + page
    therapy = " ".join(query.get("therapy", "").split())[:MAX_PREFILLED_THERAPY]
    if therapy:
        initial.setdefault("kind", ContactMessage.Kind.SUGGESTION)
        initial["message"] = f"Please review {therapy}."
    return initial


def _rate_key(request) -> str:
    return f"contact-sent:{client_ip(request) or 'unknown'}"


def over_rate_limit(request) -> bool:
    """Whether the request's client address has sent its RATE_LIMIT messages this window. A
    cache that fails limits no one: a reader's message matters more than a spammer's."""
    try:
        return (cache.get(_rate_key(request)) or 0) >= RATE_LIMIT
    except Exception:
        logger.exception("Contact rate limit unavailable")
        return False


def count_message(request) -> None:
    key = _rate_key(request)
    try:
        if not cache.add(key, 1, timeout=RATE_WINDOW):
            cache.incr(key)
    except Exception:
        logger.exception("Contact rate limit unavailable")


def send_contact_message(*, form: ContactForm) -> ContactMessage:
    """Store the message of a valid ``form`` and queue its e-mail to the editors, in one
    transaction. A message caught by the trap is stored as spam, for an editor to look over if
    ever a reader's is lost there, and e-mails no one."""
    data = form.cleaned_data
    with transaction.atomic():
        message = ContactMessage.objects.create(
            kind=data["kind"],
            message=data["message"],
            name=data["name"],
            email=data["email"],
            page=data["page"],
            status=ContactMessage.Status.SPAM if form.is_trapped else ContactMessage.Status.NEW,
        )
        if not form.is_trapped:
            defer(notify_editors_of_message, message_id=message.pk)
    return message
