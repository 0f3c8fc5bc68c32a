"""Previews of every system mail: each kind in each language, rendered with sample data through the code
the outbox uses (notifications.rendering.render, registrations.services.notify.message_context, the
calendar entries of registrations.calendar and mediators.calendar).

The sample is made of unsaved model instances: nothing is read from or written to the database, nothing is
queued or sent. Attachments (her QR code, a certificate PDF) are named, not made: making them needs saved rows.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from fachtag.models import Event, TimeSlot, Workshop
from feedback import services as feedback
from mediators import calendar as mediator_calendar
from mediators import services as mediator_services
from mediators.models import Enrolment, MediatorProfile, SessionRecord
from notifications import calendar as ics
from notifications.rendering import RenderedMessage, render
from registrations import calendar as registration_calendar
from registrations.models import Booking, MessageText, Registration
from registrations.services.notify import whole_message
from registrations.services.reminders import unsubscribe_path

# Every kind of system mail, grouped as organisers think of them. A test reads the kinds from the code
# (templates/emails/<kind>.subject.txt and the kinds the services queue) and fails for one missing here.
GROUPS = [
    (_("Sign-up"), ["confirm_email", "registration_confirmed", "personal_link"]),
    (_("Waiting list"), ["registration_waitlisted"]),
    (
        _("Offers of a place"),
        ["offer_made", "offer_expired", "workshop_offer_made", "workshop_offer_expired"],
    ),
    (_("Changes"), ["booking_changed", "workshop_changed", "event_changed"]),
    (_("Reminders"), ["reminder"]),
    (_("Cancellations"), ["registration_cancelled", "workshop_cancelled"]),
    (_("Announcements"), ["announcement"]),
    (_("Feedback"), ["feedback_invitation"]),
    (
        _("Mediators"),
        [
            "mediator_invitation",
            "training_schedule",
            "training_session_invite",
            "training_session_changed",
            "training_session_cancelled",
            "training_reminder",
            "training_certificate",
            "training_feedback_invitation",
        ],
    ),
]
KINDS = [kind for _group, kinds in GROUPS for kind in kinds]
MEDIATOR_KINDS = set(GROUPS[-1][1])
ATTACHMENT_LABELS = {
    "registration-qr": _("Her QR code for the check-in (PNG)"),
    "mediator-certificate": _("Certificate of participation (PDF)"),
}
SAMPLE_NAME = "Amal Haddad"
SAMPLE_EMAIL = "amal.haddad@example.org"
BERLIN = ZoneInfo(settings.TIME_ZONE)


@dataclass
class Preview:
    kind: str
    language: str
    bidi: bool
    message: RenderedMessage
    calendar: dict | None  # method, summary, start, end, location, sequence as the .ics says them
    attachments: list  # what the mail would carry, named in the organiser's language


def _day(days_ahead: int = 60) -> datetime:
    """A day ahead of today in Berlin: sample dates always lie in the future, as in a real mail."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, tzinfo=BERLIN)


def sample_event(kind: str = Event.Kind.FACHTAG) -> Event:
    day = _day()
    if kind == Event.Kind.TRAINING:
        return Event(
            kind=kind,
            slug="sample-training",
            title="Qualifizierung Sprach- und Integrationsmittlerinnen",
            venue_name="Volkshochschule, Raum 2.14",
            venue_address="Marktplatz 3\n12345 Musterstadt",
            starts_at=day + timedelta(hours=16),
            ends_at=day + timedelta(days=120, hours=19),
            capacity=25,
            min_sessions_for_certificate=4,
        )
    return Event(
        kind=kind,
        slug="sample-fachtag",
        title="Fachtag Arbeitsmarktintegration von Migrantinnen",
        venue_name="Rathaus, Großer Saal",
        venue_address="Rathausplatz 1\n12345 Musterstadt",
        starts_at=day + timedelta(hours=9),
        ends_at=day + timedelta(hours=16),
        capacity=200,
        has_childcare=True,
        offer_hours=48,
    )


def _bookings(registration: Registration, kind: str) -> list[Booking]:
    event = registration.event
    morning = TimeSlot(
        event=event,
        starts_at=event.starts_at + timedelta(hours=2),
        ends_at=event.starts_at + timedelta(hours=3, minutes=30),
    )
    afternoon = TimeSlot(
        event=event,
        starts_at=event.starts_at + timedelta(hours=5),
        ends_at=event.starts_at + timedelta(hours=6, minutes=30),
    )
    first = Workshop(slot=morning, title="Anerkennung ausländischer Berufsabschlüsse", room="Raum 101")
    second = Workshop(slot=afternoon, title="Bewerben in Deutschland", room="Raum 204")
    second_status = Booking.Status.CONFIRMED
    if kind in ("workshop_offer_made",):
        second_status = Booking.Status.OFFERED
    elif kind == "registration_waitlisted":
        second_status = Booking.Status.WAITLISTED
    offered = timezone.now() + timedelta(hours=event.offer_hours or 48)
    return [
        Booking(
            id=1, registration=registration, workshop=first, slot=morning, status=Booking.Status.CONFIRMED
        ),
        Booking(
            id=2,
            registration=registration,
            workshop=second,
            slot=afternoon,
            status=second_status,
            offer_expires_at=offered if second_status == Booking.Status.OFFERED else None,
        ),
    ]


REGISTRATION_STATUS = {
    "confirm_email": Registration.Status.PENDING,
    "registration_waitlisted": Registration.Status.WAITLISTED,
    "offer_made": Registration.Status.OFFERED,
    "offer_expired": Registration.Status.EXPIRED,
    "registration_cancelled": Registration.Status.CANCELLED,
}


def sample_registration(kind: str, language: str) -> Registration:
    status = REGISTRATION_STATUS.get(kind, Registration.Status.CONFIRMED)
    event = sample_event()
    now = timezone.now()
    return Registration(
        uuid=uuid.UUID(int=0x5A3),
        event=event,
        status=status,
        name=SAMPLE_NAME,
        email=SAMPLE_EMAIL,
        language=language,
        interpreting_language="ar",
        accessibility_needs="(sample)",
        calendar_sequence=2,
        calendar_day_sent=True,
        offer_expires_at=now + timedelta(hours=event.offer_hours)
        if status == Registration.Status.OFFERED
        else None,
        confirm_email_by=now + timedelta(hours=24) if status == Registration.Status.PENDING else None,
    )


def takes_event_text(kind: str) -> bool:
    """Organisers can add their own words to these kinds, per event (MessageText)."""
    return kind in MessageText.Kind.values


def event_texts(event: Event) -> dict:
    """The words an event's organisers added to its messages, by kind (one query)."""
    return {text.kind: text for text in MessageText.objects.filter(event=event)}


def _registration_context(kind: str, language: str, texts: dict) -> dict:
    """What registrations.services.notify.registration_message puts in the outbox row, without the row."""
    registration = sample_registration(kind, language)
    active = _bookings(registration, kind) if registration.status in Registration.ACTIVE else []
    known = {"bookings": active, "child_ages": [3, 7], "texts": texts, "offered_booking_id": 2}
    if kind in registration_calendar.INVITE_KINDS:  # made here without saving her calendar state
        with translation.override(language), timezone.override(settings.TIME_ZONE):
            known["invite"] = registration_calendar.invite_update(registration, language, active, save=False)
    context = whole_message(registration, kind, known=known)  # what the outbox row would hold
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        if kind == "reminder":
            context["days"] = 3
            context["unsubscribe_path"] = unsubscribe_path(registration)
        if kind == "announcement":  # backoffice.announcements.queue: the organisers' own subject and body
            context = {
                "name": registration.name,
                "subject": str(_("Change of room for the plenary")),
                "body": str(_("The plenary now takes place in the Great Hall on the ground floor.")),
                "manage_path": context["manage_path"],
                "event_title": registration.event.title,
            }
    return context


def _mediator_context(kind: str, language: str) -> dict:
    """What mediators.services puts in the outbox row (through the same context builders), without the row."""
    event = sample_event(Event.Kind.TRAINING)
    profile = MediatorProfile(language=language)
    enrolment = Enrolment(id=1, event=event, mediator=profile)
    sessions = []
    for number, title in enumerate(
        ["Rollenklarheit im Dolmetschen", "Interkulturelle Kommunikation", "Datenschutz"]
    ):
        slot = TimeSlot(
            event=event,
            starts_at=event.starts_at + timedelta(days=14 * number),
            ends_at=event.starts_at + timedelta(days=14 * number, hours=3),
        )
        status = Workshop.Status.CANCELLED if number == 2 else Workshop.Status.SCHEDULED
        sessions.append(Workshop(id=number + 1, slot=slot, title=title, room="Raum 2.14", status=status))
    session = sessions[2] if kind == "training_session_cancelled" else sessions[0]
    record = SessionRecord(
        enrolment=enrolment, session=session, calendar_sequence=1, calendar_changed_at=timezone.now()
    )
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        now = timezone.now()
        if kind == "mediator_invitation":
            context = mediator_services.invitation_context("sample", language=language, invited_at=now)
        elif kind == "training_feedback_invitation":  # mediators.services.invite_to_feedback
            context = mediator_services.feedback_invitation_context(
                event=event, closes_at=now + timedelta(days=14), enrolment_id=enrolment.pk
            )
        elif kind.startswith("training_session") or kind == "training_reminder":
            context = mediator_services.session_context(session, event)
        elif kind == "training_certificate":
            context = {"attachments": [{"name": "mediator-certificate", "kwargs": {}}]}
        else:
            context = {}
        calendar = None
        if kind.startswith("training_session"):
            method = "CANCEL" if session.is_cancelled else "REQUEST"
            calendar = {"method": method, "entry": mediator_calendar.session_entry(record, language)}
        # The messages about her place in the series list its sessions; the others name no series or their own.
        about_series = kind not in (
            "mediator_invitation",
            "training_feedback_invitation",
            "training_session_invite",
        )
        return mediator_services.message_context(
            name=SAMPLE_NAME,
            email=SAMPLE_EMAIL,
            event=event if about_series else None,
            sessions=sessions,
            calendar=calendar,
            context=context,
        )


def sample_context(kind: str, language: str, texts: dict | None = None) -> dict:
    """`texts`: an event's own words for its messages (event_texts), else none."""
    if kind not in KINDS:
        raise KeyError(kind)
    if kind in MEDIATOR_KINDS:
        return _mediator_context(kind, language)
    if kind == feedback.KIND:
        return _feedback_context(language)
    return _registration_context(kind, language, texts or {})


def _feedback_context(language: str) -> dict:
    """What feedback.services.invite puts in the outbox row, without the row (a sample link)."""
    event = sample_event()
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        return feedback.invitation_context(
            name=SAMPLE_NAME, event=event, closes_at=event.ends_at + timedelta(days=15), token="sample"
        )


def preview(kind: str, language: str, texts: dict | None = None) -> Preview:
    """The mail `kind` in `language` as she would get it, with the sample data (and an event's own words for
    its messages, `texts`, if given). KeyError for an unknown kind."""
    context = sample_context(kind, language, texts)
    names = [spec["name"] for spec in context.pop("attachments", [])]
    message = render(kind, language=language, to=SAMPLE_EMAIL, context=context)
    return Preview(
        kind=kind,
        language=language,
        bidi=translation.get_language_info(language)["bidi"],
        message=message,
        calendar=calendar_summary(message),
        attachments=[ATTACHMENT_LABELS[name] for name in names],  # in the organiser's language
    )


def calendar_summary(message: RenderedMessage) -> dict | None:
    """The calendar entry as the .ics the message carries says it (made by the code that attaches it)."""
    if not message.calendar:
        return None
    content = ics.invite(
        message.calendar["entry"],
        method=message.calendar["method"],
        attendee=tuple(message.calendar["attendee"]),
    )
    parsed = icalendar.Calendar.from_ical(content)
    event = next(iter(parsed.walk("VEVENT")))
    return {
        "method": str(parsed.get("METHOD")),
        "summary": str(event.get("SUMMARY", "")),
        "start": timezone.localtime(event.decoded("DTSTART")),
        "end": timezone.localtime(event.decoded("DTEND")),
        "location": str(event.get("LOCATION", "")),
        "sequence": int(event.get("SEQUENCE", 0)),
    }
