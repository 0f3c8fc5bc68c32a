import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from notifications.models import OutboxMessage
from registrations import services
from registrations.models import Booking, Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

# The organisers' changes produce invites: each is stored in the CalDAV server after the test, too.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("invites_stored_in_caldav")]


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
        assert context["calendar"]["method"] == "REQUEST" and context["calendar"]["entry"]["sequence"] == 1
    assert "workshop_changed" not in kinds_for(waiting)


def test_a_cancelled_workshop_ends_its_bookings_and_cancels_the_calendar_entry(setup):
    event, slot, workshop, seated, waiting = setup
    assert services.cancel_workshop(workshop_id=workshop.pk, now=timezone.now()) == 2
    assert not Booking.objects.filter(workshop=workshop, status__in=Booking.ACTIVE).exists()
    assert reload(workshop).seats_taken == 0 and workshop.is_cancelled
    for person in seated:
        assert reload(person).status == Registration.Status.CONFIRMED  # the event place stays
        invite = OutboxMessage.objects.get(to=person.email, kind="workshop_cancelled").context["calendar"]
        # Her day stays in her calendar, without the workshop.
        assert invite["method"] == "REQUEST" and invite["entry"]["uid"].endswith("-day@127.0.0.1")
        assert workshop.title_de not in invite["entry"]["description"]


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


class _FormValues(HTMLParser):
    """What a browser would send for the page's main form: inputs, checked boxes, selected options, text."""

    def __init__(self):
        super().__init__()
        self.values, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio"):
                self.values.append((name, attrs.get("value") or ""))
            elif "checked" in attrs:
                self.values.append((name, attrs.get("value") or "on"))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.append((self._select, attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.values.append(tuple(self._textarea))
            self._textarea = None


def admin_form(client, url) -> dict:
    parser = _FormValues()
    parser.feed(client.get(url).content.decode())
    data = {}
    for name, value in parser.values:
        data.setdefault(name, value.lstrip("\n"))
    return data


def test_moving_a_time_slot_on_the_events_admin_page_tells_the_people_booked(client, setup):
    event, slot, workshop, seated, waiting = setup
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(admin)
    url = f"/admin/fachtag/event/{event.pk}/change/"
    data = admin_form(client, url)
    prefix = next(
        key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == str(slot.pk)
    )
    later = timezone.localtime(slot.starts_at + timedelta(hours=2))
    data[f"{prefix}-starts_at_1"] = later.strftime("%H:%M")
    data[f"{prefix}-ends_at_1"] = (later + timedelta(hours=1)).strftime("%H:%M")

    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.{0,200})", response.content.decode())
    assert timezone.localtime(reload(slot).starts_at).strftime("%H:%M") == later.strftime("%H:%M")
    for person in seated:
        message = OutboxMessage.objects.get(to=person.email, kind="workshop_changed")
        assert message.context["bookings"][0]["time"].startswith(later.strftime("%H:%M"))
    assert "workshop_changed" not in kinds_for(waiting)

    OutboxMessage.objects.all().delete()
    assert client.post(url, admin_form(client, url)).status_code == 302  # saved unchanged: nobody is told
    assert not OutboxMessage.objects.exists()


def workshop_form(workshop, **changes) -> dict:
    return {
        "slot": workshop.slot_id,
        "position": 0,
        "title_de": workshop.title_de,
        "room": workshop.room,
        "capacity": workshop.capacity,
        "status": "scheduled",
        **changes,
    }


def test_moving_a_workshop_to_another_slot_in_the_admin_moves_its_bookings_and_invites(client, setup):
    event, slot, workshop, seated, waiting = setup
    later = TimeSlotFactory(event=event, starts_at=slot.starts_at + timedelta(hours=3))
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(admin)
    response = client.post(
        f"/admin/fachtag/workshop/{workshop.pk}/change/", workshop_form(workshop, slot=later.pk)
    )
    assert response.status_code == 302
    assert reload(workshop).slot_id == later.pk
    assert set(Booking.objects.filter(workshop=workshop).values_list("slot_id", flat=True)) == {later.pk}
    start = timezone.localtime(later.starts_at).strftime("%H:%M")
    for person in seated:
        (message,) = OutboxMessage.objects.filter(to=person.email, kind="workshop_changed")
        assert message.context["bookings"][0]["time"].startswith(start)
        assert f"{start}–" in message.context["calendar"]["entry"]["description"]
    assert "workshop_changed" not in kinds_for(waiting)


def a_later_slot_where_one_of_them_is_booked(event, slot, seated):
    """A later time slot in which one of the people seated already has a workshop."""
    later = TimeSlotFactory(event=event, starts_at=slot.starts_at + timedelta(hours=3))
    services.change_workshop(
        registration_id=seated[0].pk,
        slot_id=later.pk,
        workshop_id=WorkshopFactory(slot=later).pk,
        waitlist_ok=False,
        now=timezone.now(),
    )
    return later


def test_a_move_that_would_give_someone_two_workshops_at_once_is_refused_next_to_the_field(client, setup):
    event, slot, workshop, seated, _waiting = setup
    later = a_later_slot_where_one_of_them_is_booked(event, slot, seated)
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(admin)
    response = client.post(
        f"/admin/fachtag/workshop/{workshop.pk}/change/", workshop_form(workshop, slot=later.pk)
    )
    assert response.status_code == 200
    errors = re.findall(
        r'<ul class="errorlist"[^>]*id="id_slot_error"[^>]*>(.*?)</ul>', response.content.decode()
    )
    assert "1 in diesem Workshop gebuchte Person hat im neuen Zeitfenster schon einen Workshop." in errors[0]
    assert reload(workshop).slot_id == slot.pk
    assert set(Booking.objects.filter(workshop=workshop).values_list("slot_id", flat=True)) == {slot.pk}


def test_a_move_refused_only_at_saving_keeps_the_workshop_in_place_and_says_why(client, setup, monkeypatch):
    """Someone booked into the new slot between the form's check and the save: no 500, a clear message."""
    event, slot, workshop, seated, _waiting = setup
    later = a_later_slot_where_one_of_them_is_booked(event, slot, seated)
    monkeypatch.setattr(services, "move_refusal", lambda **kwargs: None)  # the form's check saw no clash
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(admin)
    response = client.post(
        f"/admin/fachtag/workshop/{workshop.pk}/change/",
        workshop_form(workshop, slot=later.pk, room="Raum 9"),
        follow=True,
    )
    assert response.status_code == 200
    assert "schon einen Workshop" in response.content.decode()
    assert (reload(workshop).slot_id, reload(workshop).room) == (slot.pk, "Raum 9")
    assert set(Booking.objects.filter(workshop=workshop).values_list("slot_id", flat=True)) == {slot.pk}
    start = timezone.localtime(slot.starts_at).strftime("%H:%M")  # the room change is told, at the old time
    (message,) = OutboxMessage.objects.filter(to=seated[1].email, kind="workshop_changed")
    assert message.context["bookings"][0]["time"].startswith(start)


def settle_deferred_checks():
    """Run the checks deferred to commit now, as if the test's data had been committed before: the test's
    transaction never commits, and a slot's insert would otherwise be checked with its first times."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_changing_the_events_date_in_the_admin_sends_each_confirmed_person_one_updated_invite(client, setup):
    event, slot, _workshop, seated, waiting = setup
    settle_deferred_checks()
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(admin)
    url = f"/admin/fachtag/event/{event.pk}/change/"
    data = admin_form(client, url)
    prefix = next(
        key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == str(slot.pk)
    )
    week_later = {
        name: (timezone.localtime(value) + timedelta(days=7)).strftime("%d.%m.%Y")
        for name, value in (
            ("starts_at_0", event.starts_at),
            ("ends_at_0", event.ends_at),
            (f"{prefix}-starts_at_0", slot.starts_at),
            (f"{prefix}-ends_at_0", slot.ends_at),
        )
    }
    data.update(week_later)
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.{0,200})", response.content.decode())
    start = timezone.localtime(reload(slot).starts_at).strftime("%H:%M")
    for person in [*seated, waiting]:  # `waiting` has her place at the event, on a workshop's waiting list
        assert kinds_for(person) == ["registration_confirmed", "event_changed"]  # one message, not two
        entry = OutboxMessage.objects.get(to=person.email, kind="event_changed").context["calendar"]["entry"]
        assert entry["start"] == reload(event).starts_at.isoformat() and entry["sequence"] == 1
        assert (f"{start}–" in entry["description"]) == (person in seated)


def test_a_new_venue_for_a_training_series_updates_each_session_in_every_mediators_calendar(client):
    from mediators import services as mediator_services
    from mediators.models import MediatorProfile

    series = EventFactory(kind="training", title_de="Fortbildungsreihe")
    sessions = [
        WorkshopFactory(slot=TimeSlotFactory(event=series, starts_at=series.starts_at + timedelta(hours=h)))
        for h in (1, 3)
    ]
    user = get_user_model().objects.create_user(email="samira@example.org", password="a-long-password-1")
    MediatorProfile.objects.create(user=user, language="fa")
    mediator_services.enrol(event_id=series.pk)
    settle_deferred_checks()
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(admin)
    url = f"/admin/fachtag/event/{series.pk}/change/"
    data = admin_form(client, url)
    data["venue_name"] = "Volkshochschule"
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.{0,200})", response.content.decode())
    changed = OutboxMessage.objects.filter(to=user.email, kind="training_session_changed")
    assert changed.count() == len(sessions)
    for message in changed:
        assert message.language == "fa"
        assert message.context["calendar"]["entry"]["location"].endswith(
            "Volkshochschule, Martin-Luther-Ring 4–6, 04109 Leipzig"
        )
        assert message.context["calendar"]["entry"]["sequence"] == 1
