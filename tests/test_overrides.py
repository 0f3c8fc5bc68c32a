"""Third-party texts follow our rules: formal German, and no German or English left on Arabic pages."""

import re

import pytest

pytestmark = pytest.mark.django_db

INFORMAL = re.compile(r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|Du|Dich|Dir|Dein|Deine)\b")


@pytest.mark.parametrize(
    "path", ["/de/accounts/login/", "/de/accounts/signup/", "/de/accounts/password/reset/"]
)
def test_german_account_pages_say_sie_not_du(client, path):
    content = client.get(path).content.decode()
    assert not INFORMAL.search(re.sub(r"<[^>]+>", " ", content))


def test_a_too_short_password_is_explained_in_arabic_on_arabic_pages(client):
    response = client.post(
        "/ar/accounts/signup/", {"email": "amal@example.org", "password1": "kurz1", "password2": "kurz1"}
    )
    content = response.content.decode()
    assert "too short" not in content and "zu kurz" not in content
