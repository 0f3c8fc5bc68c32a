"""Addresses typed with line breaks in the admin: lines in HTML, ", " in plain text, mails and calendars."""

import email
from email import policy

import pytest
from django.template import Context, Template
from icalendar import Calendar

from fachtag.models import Event, address_lines, one_line
from mediators import calendar as mediator_calendar
from mediators import services as mediator_services
from mediators.models import SessionRecord
from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations import calendar
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up

# What a browser's textarea sends: CRLF, here with a blank line and stray spaces as well.
TYPED = "Martin-Luther-Ring 4–6 \r\n\r\n  04109 Leipzig\r\n"


def test_an_address_typed_with_line_breaks_is_its_lines_or_one_line():
    assert address_lines(TYPED) == ["Martin-Luther-Ring 4–6", "04109 Leipzig"]
    assert one_line("Neues Rathaus", TYPED) == "Neues Rathaus, Martin-Luther-Ring 4–6, 04109 Leipzig"
    event = Event(venue_name="Neues Rathaus, Festsaal", venue_address=TYPED)
    assert event.venue_one_line() == "Neues Rathaus, Festsaal, Martin-Luther-Ring 4–6, 04109 Leipzig"
    assert event.venue_lines() == ["Neues Rathaus, Festsaal", "Martin-Luther-Ring 4–6", "04109 Leipzig"]


def test_the_template_filters_make_escaped_isolated_lines_and_one_line():
    html = Template("{% load text %}{{ address|lines }}|{{ address|one_line }}|{{ name|isolate }}").render(
        Context({"address": TYPED + "<b>x</b>", "name": "Amal & Co"})
    )
    assert html == (
        "<bdi>Martin-Luther-Ring 4–6</bdi><br><bdi>04109 Leipzig</bdi><br><bdi>&lt;b&gt;x&lt;/b&gt;</bdi>"
        "|Martin-Luther-Ring 4–6, 04109 Leipzig, &lt;b&gt;x&lt;/b&gt;|<bdi>Amal &amp; Co</bdi>"
    )


@pytest.mark.django_db
def test_her_calendar_location_mail_and_pages_never_show_a_broken_line():
    event = EventFactory(venue_name="Neues Rathaus", venue_address=TYPED)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), room="Raum 201")
    registration = sign_up(event, workshop, language="ar", name="Amal Haddad")
    location = "Neues Rathaus, Martin-Luther-Ring 4–6, 04109 Leipzig"
    assert calendar.current_entries(registration)[0]["location"] == location

    stored = OutboxMessage.objects.get(kind="registration_confirmed", to=registration.email)
    rendered = render(stored.kind, language=stored.language, to=stored.to, context=stored.context)
    assert location in rendered.text
    assert "\r" not in rendered.text
    assert (
        "<bdi>Neues Rathaus</bdi><br><bdi>Martin-Luther-Ring 4–6</bdi><br><bdi>04109 Leipzig</bdi>"
        in rendered.html
    )
    assert "<bdi>Amal Haddad</bdi>" in rendered.html
    parsed = email.message_from_bytes(rendered.as_email().message().as_bytes(), policy=policy.default)
    invite = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    locations = [
        str(entry["LOCATION"]) for entry in Calendar.from_ical(invite.get_payload(decode=True)).walk("VEVENT")
    ]
    assert locations[0] == location
    assert all("\r" not in value and ", ," not in value for value in locations)


@pytest.mark.django_db
def test_a_mediators_session_location_is_one_line():
    event = EventFactory(kind=Event.Kind.TRAINING, venue_name="Rathaus", venue_address=TYPED)
    WorkshopFactory(slot=TimeSlotFactory(event=event, kind="plenary"), room="Raum 3")
    (profile,) = mediator_services.invite(emails=["samira@example.org"], language="ar")
    mediator_services.enrol(event_id=event.pk)
    record = SessionRecord.objects.get(enrolment__mediator=profile)
    entry = mediator_calendar.session_entry(record, "ar")
    assert entry["location"] == "Raum 3, Rathaus, Martin-Luther-Ring 4–6, 04109 Leipzig"
