"""Screenshots of the main public pages and admin screens, for the README.

Run against a site started with `make run` (demo content loaded):

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]

It drives Debian's Chromium through Playwright and writes docs/screenshots/*.png.
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
PUBLIC = {
    "home": "/",
    "therapy": "/therapies/low-dose-naltrexone/",
    "findings": "/therapies/metformin/how-it-can-help/",
    "rating-timeline": "/therapies/metformin/ratings/",
    "cancer-type-guide": "/cancer-types/breast-cancer/",
    "index-search": "/therapies/?q=meltonin",
    "search-not-reviewed": "/therapies/?q=ivermectin",
    "compare": "/compare/?therapies=metformin,melatonin,exercise",
    "methodology": "/methodology/",
    "contact": "/contact/?kind=error&about=/therapies/metformin/",
}


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for name, path in PUBLIC.items():
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + path)
            page.screenshot(path=OUT / f"{name}.png", full_page=True)
            page.set_viewport_size({"width": 360, "height": 740})
            page.screenshot(path=OUT / f"{name}-phone.png")
            page.close()

        admin = browser.new_page(viewport={"width": 1280, "height": 900})
        admin.goto(base + "/admin/login/")
        admin.fill("#id_username", "consultant")
        admin.fill("#id_password", "demo-password")
        admin.click("input[type=submit]")
        admin.screenshot(path=OUT / "admin-dashboard.png", full_page=True)
        admin.locator(".dashboard-module", has_text="Awaiting my review").locator("a").first.click()
        admin.wait_for_selector(".workflow-panel")
        admin.screenshot(path=OUT / "admin-version.png", full_page=False)
        admin.click("a.button:text('Approve')")
        admin.wait_for_selector(".changes-table")
        admin.screenshot(path=OUT / "admin-approve.png", full_page=True)
        browser.close()
    print(f"Screenshots written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
