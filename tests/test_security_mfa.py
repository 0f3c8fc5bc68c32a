"""SEC-06 (MFA for staff): the staff area and the admin open only with a second factor (an authenticator app's codes).

Organisers, door staff and administrators see special-category data; their accounts sign in with a
password and a one-time code. Someone signed in without an authenticator app is sent to set one up.
"""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.models import EventRole
from tests.factories import EventFactory
from tests.test_overrides import INFORMAL
from tests.test_security_login import PASSWORD, account

pytestmark = pytest.mark.django_db

ACTIVATE = "/de/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_MFA_REQUIRED = True


def code(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def visible_text(response) -> str:
    return re.sub(r"<[^>]+>", " ", response.content.decode())


@pytest.mark.parametrize("path", ["/staff/", "/admin/", "/staff/mediators/"])
def test_staff_without_an_authenticator_app_are_sent_to_set_one_up(client, path):
    client.force_login(account("orga@example.org"))
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == ACTIVATE


def test_setting_up_the_app_after_confirming_the_password_opens_the_staff_area(client):
    user = account("orga@example.org")
    EventRole.objects.create(user=user, event=EventFactory(), role=EventRole.Role.ORGANISER)
    client.post("/de/accounts/login/", {"login": "orga@example.org", "password": PASSWORD})
    confirm = client.get(client.get("/staff/")["Location"])  # set-up first asks for the password again
    assert confirm.status_code == 302 and confirm["Location"].startswith("/de/accounts/reauthenticate/")
    back = client.post(confirm["Location"], {"password": PASSWORD})
    assert back.status_code == 302 and back["Location"].startswith(ACTIVATE)
    page = client.get(back["Location"])
    assert page.status_code == 200
    content = page.content.decode()
    assert "data:image/svg+xml;base64," in content  # the QR code, drawn here (no other origin)
    assert not INFORMAL.search(visible_text(page))  # formal German, like every account page
    secret = client.session["mfa.totp.secret"]

    wrong = client.post(ACTIVATE, {"code": "000000" if code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and not Authenticator.objects.exists()
    activated = client.post(ACTIVATE, {"code": code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    recovery = client.get(activated["Location"])  # her recovery codes, to keep
    assert recovery.status_code == 200 and not INFORMAL.search(visible_text(recovery))
    assert len(re.findall(r"\b\d{8}\b", visible_text(recovery))) >= 10
    assert client.get("/staff/").status_code == 200


def test_signing_in_asks_for_the_code_and_a_wrong_code_opens_nothing(client):
    user = account("orga@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    response = client.post("/de/accounts/login/", {"login": "orga@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/de/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # the password alone signs nobody in
    form = client.get("/de/accounts/2fa/authenticate/")
    assert form.status_code == 200 and not INFORMAL.search(visible_text(form))
    assert 'autocomplete="one-time-code"' in form.content.decode()
    assert re.search(r'<label[^>]*for="id_code"', form.content.decode())  # a visible label (WCAG 3.3.2)

    assert client.post("/de/accounts/2fa/authenticate/", {"code": code(secret, offset=5)}).status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.post("/de/accounts/2fa/authenticate/", {"code": code(secret)}).status_code == 302
    assert "_auth_user_id" in client.session
    assert client.get("/staff/").status_code == 200


def test_participants_pages_ask_nothing_and_the_check_costs_one_query_on_staff_pages(client):
    client.force_login(account("amal@example.org", staff=False))
    assert client.get("/de/").status_code == 200  # public pages: no second factor asked
    staff = account("orga@example.org")
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        client.get("/staff/")
    assert len([q for q in queries if "mfa_authenticator" in q["sql"]]) == 1


def test_production_settings_require_the_second_factor_unless_told_otherwise():
    from config import settings as production

    assert production.DEBUG is False and production.STAFF_MFA_REQUIRED is True


def test_the_deployment_check_warns_when_the_second_factor_is_switched_off(settings):
    from accounts.checks import staff_need_a_second_factor

    settings.STAFF_MFA_REQUIRED = False
    assert [warning.id for warning in staff_need_a_second_factor(None)] == ["accounts.W002"]
    settings.STAFF_MFA_REQUIRED = True
    assert staff_need_a_second_factor(None) == []


def test_the_account_pages_link_to_the_two_factor_settings(client):
    client.force_login(account("orga@example.org"))
    content = client.get("/ar/accounts/password/change/").content.decode()
    assert 'href="/ar/accounts/2fa/"' in content and "توثيق ذو عاملين" in content
