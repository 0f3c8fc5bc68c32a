"""Her calendar as a strict client keeps it from her mails, compared with her bookings after each step.

The client (tests/calendar_support.py) applies each mail as Outlook and Gmail do: the body's text/calendar
part only, one UID, a higher SEQUENCE wins, CANCEL removes. Every invite is also read by icalendar and
vobject, and stored in the CalDAV server after the test (tests/notifications/conftest.py).
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from fachtag.models import Event, TimeSlot, Workshop
from mediators import services as mediator_services
from mediators.calendar import session_uid
from mediators.models import MediatorProfile, SessionRecord
from registrations import services
from registrations.calendar import day_uid
from registrations.models import Booking, Registration
from tests.calendar_support import CalDAV, StrictClient, mails_to
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db

WORKSHOP_LINE = re.compile(r"^\d\d:\d\d–\d\d:\d\d ")


class Her:
    """One participant: her mails applied in order to her strict client, step by step."""

    def __init__(self, registration: Registration):
        self.registration, self.client, self.seen = registration, StrictClient(), 0

    def read_new_mail(self) -> None:
        for pk, mail in mails_to(self.registration.email, after=self.seen):
            self.client.apply(mail)
            self.seen = pk

    def matches_the_database(self) -> None:
        """Her calendar holds the day exactly while she has a confirmed place, at the event's times, with
        exactly the workshops she is seated in, at their slots' times, in her language."""
        self.read_new_mail()
        registration = reload(self.registration)
        if registration.status != Registration.Status.CONFIRMED:
            assert self.client.entries == {}
            return
        assert list(self.client.entries) == [day_uid(registration)]
        day = self.client.entries[day_uid(registration)]
        event = registration.event
        assert day["DTSTART"].dt == event.starts_at and day["DTEND"].dt == event.ends_at
        seats = Booking.objects.filter(registration=registration, status=Booking.Status.CONFIRMED)
        with translation.override(registration.language):
            assert str(day["SUMMARY"]) == event.title
            expected = sorted(
                f"{timezone.localtime(b.slot.starts_at):%H:%M}–{timezone.localtime(b.slot.ends_at):%H:%M} "
                f"{b.workshop.title}, {b.workshop.room}"
                for b in seats.select_related("slot", "workshop")
            )
        shown = sorted(line for line in str(day["DESCRIPTION"]).splitlines() if WORKSHOP_LINE.match(line))
        assert shown == expected
        assert all(b.slot_id == b.workshop.slot_id for b in registration.bookings.select_related("workshop"))


def settle_deferred_checks() -> None:
    """Run the checks PostgreSQL defers to commit now (the test's transaction never commits): the data so
    far is checked as if committed, and moving an event with its slots is checked at the end as in a save."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def programme(event: Event) -> dict:
    slots = {
        name: TimeSlotFactory(
            event=event, starts_at=berlin(2099, 5, 7, hour), ends_at=berlin(2099, 5, 7, hour, 45)
        )
        for name, hour in (("A", 10), ("B", 12), ("C", 14))
    }
    workshops = {
        name: WorkshopFactory(
            slot=slots[name[0]], title_de=f"Workshop {name}", title_ar=f"ورشة {name}", room=f"R{name}"
        )
        for name in ("A1", "A2", "B1", "C1")
    }
    return {**slots, **workshops}


@pytest.fixture
def event():
    return EventFactory(
        title_de="Fachtag Arbeit",
        title_ar="يوم العمل",
        starts_at=berlin(2099, 5, 7, 9, 0),
        ends_at=berlin(2099, 5, 7, 17, 0),
    )


@pytest.mark.parametrize("language", ["de", "ar"])
def test_her_calendar_follows_every_change_of_her_bookings(event, language):
    p = programme(event)
    now = timezone.now()
    her = Her(sign_up(event, p["A1"], p["B1"], language=language))
    her.matches_the_database()  # signed up with two workshops

    services.change_workshop(
        registration_id=her.registration.pk,
        slot_id=p["A"].pk,
        workshop_id=p["A2"].pk,
        waitlist_ok=False,
        now=now,
    )
    her.matches_the_database()  # changed one

    services.move_workshop(workshop_id=p["B1"].pk, slot_id=p["C"].pk)
    services.workshop_changed(workshop_id=p["B1"].pk)
    her.matches_the_database()  # the organisers moved a workshop to another slot
    assert "14:00–14:45" in str(her.client.entries[day_uid(her.registration)]["DESCRIPTION"])

    services.cancel_workshop(workshop_id=p["A2"].pk, now=now)
    her.matches_the_database()  # the organisers cancelled one

    services.change_workshop(
        registration_id=her.registration.pk,
        slot_id=p["A"].pk,
        workshop_id=p["A1"].pk,
        waitlist_ok=False,
        now=now,
    )
    services.change_workshop(
        registration_id=her.registration.pk, slot_id=p["C"].pk, workshop_id=None, waitlist_ok=False, now=now
    )
    her.matches_the_database()  # booked one again, dropped another

    settle_deferred_checks()
    week = timedelta(days=7)
    Event.objects.filter(pk=event.pk).update(starts_at=event.starts_at + week, ends_at=event.ends_at + week)
    for slot in TimeSlot.objects.filter(event=event):
        TimeSlot.objects.filter(pk=slot.pk).update(
            starts_at=slot.starts_at + week, ends_at=slot.ends_at + week
        )
    services.event_changed(event_id=event.pk)
    her.matches_the_database()  # the event moved a week (an admin save does this, see test_programme_changes)
    assert her.client.entries[day_uid(her.registration)]["DTSTART"].dt.day == 14

    services.cancel(registration_id=her.registration.pk, now=now)
    her.matches_the_database()  # cancelled everything: the entry is gone
    assert her.client.entries == {}


@pytest.mark.parametrize("language", ["de", "ar"])
def test_her_calendar_gets_the_day_when_she_accepts_a_waiting_list_offer(event, language):
    p = programme(event)
    Event.objects.filter(pk=event.pk).update(capacity=1)
    first = sign_up(reload(event), p["A1"], language="de")
    her = Her(sign_up(reload(event), p["A1"], p["B1"], language=language))
    assert her.registration.status == Registration.Status.WAITLISTED
    her.matches_the_database()  # waiting: nothing in her calendar

    services.cancel(registration_id=first.pk, now=timezone.now())
    assert reload(her.registration).status == Registration.Status.OFFERED
    her.matches_the_database()
    services.accept_offer(registration_id=her.registration.pk, now=timezone.now())
    her.matches_the_database()  # accepted: the day with both workshops
    assert len(her.client.entries) == 1


@pytest.mark.parametrize("language", ["de", "ar"])
def test_a_mediators_calendar_holds_each_session_and_follows_a_move_and_a_cancellation(language):
    from django.contrib.auth import get_user_model

    series = EventFactory(
        kind=Event.Kind.TRAINING,
        title_de="Fortbildungsreihe",
        title_ar="سلسلة التدريب",
        starts_at=berlin(2099, 2, 1, 9, 0),
        ends_at=berlin(2099, 4, 30, 20, 0),
    )
    for month in (2, 3, 4):
        slot = TimeSlotFactory(
            event=series, starts_at=berlin(2099, month, 3, 16), ends_at=berlin(2099, month, 3, 19)
        )
        WorkshopFactory(slot=slot, title_de=f"Thema {month}", title_ar=f"موضوع {month}")
    user = get_user_model().objects.create_user(email="samira@example.org", password="a-long-password-1")
    profile = MediatorProfile.objects.create(user=user, language=language)
    client, seen = StrictClient(), 0

    def matches_the_database():
        nonlocal seen
        for pk, mail in mails_to(user.email, after=seen):
            client.apply(mail)
            seen = pk
        records = SessionRecord.objects.filter(enrolment__mediator=profile, session__status="scheduled")
        expected = {session_uid(r): r.session.slot.starts_at for r in records.select_related("session__slot")}
        assert {uid: event["DTSTART"].dt for uid, event in client.entries.items()} == expected

    mediator_services.enrol(event_id=series.pk)
    matches_the_database()
    assert len(client.entries) == 3

    sessions = list(Workshop.objects.filter(slot__event=series).order_by("slot__starts_at"))
    moved = sessions[0].slot
    TimeSlot.objects.filter(pk=moved.pk).update(
        starts_at=moved.starts_at + timedelta(hours=1), ends_at=moved.ends_at + timedelta(hours=1)
    )
    mediator_services.session_changed(session_id=sessions[0].pk)
    matches_the_database()

    Workshop.objects.filter(pk=sessions[1].pk).update(status=Workshop.Status.CANCELLED)
    mediator_services.session_changed(session_id=sessions[1].pk)
    matches_the_database()
    assert len(client.entries) == 2


def test_the_caldav_server_refuses_an_object_with_two_uids_and_keeps_what_it_accepted(caldav: CalDAV, event):
    """The check the stored invites pass is a real one."""
    p = programme(event)
    her = sign_up(event, p["A1"], language="ar")
    (_pk, mail), *_ = mails_to(her.email)
    from tests.calendar_support import body_invite

    _method, content = body_invite(mail)
    collection = caldav.collection()
    assert caldav.put(collection, content, day_uid(her)) == 201
    status, stored = caldav.get(collection, day_uid(her))
    assert status == 200 and day_uid(her).encode() in stored.replace(b"\r\n ", b"")
    two = content.replace(
        b"END:VCALENDAR",
        content[content.index(b"BEGIN:VEVENT") : content.index(b"END:VCALENDAR")].replace(
            day_uid(her).encode(), b"other@example.org"
        )
        + b"END:VCALENDAR",
    )
    assert caldav.put(collection, two, "two") == 400
