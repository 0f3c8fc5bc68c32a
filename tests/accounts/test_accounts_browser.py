"""allauth's sign-in and sign-up pages in headless Chromium: no WCAG 2.1 AA violations, in German and Arabic."""

import shutil

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS, axe_violations, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    """tests/browser/conftest.py's browser, but closed at the end of this module.

    Playwright's sync API allows one running instance per thread, and `browser` imported from there would be a
    second session-wide instance next to the one tests/browser/ starts later in the same run.
    """
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("Chromium is not installed: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("language", ["de", "ar"])
@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_page_has_no_wcag_21_aa_violations(page, live_server, language, path):  # noqa: F811
    page.goto(f"{live_server.url}/{language}{path}")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert axe_violations(page) == []
    assert page.foreign_requests == []


@pytest.mark.parametrize("language", ["de", "ar"])
def test_login_with_errors_focuses_the_summary_and_has_no_wcag_21_aa_violations(page, live_server, language):  # noqa: F811
    page.goto(f"{live_server.url}/{language}/accounts/login/")
    page.fill("#id_login", "amal@example.org")
    page.fill("#id_password", "falsch-falsch-falsch")
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert axe_violations(page) == []


def test_login_reflows_at_320_pixels_in_arabic(page, live_server):  # noqa: F811
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/ar/accounts/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
