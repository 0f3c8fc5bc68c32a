from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from notifications.models import OutboxMessage
from registrations import services
from registrations.models import Booking, Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    event = EventFactory(capacity=20)
    slot = TimeSlotFactory(event=event)
    workshop = WorkshopFactory(slot=slot, capacity=2, room="Raum 1")
    seated = [sign_up(event, workshop), sign_up(event, workshop)]
    waiting = sign_up(event, workshop)
    return event, slot, workshop, seated, waiting


def kinds_for(registration):
    return list(OutboxMessage.objects.filter(to=registration.email).values_list("kind", flat=True))


def test_a_changed_workshop_is_announced_to_everyone_seated_with_a_new_invite(setup):
    _event, _slot, workshop, seated, waiting = setup
    assert services.workshop_changed(workshop_id=workshop.pk) == 2
    for person in seated:
        assert kinds_for(person)[-1] == "workshop_changed"
        context = OutboxMessage.objects.filter(to=person.email, kind="workshop_changed").get().context
        assert {e["sequence"] for e in context["calendar"]["request"]} == {1}
    assert "workshop_changed" not in kinds_for(waiting)


def test_a_cancelled_workshop_ends_its_bookings_and_cancels_the_calendar_entry(setup):
    event, slot, workshop, seated, waiting = setup
    assert services.cancel_workshop(workshop_id=workshop.pk, now=timezone.now()) == 2
    assert not Booking.objects.filter(workshop=workshop, status__in=Booking.ACTIVE).exists()
    assert reload(workshop).seats_taken == 0 and workshop.is_cancelled
    for person in seated:
        assert reload(person).status == Registration.Status.CONFIRMED  # the event place stays
        message = OutboxMessage.objects.get(to=person.email, kind="workshop_cancelled")
        assert [e["uid"].split("-")[-1] for e in message.context["calendar"]["cancel"]] == [
            f"slot{slot.pk}@127.0.0.1"
        ]


def test_organisers_changing_a_room_in_the_admin_tells_the_people_booked(client, setup):
    _event, _slot, workshop, seated, _waiting = setup
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(admin)
    data = {
        "slot": workshop.slot_id,
        "position": 0,
        "title_de": workshop.title_de,
        "room": "Raum 2",
        "capacity": 2,
        "status": "scheduled",
    }
    assert client.post(f"/admin/fachtag/workshop/{workshop.pk}/change/", data).status_code == 302
    assert all("workshop_changed" in kinds_for(person) for person in seated)
    data["status"] = "cancelled"
    client.post(f"/admin/fachtag/workshop/{workshop.pk}/change/", data)
    assert all("workshop_cancelled" in kinds_for(person) for person in seated)


def test_moving_a_time_slot_in_the_admin_tells_the_people_booked(client, setup):
    event, slot, _workshop, seated, _waiting = setup
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(admin)
    later = slot.starts_at + timedelta(hours=1)
    from django.utils.timezone import localtime

    start, end = localtime(later), localtime(later + timedelta(hours=1))
    data = {
        "event": event.pk,
        "kind": "parallel",
        "starts_at_0": start.strftime("%d.%m.%Y"),
        "starts_at_1": start.strftime("%H:%M"),
        "ends_at_0": end.strftime("%d.%m.%Y"),
        "ends_at_1": end.strftime("%H:%M"),
        "workshops-TOTAL_FORMS": 0,
        "workshops-INITIAL_FORMS": 0,
    }
    response = client.post(f"/admin/fachtag/timeslot/{slot.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert all("workshop_changed" in kinds_for(person) for person in seated)
