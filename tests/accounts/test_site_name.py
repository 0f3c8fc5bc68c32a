"""allauth's account mails name the site as the settings do ("Fachtag"), never Django's "example.com"."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_site_row_is_named_fachtag_by_the_migrations(settings):
    site = Site.objects.get(pk=settings.SITE_ID)
    assert site.name == "Fachtag"
    assert site.domain != "example.com"


@pytest.mark.parametrize("stale_site_row", [False, True])
def test_the_password_reset_mail_names_fachtag(client, mailoutbox, settings, stale_site_row):
    if stale_site_row:  # a database made before the migration, or edited in the admin
        Site.objects.filter(pk=settings.SITE_ID).update(name="example.com", domain="example.com")
        Site.objects.clear_cache()
    settings.SITE_URL = "http://127.0.0.1:8202"
    user = get_user_model().objects.create_user(email="amal@beispiel.de", password="x" * 14)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.subject.startswith("[Fachtag] ")
    bodies = [message.body, *(content for content, _type in message.alternatives)]
    for body in bodies:
        assert "example.com" not in body
        assert "Fachtag" in body
    assert "127.0.0.1:8202" in message.body
