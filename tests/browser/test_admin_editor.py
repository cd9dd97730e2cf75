"""The admin's Markdown editor under the site's Content-Security-Policy, in a real browser.

The live preview and the image upload (django-markdownx's JavaScript, posting to our
staff-only views) must work with no CSP violation, and the preview must not run script.
"""

import base64
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def signed_in_page(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="editor", is_staff=True, is_superuser=True, password="pw-for-tests")
    page.add_init_script(WATCH_VIOLATIONS)
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message.text))
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return page


def csp_complaints(page) -> list[str]:
    violations = page.evaluate("window.__violations")
    refused = [text for text in page.console_messages if "Content Security Policy" in text]
    return violations + refused


def test_live_preview_renders_sanitised_html_with_the_policy_on(live_server, signed_in_page):
    page = signed_in_page
    response = page.goto(live_server.url + "/admin/therapies/glossaryterm/add/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.fill(
        "#id_definition", "**Bold** text <img src=x onerror=alert(1)> [x](javascript:alert(2))"
    )
    preview = page.locator(".markdownx-preview")
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "Bold"
    assert "<img src=x" in preview.inner_text()  # shown as text, not an element
    assert preview.locator("img").count() == 0
    assert preview.locator("a").count() == 0  # the javascript: link stays inert text
    assert "[x](javascript:alert(2))" in preview.inner_text()

    page.fill("#id_definition", "[" * 20000)
    page.locator(".markdownx-preview .errornote").wait_for()
    assert "formatting characters" in preview.inner_text()

    assert dialogs == []
    assert csp_complaints(page) == []


def test_dropping_an_image_uploads_it_and_inserts_its_markdown(
    live_server, signed_in_page, tmp_path
):
    page = signed_in_page
    page.goto(live_server.url + "/admin/therapies/glossaryterm/add/")
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "teal").save(buffer, "PNG")
    encoded = base64.b64encode(buffer.getvalue()).decode()
    page.evaluate(
        """(encoded) => {
            const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "../../evil.png", {type: "image/png"}));
            const editor = document.querySelector("#id_definition");
            editor.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
        }""",
        encoded,
    )
    editor = page.locator("#id_definition")
    # Polled from here: wait_for_function evaluates strings, which this CSP forbids.
    expect(editor).to_have_value(re.compile(r"!\[\]\("))
    markdown = editor.input_value()
    assert "/media/markdownx/" in markdown
    assert "evil" not in markdown
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(stored) == 1
    assert stored[0].suffix == ".png"
    page.locator(".markdownx-preview img").wait_for(state="attached")
    assert csp_complaints(page) == []


def test_admin_widgets_work_with_the_policy_on(live_server, signed_in_page):
    """Date pickers, the two-box selector and slug prepopulation are all script files."""
    page = signed_in_page
    page.goto(live_server.url + "/admin/therapies/reviewversion/add/")
    page.locator("#id_cancer_types_from").wait_for()  # built by SelectFilter2.js
    assert csp_complaints(page) == []

    page.goto(live_server.url + "/admin/therapies/glossaryterm/add/")
    page.fill("#id_term", "Case report")
    page.locator("#id_term").blur()
    assert page.locator("#id_slug").input_value() == "case-report"
    assert csp_complaints(page) == []

    page.goto(live_server.url + "/admin/therapies/reference/add/")
    page.locator("#id_viewed_on").locator("xpath=..").locator(".date-icon").click()
    page.locator(".calendarbox").first.wait_for()
    assert csp_complaints(page) == []


def test_the_watcher_would_see_a_violation(live_server, signed_in_page):
    """Proves the check above can fail: an inline script is blocked and reported."""
    page = signed_in_page
    page.goto(live_server.url + "/admin/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__ran = true";
            document.body.append(script);
        }"""
    )
    for _ in range(50):
        if page.evaluate("window.__violations.length"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__ran") is None
    assert csp_complaints(page)
