"""allauth's forms that our people use, filled and sent in Chromium through the production middleware:
sign in and out, create an account and confirm the address, reset a forgotten password, change it."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from tests.browser_support import log_in, open_form, submit
from tests.registrations.helpers import reload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "richtiges-Passwort-42"


@pytest.fixture
def member():
    user = get_user_model().objects.create_user(email="samira@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def link_in(mailoutbox, live_server) -> str:
    """The one link to this site in the last mail sent."""
    return re.search(rf"{re.escape(live_server.url)}/\S+", mailoutbox[-1].body).group(0)


def test_she_signs_in_changes_her_password_and_signs_out(page, live_server, member):
    open_form(page, f"{live_server.url}/de/accounts/login/")
    page.fill("#id_login", member.email)
    page.fill("#id_password", PASSWORD)
    submit(page, "main form button.kern-btn--primary")
    assert "/accounts/login/" not in page.url
    assert reload(member).last_login is not None
    assert Session.objects.count() == 1

    open_form(page, f"{live_server.url}/de/accounts/password/change/")
    page.fill("#id_oldpassword", PASSWORD)
    page.fill("#id_password1", "neues-Passwort-Leipzig-7")
    page.fill("#id_password2", "neues-Passwort-Leipzig-7")
    submit(page, "main form button.kern-btn--primary")
    assert reload(member).check_password("neues-Passwort-Leipzig-7")

    open_form(page, f"{live_server.url}/de/accounts/logout/")
    submit(page, "main form button.kern-btn--primary")
    assert Session.objects.count() == 0
    assert page.locator("a[href='/de/accounts/login/']").count() >= 1


def test_a_mediator_resets_her_forgotten_password_in_arabic(page, live_server, member, mailoutbox):
    open_form(page, f"{live_server.url}/ar/accounts/password/reset/")
    page.fill("#id_email", member.email)
    submit(page, "main form button.kern-btn--primary")
    assert page.url == f"{live_server.url}/ar/accounts/password/reset/done/"

    open_form(page, link_in(mailoutbox, live_server))
    page.fill("#id_password1", "Sonnenblume-Leipzig-2099")
    page.fill("#id_password2", "Sonnenblume-Leipzig-2099")
    submit(page, "main form button.kern-btn--primary")
    assert page.get_attribute("html", "dir") == "rtl"
    assert reload(member).check_password("Sonnenblume-Leipzig-2099")


def test_she_creates_an_account_and_confirms_her_address(page, live_server, mailoutbox):
    open_form(page, f"{live_server.url}/de/accounts/signup/")
    page.fill("#id_email", "olena@example.org")
    page.fill("#id_password1", "Sonnenblume-Leipzig-2099")
    page.fill("#id_password2", "Sonnenblume-Leipzig-2099")
    submit(page, "main form button.kern-btn--primary")
    address = EmailAddress.objects.get(email="olena@example.org")
    assert address.verified is False

    open_form(page, link_in(mailoutbox, live_server))
    submit(page, "main form button.kern-btn--primary")
    assert reload(address).verified is True


def test_she_adds_an_address_and_sets_a_password_for_an_account_without_one(page, live_server, member):
    member.set_unusable_password()
    member.save()
    log_in(page, live_server, member)

    open_form(page, f"{live_server.url}/de/accounts/email/")
    page.fill("#id_email", "samira.nouri@example.org")
    submit(page, "button[name=action_add]")
    assert EmailAddress.objects.filter(user=member, email="samira.nouri@example.org", verified=False).exists()

    open_form(page, f"{live_server.url}/de/accounts/password/set/")
    page.fill("#id_password1", "Sonnenblume-Leipzig-2099")
    page.fill("#id_password2", "Sonnenblume-Leipzig-2099")
    submit(page, "main form button.kern-btn--primary")
    assert reload(member).check_password("Sonnenblume-Leipzig-2099")


def test_with_her_authenticator_app_she_confirms_it_is_her_renews_codes_and_switches_it_off(
    page, live_server, member, settings
):
    settings.MFA_TOTP_TOLERANCE = 1  # a code typed as its 30 seconds run out still counts
    secret = generate_totp_secret()
    TOTP.activate(member, secret)
    log_in(page, live_server, member)

    page.goto(f"{live_server.url}/de/accounts/2fa/recovery-codes/generate/")  # asks who she is first
    with page.expect_navigation():
        page.click("main a[href*='/2fa/reauthenticate/']")  # "use an authenticator app"
    page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    submit(page, "main form button.kern-btn--primary")
    assert page.url == f"{live_server.url}/de/accounts/2fa/recovery-codes/generate/"
    submit(page, "main form button.kern-btn--primary")
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.RECOVERY_CODES).exists()

    open_form(page, f"{live_server.url}/de/accounts/2fa/totp/deactivate/")
    submit(page, "main form button[type=submit]")
    assert not Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()
