"""SEC-02: cookies under the production settings (HTTPS on), read from real responses' Set-Cookie headers.

The test servers run on plain HTTP (HTTPS=false), so the production values are computed by executing
config/settings.py with a production environment, and applied with override_settings.
"""

import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from accounts.checks import rate_limits_need_a_shared_cache

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "config" / "settings.py"
COOKIE_SETTINGS = [
    "HTTPS",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
]


@pytest.fixture
def production(monkeypatch):
    """The cookie settings production gets (DEBUG and HTTPS unset: their defaults), applied to this test."""
    for name in ("DEBUG", "HTTPS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    computed = runpy.run_path(str(SETTINGS_FILE))
    values = {name: computed[name] for name in COOKIE_SETTINGS}
    with override_settings(**values):
        yield values


def staff_user():
    user = get_user_model().objects.create_user(
        email="orga@example.org", password="richtiges-Passwort-42", is_staff=True
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def assert_host_only_secure(morsel, *, httponly: bool):
    assert morsel.key.startswith("__Host-")
    assert morsel["secure"] is True
    assert morsel["path"] == "/"
    assert morsel["domain"] == ""  # __Host- cookies must not name a domain
    assert morsel["samesite"] == "Lax"
    assert bool(morsel["httponly"]) is httponly


def test_production_cookie_settings(production):
    assert production["HTTPS"] is True
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"


def test_csrf_and_session_cookies_over_https(production):
    staff_user()
    client = Client(enforce_csrf_checks=True)
    response = client.get("/de/accounts/login/", secure=True)
    csrf = response.cookies["__Host-csrftoken"]
    # No script reads it: every form posts the token as a hidden field (this login works with it).
    assert_host_only_secure(csrf, httponly=True)
    token = response.context["csrf_token"]
    response = client.post(
        "/de/accounts/login/",
        {"login": "orga@example.org", "password": "richtiges-Passwort-42", "csrfmiddlewaretoken": token},
        secure=True,
        headers={"Origin": "https://testserver"},
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert_host_only_secure(session, httponly=True)
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_the_language_cookie_is_secure_and_same_site(production):
    client = Client()
    remembered = client.get("/ar/", secure=True).cookies["django_language"]
    chosen = client.post("/i18n/setlang/", {"language": "uk", "next": "/uk/"}, secure=True).cookies[
        "django_language"
    ]
    for morsel in (remembered, chosen):
        assert morsel["secure"] is True
        assert morsel["samesite"] == "Lax"
        assert morsel["httponly"] is True


def test_a_signed_in_session_ends_after_a_working_day(production, time_machine):
    time_machine.move_to("2026-11-26 08:00:00+01:00", tick=False)
    client = Client()
    client.force_login(staff_user())
    assert client.get("/staff/", secure=True).status_code == 200
    time_machine.shift(timedelta(hours=9, minutes=59))
    assert client.get("/staff/", secure=True).status_code == 200
    time_machine.shift(timedelta(minutes=2))
    response = client.get("/staff/", secure=True)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_deploy_check_refuses_a_per_process_cache():
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=local):
        [warning] = rate_limits_need_a_shared_cache(None)
    assert warning.id == "accounts.W001"
    assert rate_limits_need_a_shared_cache(None) == []  # the tests' cache is Redis, as in production
