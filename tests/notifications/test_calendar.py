"""Calendar invites: parsable, stable, updating, in her language, and without secrets."""

import email
from datetime import UTC, datetime
from email import policy
from email.utils import parseaddr

import pytest
import vobject
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from notifications import calendar as ics
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
    # As the SMTP backend serialises it (CRLF line ends).
    return email.message_from_bytes(message.message().as_bytes(linesep="\r\n"), policy=policy.default)


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


def test_confirmation_carries_one_request_for_the_day_listing_her_workshops(event, slot):
    workshop = WorkshopFactory(slot=slot, title_ar="ورشة عمل، المبنى ٣", room="Raum 201")
    registration = sign_up(event, workshop, language="ar", name='أمل "حداد"')
    parsed = sent("registration_confirmed", registration)
    calendar = invite(parsed)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    (day,) = calendar.walk("VEVENT")  # one UID per iTIP message
    assert str(day["UID"]) == f"fachtag-{registration.uuid.hex}-day@127.0.0.1"
    assert day["SUMMARY"] == "يوم العمل، القاعة ٣; الطابق 2"
    assert day["SUMMARY"].params["LANGUAGE"] == "ar"  # the title and the workshop's exist in Arabic
    assert "10:00–11:30 ورشة عمل، المبنى ٣, Raum 201" in str(day["DESCRIPTION"]).splitlines()
    assert day["DTSTART"].dt.astimezone(UTC) == datetime(2099, 3, 29, 7, 0, tzinfo=UTC)
    assert day["DTEND"].dt > day["DTSTART"].dt
    assert str(day["DTSTAMP"].to_ical()).endswith("Z'")
    assert int(day["SEQUENCE"]) == 0
    assert str(day["ORGANIZER"]) == "mailto:migration@example.org"
    assert day["ORGANIZER"].params["SENT-BY"] == "mailto:fachtag@example.org"  # the From address
    assert parseaddr(parsed["From"])[1] == "fachtag@example.org"
    assert str(day["ATTENDEE"]) == f"mailto:{registration.email}"
    assert day["ATTENDEE"].params["RSVP"] == "FALSE"
    assert day["ATTENDEE"].params["CN"] == "أمل 'حداد'"  # no RFC 6868 ^' that readers show as it is
    assert b"^'" not in calendar.to_ical()
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_a_title_that_fell_back_to_german_is_not_labelled_arabic(event, slot):
    registration = sign_up(
        event, WorkshopFactory(slot=slot), language="ar"
    )  # the workshop has no Arabic title
    (day,) = invite(sent("registration_confirmed", registration)).walk("VEVENT")
    assert "LANGUAGE" not in day["SUMMARY"].params and "LANGUAGE" not in day["DESCRIPTION"].params
    german = sign_up(event, WorkshopFactory(slot=slot), language="de-simple")
    (day,) = invite(sent("registration_confirmed", german)).walk("VEVENT")
    assert day["SUMMARY"].params["LANGUAGE"] == "de"


def test_the_invite_travels_as_the_body_calendar_part_and_an_application_ics_file(event, slot):
    registration = sign_up(event, WorkshopFactory(slot=slot), language="uk")
    parsed = sent("registration_confirmed", registration)
    alternative = next(p for p in parsed.walk() if p.get_content_type() == "multipart/alternative")
    kinds = [part.get_content_type() for part in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    main = list(alternative.iter_parts())[2]
    assert main.get_param("method") == "REQUEST"
    assert main["Content-Transfer-Encoding"] in ("quoted-printable", "base64")  # RFC 6047 §2.5, not 8bit
    attachment = next(p for p in parsed.walk() if p.get_content_disposition() == "attachment")
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == main.get_payload(decode=True)


def test_a_change_updates_the_same_uid_with_a_higher_sequence_and_cancel_removes_it(event, slot):
    first, second = WorkshopFactory(slot=slot), WorkshopFactory(slot=slot, title_de="Neuer Workshop")
    registration = sign_up(event, first, language="de")
    (day,) = invite(sent("registration_confirmed", registration)).walk("VEVENT")

    services.change_workshop(
        registration_id=registration.pk,
        slot_id=slot.pk,
        workshop_id=second.pk,
        waitlist_ok=False,
        now=timezone.now(),
    )
    (changed,) = invite(sent("booking_changed", registration)).walk("VEVENT")
    assert str(changed["UID"]) == str(day["UID"]) and int(changed["SEQUENCE"]) == 1
    assert "Neuer Workshop" in str(changed["DESCRIPTION"]) and first.title_de not in str(
        changed["DESCRIPTION"]
    )

    services.cancel(registration_id=registration.pk, now=timezone.now())
    parsed = sent("registration_cancelled", registration)
    cancelled = invite(parsed)
    assert cancelled["METHOD"] == "CANCEL"
    (entry,) = cancelled.walk("VEVENT")
    assert str(entry["UID"]) == str(day["UID"]) and int(entry["SEQUENCE"]) == 2
    assert str(entry["STATUS"]) == "CANCELLED"
    attachment = next(p for p in parsed.walk() if p.get_content_disposition() == "attachment")
    assert attachment.get_filename() == "cancel.ics"


def test_giving_up_a_workshop_updates_the_day_without_it(event, slot):
    workshop = WorkshopFactory(slot=slot, title_de="Bewerbungstraining")
    registration = sign_up(event, workshop)
    services.change_workshop(
        registration_id=registration.pk,
        slot_id=slot.pk,
        workshop_id=None,
        waitlist_ok=False,
        now=timezone.now(),
    )
    parsed = sent("booking_changed", registration)
    request = invite(parsed)
    assert request["METHOD"] == "REQUEST"
    (day,) = request.walk("VEVENT")
    assert "Bewerbungstraining" not in str(day["DESCRIPTION"])
    assert len(calendar_parts(parsed)) == 1  # no second, cancelling calendar anywhere


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
    parsed = sent("registration_confirmed", registration)
    raw = b"".join(
        p.get_payload(decode=True)
        for p in parsed.walk()
        if p.get_content_type() in ("text/calendar", "application/ics")
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
    (day,) = parsed.walk("VEVENT")
    assert long_title.strip() in str(day["DESCRIPTION"])


def test_manage_page_offers_the_same_entries_as_a_plain_ics(client, event, slot):
    registration = sign_up(event, WorkshopFactory(slot=slot))
    response = client.get(f"/de/r/{make_token(registration)}/fachtag.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert "METHOD" not in calendar
    (day,) = calendar.walk("VEVENT")
    assert "ORGANIZER" not in day
    assert client.get(f"/de/r/{make_token(registration)}/fachtag.ics").content == response.content


PIECES = [*',;\\:\n"^ ', "ورشة عمل، المبنى ٣", "Семінар; кімната 3", "کارگاه", "🎓", "e\u0301"]
TEXT = (
    st.lists(
        st.one_of(
            st.sampled_from(PIECES), st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=40)
        ),
        min_size=1,
        max_size=40,
    )
    .map("".join)
    .filter(lambda text: text.strip())
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(summary=TEXT, description=TEXT, location=TEXT, name=TEXT)
def test_any_text_survives_an_invite_in_both_parsers_folded_at_75_octets(
    summary, description, location, name
):
    entry = {
        "uid": "fachtag-x-day@127.0.0.1",
        "sequence": 3,
        "start": "2099-03-28T09:00:00+02:00",
        "end": "2099-03-28T17:00:00+02:00",
        "summary": summary,
        "description": description,
        "location": location,
    }
    content = ics.invite(entry, method="REQUEST", attendee=("amal@example.org", name))
    lines = content.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line and b"\r" not in line for line in lines)
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # no code point split across a fold
    calendar = Calendar.from_ical(content)
    assert calendar.to_ical() == content  # stable serialisation
    (event,) = calendar.walk("VEVENT")
    assert (str(event["SUMMARY"]), str(event["DESCRIPTION"]), str(event["LOCATION"])) == (
        summary,
        description,
        location,
    )
    assert not set('"^\\') & set(event["ATTENDEE"].params["CN"])  # shown as written by every reader
    other = vobject.readOne(content.decode())
    assert (
        other.vevent.summary.value == summary.replace("\r\n", "\n").replace("\r", "\n")
        or other.vevent.summary.value == summary
    )
    assert other.vevent.uid.value == "fachtag-x-day@127.0.0.1"


def test_a_message_queued_before_the_one_uid_shape_still_sends_a_single_entry(event, slot):
    """Outbox rows written by the previous release held lists of entries; they still go out, as one UID."""
    registration = sign_up(event, WorkshopFactory(slot=slot), language="de")
    stored = OutboxMessage.objects.get(kind="registration_confirmed", to=registration.email)
    entry = stored.context["calendar"]["entry"]
    stored.context["calendar"] = {
        "request": [entry, {**entry, "uid": "fachtag-old-slot1@127.0.0.1"}],
        "cancel": [],
        "attendee": [registration.email, registration.name],
    }
    stored.save()
    calendar = invite(sent("registration_confirmed", registration))
    assert calendar["METHOD"] == "REQUEST"
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [entry["uid"]]
