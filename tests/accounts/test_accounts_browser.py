"""allauth's sign-in and sign-up pages in headless Chromium: no WCAG 2.1 AA violations, in German and Arabic."""

import pytest

from tests.browser_support import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["de", "ar"])
@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_page_has_no_wcag_21_aa_violations(page, live_server, language, path):
    page.goto(f"{live_server.url}/{language}{path}")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert axe_violations(page) == []
    assert page.foreign_requests == []


@pytest.mark.parametrize("language", ["de", "ar"])
def test_login_with_errors_focuses_the_summary_and_has_no_wcag_21_aa_violations(page, live_server, language):
    page.goto(f"{live_server.url}/{language}/accounts/login/")
    page.fill("#id_login", "amal@example.org")
    page.fill("#id_password", "falsch-falsch-falsch")
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert axe_violations(page) == []


def test_login_reflows_at_320_pixels_in_arabic(page, live_server):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/ar/accounts/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
