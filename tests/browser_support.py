"""What every browser journey shares: Debian's Chromium driven by Playwright, signing in, and a screenshot
of each page checked by axe-core."""

from pathlib import Path

import pytest

from tests.axe import assert_accessible

SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
PASSWORD = "pass-word-123"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def signed_in(browser, live_server, user, *, lang, width):
    """A new browser context at ``width`` px in ``lang``, signed in as ``user``; (context, page)."""
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900},
                                  locale=lang)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    return context, page


def shot(page, name):
    """Photograph the page and check it with axe-core: no violation on any page photographed."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert_accessible(page, f"{name} ({page.url})")
