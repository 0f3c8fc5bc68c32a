"""A refused form (expired page, lost cookie, foreign origin) answers the site's own translated page,
through the real middleware: never Django's bare English "CSRF verification failed"."""

import pytest
from django.test import Client

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(slug="fachtag-test")


def post_with_a_stale_form(client, url, **headers):
    """What a browser sends from a page that was open too long: the old token, a newer cookie."""
    client.get(url)
    return client.post(url, {"csrfmiddlewaretoken": "x" * 64, "email": "amal@example.org"}, **headers)


@pytest.mark.parametrize(
    ("language", "direction", "heading"),
    [("de", "ltr", "Dieses Formular ist abgelaufen"), ("ar", "rtl", "انتهت صلاحية هذا النموذج")],
    ids=["de", "ar"],
)
def test_a_post_without_a_token_gets_the_translated_expired_form_page(event, language, direction, heading):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/{language}/link/", {"email": "amal@example.org"})
    page = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}" dir="{direction}"' in page
    assert f'<h1 class="kern-heading-large">{heading}</h1>' in page
    assert "CSRF" not in page
    assert 'href="/de/"' in page or f'href="/{language}/"' in page  # no page to go back to: home
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_token_links_back_to_the_page_she_came_from(event):
    client = Client(enforce_csrf_checks=True)
    url = f"/ar/events/{event.slug}/signup/"
    response = post_with_a_stale_form(client, url, HTTP_REFERER=f"http://testserver{url}?from=mail")
    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ar" dir="rtl"' in page
    assert f'<a class="kern-link" href="{url}?from=mail">إعادة تحميل الصفحة</a>' in page


def test_a_referer_from_another_site_is_never_linked(event):
    client = Client(enforce_csrf_checks=True)
    response = post_with_a_stale_form(client, "/de/link/", HTTP_REFERER="https://evil.example/de/link/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "evil.example" not in page
    assert "Seite neu laden" not in page
    assert "Zurück zu den Veranstaltungen" in page


def test_the_staff_area_gets_the_same_page(event):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/staff/", {}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 403
    assert "Dieses Formular ist abgelaufen" in response.content.decode()
