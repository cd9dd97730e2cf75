"""The contact form in a real browser, on a phone and on a desktop: a reader on a review page
follows "Report an error on this page", finds the form filled in for that page, sends a
message and is told plainly that it arrived."""

import pytest

from tests.factories import build_review
from therapies.models import ContactMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_reporting_an_error_from_a_review_page(live_server, page, width):
    version = build_review()
    review_path = version.therapy.get_absolute_url()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + review_path)

    page.get_by_role("link", name="Report an error on this page").click()
    page.wait_for_url("**/contact/**")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Chosen and filled in from the link: the kind of message and the page it is about.
    assert page.get_by_role("radio", name="An error on a page").is_checked()
    assert page.get_by_label("The page it is about (optional)").input_value().endswith(review_path)
    # The trap for programs is neither seen nor reached with the keyboard.
    trap = page.locator(".contact-trap").bounding_box()
    assert trap["x"] + trap["width"] <= 0
    assert page.locator(".contact-trap input").get_attribute("tabindex") == "-1"
    # Every field and the button fit the screen.
    for label in ["Your message", "Your name (optional)", "Your e-mail address (optional)"]:
        field = page.get_by_label(label).bounding_box()
        assert field["x"] >= 0, label
        assert field["x"] + field["width"] <= width, label
    button = page.get_by_role("button", name="Send your message")
    box = button.bounding_box()
    assert box["x"] + box["width"] <= width

    page.get_by_label("Your message").fill("The dose in the second paragraph looks wrong.")
    page.get_by_label("Your e-mail address (optional)").fill("reader@example.org")
    button.click()

    page.get_by_role("heading", name="Thank you: we got your message").wait_for()
    assert "we will write to the e-mail address you gave" in page.locator("main").inner_text()
    page.get_by_role("link", name="Back to the page you were reading").click()
    page.wait_for_url(f"**{review_path}")

    message = ContactMessage.objects.get()
    assert message.kind == ContactMessage.Kind.ERROR
    assert message.page == review_path
    assert message.status == ContactMessage.Status.NEW
    assert message.email == "reader@example.org"


def test_a_form_sent_with_a_problem_keeps_what_was_written(live_server, page):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + "/contact/")
    page.get_by_label("Your message").fill("Please review vitamin C.")
    page.get_by_label("Your e-mail address (optional)").fill("not an address")
    page.get_by_role("radio", name="A therapy to review").check()
    # The browser's own check would stop the form before the server sees it; readers without
    # it (and scripts) reach the server's check, which is what this proves.
    page.locator("form.contact-form").evaluate("f => f.noValidate = true")
    page.get_by_role("button", name="Send your message").click()

    page.get_by_role("alert").wait_for()
    assert "Your message is not sent yet" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Your message").input_value() == "Please review vitamin C."
    assert page.get_by_role("radio", name="A therapy to review").is_checked()
    assert "Enter an e-mail address such as" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not ContactMessage.objects.exists()
