"""A published review full of XSS payloads, opened in a real browser: nothing runs."""

import pytest

from tests.factories import PublishedVersionFactory, RatingFactory, SubPageFactory
from tests.test_xss import PAYLOADS
from therapies.rendering import render_version

pytestmark = pytest.mark.django_db(transaction=True)


def serve_without_csp(site: str):
    """A route handler: our pages without their CSP header; nothing fetched off-site."""

    def handle(route):
        if not route.request.url.startswith(site):
            route.abort()
            return
        response = route.fetch()
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() != "content-security-policy"
        }
        route.fulfill(response=response, headers=headers)

    return handle


@pytest.mark.parametrize("policy", ["with-csp", "without-csp"])
def test_no_payload_executes_on_the_public_pages(live_server, page, policy):
    """Without its CSP header the page must still be safe: the sanitiser alone suffices."""
    from ratings.models import Attribute

    if policy == "without-csp":
        page.route("**/*", serve_without_csp(live_server.url))

    text = "\n\n".join(PAYLOADS)
    version = PublishedVersionFactory(body=text)
    RatingFactory(version=version, attribute=Attribute.objects.get(code="safety"), note=text)
    subpage = SubPageFactory(version=version, body=text)
    render_version(version)

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for url in [version.therapy.get_absolute_url(), subpage.get_absolute_url()]:
        response = page.goto(live_server.url + url)
        assert ("content-security-policy" in response.headers) == (policy == "with-csp")
        page.wait_for_load_state("load")
        # Open every disclosure and hover and focus every link and image, so handlers that
        # wait for interaction would have their chance.
        for summary in page.locator("summary").all():
            summary.click()
        for element in page.locator("main a, main img").all():
            element.hover(timeout=2000, force=True)
            element.focus()
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        assert not [h for h in hrefs if h.lower().startswith(("javascript:", "vbscript:", "data:"))]
        assert page.evaluate("window.__xss") is None, url
    assert dialogs == []
