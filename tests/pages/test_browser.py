"""axe-core and layout checks of the three pages in headless Chromium, in every language.

Playwright's sync API allows one running instance per thread, and the session-wide `browser` fixture of
tests/browser/ may already hold the main thread's. So these tests drive their own Chromium in a worker
thread: `in_browser(chromium, url, check)` opens a fresh page there, runs `check(page)` and returns its result.
"""

import shutil
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(scope="module")
def chromium():
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("Chromium is not installed: run `make test`, which installs it.")
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pages-chromium")
    state = {}

    def start():
        state["playwright"] = sync_playwright().start()
        state["browser"] = state["playwright"].chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )

    def stop():
        state["browser"].close()
        state["playwright"].stop()

    worker.submit(start).result()
    yield worker, state
    worker.submit(stop).result()
    worker.shutdown()


def in_browser(chromium, url: str, check, *, width: int = 1280):
    """Open url in a fresh page and return check(page, foreign_requests), run in the browser's thread."""
    worker, state = chromium

    def run():
        context = state["browser"].new_context(viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            own = urlsplit(url).netloc
            foreign = []
            page.on(
                "request",
                lambda request: (
                    urlsplit(request.url).netloc not in ("", own)
                    and not request.url.startswith("data:")
                    and foreign.append(request.url)
                ),
            )
            page.goto(url)
            return check(page, foreign)
        finally:
            context.close()

    return worker.submit(run).result()


@pytest.mark.parametrize("name", ["privacy", "accessibility", "imprint"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_page_has_no_wcag_21_aa_violations_and_loads_nothing_from_elsewhere(
    chromium, live_server, language, name
):
    violations, foreign = in_browser(
        chromium,
        f"{live_server.url}/{language}/{name}/",
        lambda page, foreign: (axe_violations(page), foreign),
    )
    assert violations == []
    assert foreign == []


@pytest.mark.parametrize("language", ["de", "ar", "fa"])
def test_privacy_notice_reflows_at_320_pixels_without_horizontal_scrolling(chromium, live_server, language):
    scroll_width = in_browser(
        chromium,
        f"{live_server.url}/{language}/privacy/",
        lambda page, _foreign: page.evaluate("document.documentElement.scrollWidth"),
        width=320,
    )
    assert scroll_width <= 320


def test_contents_link_moves_to_its_section(chromium, live_server):
    def follow_link(page, _foreign):
        page.locator('main nav a[href="#rights"]').click()
        return page.evaluate("location.hash"), page.locator("h2#rights").is_visible()

    assert in_browser(chromium, f"{live_server.url}/ar/privacy/", follow_link) == ("#rights", True)
