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


def test_setting_up_and_using_two_factor_sign_in_has_no_wcag_21_aa_violations(page, live_server, settings):
    """A staff member sets up her authenticator app, signs out, signs in with password and code."""
    import time

    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.contrib.auth import get_user_model

    settings.STAFF_MFA_REQUIRED = True
    settings.MFA_TOTP_TOLERANCE = 1  # the second sign-in takes the next code: the first one is spent
    password = "richtiges-Passwort-42"
    user = get_user_model().objects.create_user(email="orga@example.org", password=password, is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    def sign_in():
        page.goto(f"{live_server.url}/de/accounts/login/")
        page.fill("#id_login", user.email)
        page.fill("#id_password", password)
        page.click("button[type=submit]")

    sign_in()
    page.goto(f"{live_server.url}/staff/")  # sent to set up the app, after the password once more
    page.wait_for_selector("#id_password")
    assert axe_violations(page) == []
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("img[src^='data:image/svg+xml']")  # the QR code
    assert axe_violations(page) == []
    secret = page.input_value("#authenticator_secret")
    page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.click("form[action$='/totp/activate/'] button[type=submit]")
    page.wait_for_url("**/recovery-codes/")
    assert axe_violations(page) == []

    page.context.clear_cookies()
    sign_in()
    page.wait_for_url("**/2fa/authenticate/")
    assert axe_violations(page) == []
    page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30 + 1)))
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/2fa/" not in url)
    page.goto(f"{live_server.url}/staff/")
    assert page.url.endswith("/staff/")
    assert page.foreign_requests == []
