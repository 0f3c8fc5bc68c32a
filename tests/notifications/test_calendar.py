"""Calendar invites: parsable, stable, updating, in her language, and without secrets."""

import email
from datetime import UTC, datetime
from email import policy

import pytest
from django.utils import timezone
from icalendar import Calendar

from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations import services
from registrations.tokens import make_token
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db


def sent(kind: str, registration):
    stored = OutboxMessage.objects.filter(kind=kind, to=registration.email).latest("pk")
    message = render(stored.kind, language=stored.language, to=stored.to, context=stored.context).as_email()
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def calendar_parts(parsed):
    return [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]


def invite(parsed) -> Calendar:
    main = next(p for p in calendar_parts(parsed) if p.get_content_disposition() is None)
    return Calendar.from_ical(main.get_payload(decode=True))


@pytest.fixture
def event():
    # The Sunday the clocks go forward: the times must still be right.
    event = EventFactory(
        title_de="Fachtag Arbeit",
        title_ar="يوم العمل، القاعة ٣; الطابق 2",
        starts_at=berlin(2099, 3, 29, 9, 0),
        ends_at=berlin(2099, 3, 29, 17, 0),
    )
    return event


@pytest.fixture
def slot(event):
    return TimeSlotFactory(
        event=event, starts_at=berlin(2099, 3, 29, 10, 0), ends_at=berlin(2099, 3, 29, 11, 30)
    )


def test_confirmation_carries_a_request_for_the_day_and_each_workshop(event, slot):
    workshop = WorkshopFactory(slot=slot, title_ar="ورشة عمل، المبنى ٣", room="Raum 201")
    registration = sign_up(event, workshop, language="ar", name="أمل حداد")
    parsed = sent("registration_confirmed", registration)
    calendar = invite(parsed)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    day, ws = events
    assert str(day["UID"]).startswith(f"fachtag-{registration.uuid.hex}-day@")
    assert str(ws["UID"]) == f"fachtag-{registration.uuid.hex}-slot{slot.pk}@127.0.0.1"
    assert day["SUMMARY"] == "يوم العمل، القاعة ٣; الطابق 2"
    assert ws["SUMMARY"] == "ورشة عمل، المبنى ٣"
    assert "Raum 201" in ws["LOCATION"]
    assert ws["DTSTART"].dt.astimezone(UTC) == datetime(2099, 3, 29, 8, 0, tzinfo=UTC)
    assert day["DTSTART"].dt.astimezone(UTC) == datetime(2099, 3, 29, 7, 0, tzinfo=UTC)
    assert day["DTEND"].dt > day["DTSTART"].dt
    assert str(day["DTSTAMP"].to_ical()).endswith("Z'")
    assert int(day["SEQUENCE"]) == 0
    assert str(day["ORGANIZER"]) == "mailto:migration@example.org"
    assert str(day["ATTENDEE"]) == f"mailto:{registration.email}"
    assert day["ATTENDEE"].params["RSVP"] == "FALSE"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_the_invite_travels_as_calendar_part_and_ascii_named_attachment(event, slot):
    registration = sign_up(event, WorkshopFactory(slot=slot), language="uk")
    parsed = sent("registration_confirmed", registration)
    alternative = next(p for p in parsed.walk() if p.get_content_type() == "multipart/alternative")
    kinds = [part.get_content_type() for part in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    main = list(alternative.iter_parts())[2]
    assert main.get_param("method") == "REQUEST"
    attachment = next(p for p in calendar_parts(parsed) if p.get_content_disposition() == "attachment")
    assert attachment.get_filename() == "invite.ics"


def test_a_change_updates_the_same_uids_with_a_higher_sequence_and_cancel_removes_them(event, slot):
    first, second = WorkshopFactory(slot=slot), WorkshopFactory(slot=slot, title_de="Neuer Workshop")
    registration = sign_up(event, first)
    uids = {str(e["UID"]) for e in invite(sent("registration_confirmed", registration)).walk("VEVENT")}

    services.change_workshop(
        registration_id=registration.pk,
        slot_id=slot.pk,
        workshop_id=second.pk,
        waitlist_ok=False,
        now=timezone.now(),
    )
    changed = invite(sent("booking_changed", registration))
    assert {str(e["UID"]) for e in changed.walk("VEVENT")} == uids
    assert {int(e["SEQUENCE"]) for e in changed.walk("VEVENT")} == {1}
    assert "Neuer Workshop" in [str(e["SUMMARY"]) for e in changed.walk("VEVENT")]

    services.cancel(registration_id=registration.pk, now=timezone.now())
    cancelled = invite(sent("registration_cancelled", registration))
    assert cancelled["METHOD"] == "CANCEL"
    assert {str(e["UID"]) for e in cancelled.walk("VEVENT")} == uids
    assert {int(e["SEQUENCE"]) for e in cancelled.walk("VEVENT")} == {2}
    assert {str(e["STATUS"]) for e in cancelled.walk("VEVENT")} == {"CANCELLED"}


def test_giving_up_a_workshop_cancels_only_its_entry(event, slot):
    registration = sign_up(event, WorkshopFactory(slot=slot))
    services.change_workshop(
        registration_id=registration.pk,
        slot_id=slot.pk,
        workshop_id=None,
        waitlist_ok=False,
        now=timezone.now(),
    )
    parsed = sent("booking_changed", registration)
    request = invite(parsed)
    assert [str(e["UID"]).split("-")[-1].split("@")[0] for e in request.walk("VEVENT")] == ["day"]
    cancel_file = next(p for p in calendar_parts(parsed) if p.get_filename() == "cancel.ics")
    cancel = Calendar.from_ical(cancel_file.get_payload(decode=True))
    assert cancel["METHOD"] == "CANCEL"
    assert [str(e["UID"]) for e in cancel.walk("VEVENT")] == [
        f"fachtag-{registration.uuid.hex}-slot{slot.pk}@127.0.0.1"
    ]


def test_waitlisted_people_get_no_invite(event):
    event.capacity = 1
    event.save()
    sign_up(event)
    waiting = sign_up(event)
    assert calendar_parts(sent("registration_waitlisted", waiting)) == []


def test_invites_hold_no_personal_link_and_no_sensitive_answers(event, slot):
    registration = sign_up(
        event,
        WorkshopFactory(slot=slot),
        accessibility_needs="Rollstuhl, Gebärdensprache",
        accessibility_consent=True,
        childcare_notes="Allergie gegen Nüsse",
    )
    raw = b"".join(
        p.get_payload(decode=True) for p in calendar_parts(sent("registration_confirmed", registration))
    )
    text = raw.decode()
    assert make_token(registration).split(":")[0] not in text  # her signed id, whatever second it was signed
    assert "/r/" not in text
    assert "Rollstuhl" not in text and "Allergie" not in text


def test_ics_lines_are_folded_at_75_octets_escaped_and_crlf(event, slot):
    long_title = ("Семінар; кімната 3, поверх 2 — ورشة عمل، المبنى ٣ 🎓 " * 4)[:200]
    registration = sign_up(event, WorkshopFactory(slot=slot, title_de=long_title), language="de")
    part = invite(sent("registration_confirmed", registration)).to_ical()
    for line in part.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no code point split across a fold
    assert b"\n" not in part.replace(b"\r\n", b"")
    assert b"\\;" in part and b"\\," in part
    parsed = Calendar.from_ical(part)
    assert long_title.strip() in [str(e["SUMMARY"]).strip() for e in parsed.walk("VEVENT")]


def test_manage_page_offers_the_same_entries_as_a_plain_ics(client, event, slot):
    registration = sign_up(event, WorkshopFactory(slot=slot))
    response = client.get(f"/de/r/{make_token(registration)}/fachtag.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert "METHOD" not in calendar
    assert len(calendar.walk("VEVENT")) == 2
    assert all("ORGANIZER" not in e for e in calendar.walk("VEVENT"))
