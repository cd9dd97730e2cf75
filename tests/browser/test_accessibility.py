"""WCAG 2.2 AA in a real browser: axe-core on every public page type, keyboard use, small screens,
and pages without JavaScript. Screenshots of every page type land in test-artifacts/."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import NoReverseMatch, reverse

from people.models import Credit
from tests.factories import CreditFactory, PublishedVersionFactory, build_review

pytestmark = pytest.mark.django_db(transaction=True)

# Everything axe checks for WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus its best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
WIDTHS = [360, 1280]


def optional_url(name, *args, query=""):
    """A page another part of the site may not have yet: included once its URL exists."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def public_pages() -> dict[str, str]:
    """One URL of every public page type, on a site with two published reviews."""
    version = build_review()
    lead = CreditFactory(version=version, role=Credit.Role.LEAD_RESEARCHER).person
    other = PublishedVersionFactory(name="Melatonin", therapy__slug="melatonin")
    therapy = version.therapy
    cancer = version.findings.first().cancer_type
    pages = {
        "home": reverse("home"),
        "index": reverse("therapies:list"),
        "index-search": reverse("therapies:list") + "?q=naltrexone",
        "index-search-corrected": reverse("therapies:list") + "?q=naltrexome",
        "index-search-not-reviewed": reverse("therapies:list") + "?q=ivermectin",
        "index-cancer-type": reverse("therapies:list") + f"?cancer={cancer.slug}",
        "cancer-types": reverse("therapies:cancer_types"),
        "cancer-type-guide": reverse("therapies:cancer_type", args=[cancer.slug]),
        "cancer-type-guide-filtered": reverse("therapies:cancer_type", args=[cancer.slug])
        + "?benefit=side_effects&min=nonsense",
        "cancer-type-guide-benefit": reverse("therapies:cancer_type", args=[cancer.slug])
        + "?benefit=treatment_outcomes&page=2",
        "therapy": therapy.get_absolute_url(),
        **{
            f"subpage-{page.kind}": reverse("therapies:subpage", args=[therapy.slug, page.kind])
            for page in version.subpages.all()
        },
        "methodology": reverse("ratings:methodology"),
        "glossary": reverse("therapies:glossary"),
        "people": reverse("therapies:people"),
        "person": lead.get_absolute_url(),
        "about": reverse("about"),
        "accessibility": reverse("accessibility"),
        "privacy": reverse("privacy"),
        "contact": reverse("therapies:contact"),
        "contact-prefilled": reverse("therapies:contact") + "?kind=error&about=/therapies/",
        "not-found": "/no-such-page/",
    }
    optional = {
        "compare": optional_url(
            "therapies:compare", query=f"?therapies={therapy.slug},{other.therapy.slug}"
        ),
        "changes": optional_url("therapies:changes", therapy.slug),
        "rating-history": optional_url("therapies:ratings", therapy.slug),
    }
    return pages | {name: url for name, url in optional.items() if url}


def test_every_page_type_passes_axe_fits_a_phone_and_is_screenshotted(
    live_server, page, screenshot_dir
):
    pages = public_pages()
    axe = Axe()
    violations = {}
    overflowing = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            response = page.goto(live_server.url + url)
            assert response.status == (404 if name == "not-found" else 200), url
            results = axe.run(page, options=AXE_OPTIONS)
            if results.violations_count:
                violations[f"{name} at {width}px"] = results.generate_report()
            if width == 360:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > 360:
                    overflowing.append(f"{name}: {scroll_width}px")
            page.screenshot(path=str(screenshot_dir / f"{name}-{width}.png"), full_page=True)
    assert not violations, "\n\n".join(f"== {k}\n{v}" for k, v in violations.items())
    assert not overflowing, overflowing


def tab_to(page, selector, limit=80) -> bool:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return True
    return False


def test_keyboard_reaches_see_more_and_a_glossary_definition(live_server, page):
    version = build_review()
    page.goto(live_server.url + version.therapy.get_absolute_url())

    # The first stop is the skip link, and it leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"

    assert tab_to(page, "a.term"), "no glossary term reachable by Tab"
    term = page.evaluate_handle("document.activeElement")
    tip = page.locator("#" + term.get_attribute("aria-describedby"))
    assert tip.is_visible()
    assert tip.inner_text() == "A report on one person."

    assert tab_to(page, "#rating-treatment_outcomes summary"), "See more not reachable by Tab"
    details = page.locator("#rating-treatment_outcomes details")
    note = details.locator(".prose")
    page.keyboard.press("Enter")
    assert note.is_visible()
    page.keyboard.press("Space")
    assert not note.is_visible()
    page.keyboard.press(" ")
    assert note.is_visible()
    assert "Longer survival in small studies" in note.inner_text()


def test_pages_work_without_javascript(live_server, browser):
    pages = public_pages()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        for name, url in pages.items():
            page.goto(live_server.url + url)
            assert page.locator("h1").is_visible(), name
            assert page.locator("main").inner_text().strip(), name

        page.goto(live_server.url + pages["therapy"])
        note = page.locator("#rating-treatment_outcomes details .prose")
        assert not note.is_visible()
        page.locator("#rating-treatment_outcomes summary").click()
        assert note.is_visible()
        # The print button needs JavaScript, so it stays hidden without it.
        assert not page.get_by_role("button", name="Print this review").is_visible()

        page.goto(live_server.url + pages["index-search"])
        assert page.get_by_role("link", name="Low-dose naltrexone").first.is_visible()
    finally:
        context.close()


def test_print_button_shows_with_javascript(live_server, page):
    version = build_review()
    page.goto(live_server.url + version.therapy.get_absolute_url())
    assert page.get_by_role("button", name="Print this review").is_visible()
