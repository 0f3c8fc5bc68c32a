"""The language switcher on every page links to the same page in each language (as Django's translate_url)."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import translate_url

from registrations.tokens import make_token
from tests.factories import EventFactory
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db
SWITCHER = re.compile(r'<nav class="lang-switcher".*?</nav>', re.S)


def switcher_links(content: str) -> dict[str, str]:
    links = re.findall(r'href="([^"]+)" lang="([^"]+)"', SWITCHER.search(content).group())
    return {code: href for href, code in links}


def test_every_kind_of_page_links_to_itself_in_every_language(client):
    event = EventFactory(slug="fachtag-2027")
    token = make_token(sign_up(event))
    staff = get_user_model().objects.create_user(email="orga@example.org", password="x" * 12, is_staff=True)
    pages = [
        "/de/",
        "/ar/events/fachtag-2027/signup/",
        f"/uk/r/{token}/",
        "/de-simple/privacy/",
        "/fa/accounts/login/",
        "/de/gibt-es-nicht/",  # a 404 keeps its address
    ]
    for url in pages:
        links = switcher_links(client.get(url).content.decode())
        assert links == {code: translate_url(url, code) for code, _name in settings.LANGUAGES}, url
    assert switcher_links(client.get("/de/gibt-es-nicht/").content.decode())["ar"] == "/de/gibt-es-nicht/"
    assert switcher_links(client.get("/uk/").content.decode())["ar"] == "/ar/"

    client.force_login(staff)
    # Staff pages speak her saved language: the back office's own switch (a form posting to
    # backoffice:language) stands in for the public links, which would all lead back to /staff/.
    staff_page = client.get("/staff/").content.decode()
    assert SWITCHER.search(staff_page) is None and 'action="/staff/language/"' in staff_page
