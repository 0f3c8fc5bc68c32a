import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage

from registrations.account_adapter import AccountAdapter
from tests.factories import EventFactory
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user(
        email="amal@example.org", password="a-long-password-1", first_name="Amal", last_name="Haddad"
    )


def test_a_logged_in_user_gets_the_form_prefilled(client, user):
    event = EventFactory(slug="fachtag")
    client.force_login(user)
    content = client.get(f"/de/events/{event.slug}/signup/").content.decode()
    assert 'value="amal@example.org"' in content
    assert 'value="Amal Haddad"' in content


def test_guest_registrations_are_attached_when_the_address_is_verified(client, user, rf):
    first, second = (
        sign_up(EventFactory(title_de="Fachtag Eins"), email="amal@example.org"),
        sign_up(EventFactory(title_de="Fachtag Zwei"), email="amal@example.org"),
    )
    sign_up(EventFactory(), email="someone@example.org")
    address = EmailAddress.objects.create(user=user, email="amal@example.org", verified=False, primary=True)
    request = rf.get("/")
    request.session = client.session
    request._messages = FallbackStorage(request)
    AccountAdapter(request).confirm_email(request, address)
    client.force_login(user)
    content = client.get("/de/my/").content.decode()
    assert "Fachtag Eins" in content and "Fachtag Zwei" in content
    assert first.__class__.objects.filter(user=user).count() == 2
    assert second.__class__.objects.filter(user__isnull=True).count() == 1


def test_my_registrations_needs_a_login(client):
    response = client.get("/de/my/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
