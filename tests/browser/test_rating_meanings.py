"""What each score means, in a real browser: a review with every direction of evidence passes
axe at phone and desktop widths, fits a phone, and tells a 0 from good evidence of no benefit or
of harm apart from "too little evidence" at a glance. Screenshots land in test-artifacts/."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from ratings.models import Attribute
from tests.browser.test_accessibility import AXE_OPTIONS, WIDTHS
from tests.factories import PublishedVersionFactory, RatingFactory, evidence_level

pytestmark = pytest.mark.django_db(transaction=True)


def review_with_every_direction():
    version = PublishedVersionFactory(name="Fish oil", therapy__slug="fish-oil")
    for code, score, level in [
        ("treatment_outcomes", 0, "no_benefit"),
        ("body_terrain", 3, "modest"),
        ("side_effects", 0, "insufficient"),
        ("cancer_risk", 0, "harm"),
        ("safety", 4, None),
        ("access", 5, None),
    ]:
        RatingFactory(
            version=version,
            attribute=Attribute.objects.get(code=code),
            score=score,
            evidence_level=evidence_level(level) if level else None,
            note="- What the studies found.",
        )
    return version


def test_ratings_with_their_meanings_pass_axe_fit_a_phone_and_are_screenshotted(
    live_server, page, screenshot_dir
):
    version = review_with_every_direction()
    pages = {
        "ratings": version.therapy.get_absolute_url(),
        "methodology": reverse("ratings:methodology"),
    }
    axe = Axe()
    violations = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(live_server.url + url)
            results = axe.run(page, options=AXE_OPTIONS)
            if results.violations_count:
                violations[f"{name} at {width}px"] = results.generate_report()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        page.goto(live_server.url + pages["ratings"])
        summary = page.locator("#ratings-summary")
        summary.screenshot(path=str(screenshot_dir / f"ratings-in-brief-meanings-{width}.png"))
        page.locator("#rating-treatment_outcomes").screenshot(
            path=str(screenshot_dir / f"rating-no-benefit-{width}.png")
        )
        # In words, beside the graphic: each direction reads differently.
        row = summary.locator('a[href="#rating-treatment_outcomes"]')
        assert "Good evidence of no benefit" in row.inner_text()
        assert "Evidence of harm" in summary.locator('a[href="#rating-cancer_risk"]').inner_text()
        assert "Too little evidence to judge" in (
            summary.locator('a[href="#rating-side_effects"]').inner_text()
        )
        assert summary.get_by_role("link", name="How we rate").is_visible()
        full = page.locator("#rating-treatment_outcomes .rating-meaning")
        assert full.inner_text().startswith("0 of 5 — Good evidence of no benefit: ")
    assert not violations, "\n\n".join(f"== {k}\n{v}" for k, v in violations.items())


def test_no_benefit_and_harm_look_different_from_too_little_evidence(live_server, page):
    version = review_with_every_direction()
    page.goto(live_server.url + version.therapy.get_absolute_url())

    def look(code):
        badge = page.locator(f"#rating-{code} .badge")
        return badge.evaluate(
            "b => { const s = getComputedStyle(b);"
            " return [s.backgroundColor, s.borderStyle, s.color].join(' '); }"
        )

    looks = {look(code) for code in ["treatment_outcomes", "side_effects", "cancer_risk"]}
    assert len(looks) == 3
    # The struck-through scale of "no benefit" has a line across it; the others do not.
    strike = page.locator("#rating-treatment_outcomes .scale").evaluate(
        "s => getComputedStyle(s, '::after').borderTopStyle"
    )
    assert strike == "solid"
    assert page.locator("#rating-side_effects .scale").evaluate(
        "s => getComputedStyle(s, '::after').content"
    ) in ("none", "normal")
