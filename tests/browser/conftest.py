"""Headless Chromium (Debian's package) driven by Playwright, with axe-core from the installed package."""

import shutil
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("Chromium is not installed: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page that records every request going to another origin than the live server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    own = urlsplit(live_server.url).netloc
    page.foreign_requests = []
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url).netloc not in ("", own)
            and not request.url.startswith("data:")
            and page.foreign_requests.append(request.url)
        ),
    )
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    response = Axe().run(page, options=WCAG_21_AA).response
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in response["violations"]
    ]
