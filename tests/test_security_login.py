"""SEC-06: brute-force protection of the sign-in, for allauth's login and the Django admin alike.

The limits are settings.ACCOUNT_RATE_LIMITS["login_failed"]: 5 wrong passwords per address within
15 minutes, 10 failed attempts per connection and minute; counted in the shared cache (Redis here).
"""

import logging
import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from accounts.signals import login_hash

pytestmark = pytest.mark.django_db

LOGIN = "/de/accounts/login/"
PASSWORD = "richtiges-Passwort-42"
LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche"


def account(email: str, *, staff: bool = True):
    user = get_user_model().objects.create_user(email=email, password=PASSWORD, is_staff=staff)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def attempt(client: Client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def clock(time_machine):
    time_machine.move_to("2026-11-26 10:00:00+01:00", tick=False)
    return time_machine


def test_five_wrong_passwords_lock_the_address_from_that_connection_even_for_the_right_password(
    client, clock, caplog
):
    account("orga@example.org")
    for _ in range(5):
        response = attempt(client, "orga@example.org", "falsch")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        response = attempt(client, "orga@example.org", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert not signed_in(client)
    assert any(
        "login locked" in r.getMessage() and login_hash("orga@example.org") in r.getMessage()
        for r in caplog.records
    )


def test_failed_attempts_are_logged_without_the_password(client, clock, caplog):
    account("orga@example.org")
    with caplog.at_level(logging.INFO, logger="accounts.security"):
        attempt(client, "orga@example.org", "geheim-falsch-123")
        attempt(client, "orga@example.org", PASSWORD)
    messages = [r.getMessage() for r in caplog.records if r.name == "accounts.security"]
    assert any(m.startswith("login failed") for m in messages)
    assert any(m.startswith("login ok") for m in messages)
    assert not any("geheim-falsch-123" in m or PASSWORD in m for m in messages)
    assert not any("orga@example.org" in m for m in messages)  # a keyed hash instead
    assert f"login={login_hash('Orga@Example.org ')}" in messages[0]


def test_nobody_can_lock_an_organiser_out_her_correct_password_and_second_factor_still_go_through(
    clock, settings
):
    settings.STAFF_MFA_REQUIRED = True
    user = account("orga@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(8):
        attempt(attacker, "orga@example.org", "falsch")
    assert LOCKED in attempt(attacker, "orga@example.org", PASSWORD).content.decode()
    organiser = Client(REMOTE_ADDR="198.51.100.20")
    response = attempt(organiser, "orga@example.org", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/de/accounts/2fa/authenticate/"
    second = organiser.post("/de/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert second.status_code == 302 and signed_in(organiser)
    assert organiser.get("/staff/").status_code == 200


def test_the_lock_of_one_address_leaves_other_accounts_alone(client, clock):
    account("orga@example.org")
    account("kollegin@example.org")
    for _ in range(6):
        attempt(client, "orga@example.org", "falsch")
    response = attempt(client, "kollegin@example.org", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_the_lock_lifts_after_fifteen_minutes(client, clock):
    account("orga@example.org")
    for _ in range(6):
        attempt(client, "orga@example.org", "falsch")
    clock.shift(timedelta(minutes=14))
    assert LOCKED in attempt(client, "orga@example.org", PASSWORD).content.decode()
    clock.shift(timedelta(minutes=1, seconds=1))
    assert attempt(client, "orga@example.org", PASSWORD).status_code == 302
    assert signed_in(client)


def test_one_connection_trying_many_addresses_is_stopped_but_others_are_not(clock):
    account("orga@example.org")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for number in range(10):
        attempt(attacker, f"rate{number}@example.org", "falsch")
    response = attempt(attacker, "orga@example.org", PASSWORD)
    assert LOCKED in response.content.decode() and not signed_in(attacker)
    colleague = Client(REMOTE_ADDR="198.51.100.20")
    assert attempt(colleague, "orga@example.org", PASSWORD).status_code == 302
    assert signed_in(colleague)


def test_the_admin_has_no_password_form_of_its_own(client, clock):
    """/admin/login/ sends everyone to allauth's login, so the limits above cover the admin."""
    account("admin@example.org")
    for path in ("/admin/", "/admin/login/"):
        response = client.get(path, follow=True)
        assert response.redirect_chain[-1][0].startswith("/de/accounts/login/")
    response = client.post("/admin/login/", {"username": "admin@example.org", "password": PASSWORD})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not signed_in(client)


def test_a_locked_address_cannot_get_into_the_admin_either(client, clock):
    account("admin@example.org")
    for _ in range(5):
        attempt(client, "admin@example.org", "falsch")
    for _ in range(3):
        client.post("/admin/login/", {"username": "admin@example.org", "password": PASSWORD})
    response = client.post(f"{LOGIN}?next=/admin/", {"login": "admin@example.org", "password": PASSWORD})
    assert LOCKED in response.content.decode()
    assert client.get("/admin/").status_code == 302
    clock.shift(timedelta(minutes=16))
    response = client.post(f"{LOGIN}?next=/admin/", {"login": "admin@example.org", "password": PASSWORD})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_password_reset_mails_are_limited_per_address(client, clock):
    account("orga@example.org")
    for _ in range(3):
        response = client.post("/de/accounts/password/reset/", {"email": "orga@example.org"})
        assert response.status_code == 302
    response = client.post("/de/accounts/password/reset/", {"email": "orga@example.org"})
    assert response.status_code == 429
    assert "429.html" in [template.name for template in response.templates]  # our page, in her language
    assert len(mail.outbox) == 3
    clock.shift(timedelta(hours=1, seconds=1))
    assert client.post("/de/accounts/password/reset/", {"email": "orga@example.org"}).status_code == 302
    assert len(mail.outbox) == 4
