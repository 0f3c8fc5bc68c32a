import pytest
from django.contrib.auth import get_user_model

from fachtag.models import Workshop
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["event", "timeslot", "workshop"])
def test_admin_add_and_list_pages_open(admin_client, model):
    WorkshopFactory()
    assert admin_client.get(f"/admin/fachtag/{model}/").status_code == 200
    assert admin_client.get(f"/admin/fachtag/{model}/add/").status_code == 200
    assert admin_client.get(f"/admin/fachtag/{model}/?q=Workshop").status_code == 200


def test_event_change_page_shows_slot_inlines_with_translations(admin_client):
    slot = TimeSlotFactory(title_de="Workshop-Phase 1")
    content = admin_client.get(f"/admin/fachtag/event/{slot.event.pk}/change/").content.decode()
    assert "Workshop-Phase 1" in content
    assert 'name="slots-0-title_ar"' in content
    assert 'name="title_uk"' in content


def test_organiser_creates_a_workshop_with_languages_in_the_admin(admin_client):
    slot = TimeSlotFactory()
    response = admin_client.post(
        "/admin/fachtag/workshop/add/",
        {
            "slot": slot.pk,
            "position": 0,
            "title_de": "Jobsuche",
            "title_ar": "البحث عن عمل",
            "capacity": 20,
            "languages": ["de", "ar"],
            "status": "scheduled",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    workshop = Workshop.objects.get()
    assert workshop.languages == ["de", "ar"]
    assert workshop.title_ar == "البحث عن عمل"


def test_admin_shows_a_slot_outside_its_event_as_a_field_error(admin_client):
    event = EventFactory()
    response = admin_client.post(
        "/admin/fachtag/timeslot/add/",
        {
            "event": event.pk,
            "kind": "parallel",
            "starts_at_0": "01.01.2000",
            "starts_at_1": "10:00",
            "ends_at_0": "01.01.2000",
            "ends_at_1": "11:00",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["starts_at"]


def test_registrations_and_outbox_can_be_looked_up_but_not_edited_in_the_admin(admin_client):
    from registrations.models import Registration
    from tests.registrations.helpers import sign_up

    registration = sign_up(EventFactory())
    assert admin_client.get("/admin/registrations/registration/").status_code == 200
    detail = admin_client.get(f"/admin/registrations/registration/{registration.pk}/change/")
    assert detail.status_code == 200
    assert registration.name in detail.content.decode()
    assert admin_client.get("/admin/registrations/registration/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/registrations/registration/{registration.pk}/change/", {}).status_code
        == 403
    )
    assert Registration.objects.get().status == registration.status
    assert admin_client.get("/admin/notifications/outboxmessage/").status_code == 200


def test_organisers_set_the_waiting_list_confirmation_and_reminder_rules_in_the_event_form(admin_client):
    from tests.factories import EventFactory

    event = EventFactory()
    content = admin_client.get(f"/admin/fachtag/event/{event.pk}/change/").content.decode()
    for field in ("waitlist_mode", "offer_hours", "requires_email_confirmation", "email_confirmation_hours"):
        assert f'name="{field}"' in content, field
    assert 'name="reminder_days"' in content
