"""What to tell her, and when: registrations writes messages to the notifications outbox.

The context is computed here, in her language, so the outbox row holds everything the mail needs.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import ngettext

from notifications import outbox
from registrations import calendar
from registrations.message_keys import message_key
from registrations.models import Booking, MessageText, Registration, RegistrationLog
from registrations.tokens import CONFIRM_SALT, make_token


def registration_message(
    registration: Registration, kind: str, cause: RegistrationLog, *, known: dict | None = None
) -> None:
    """Queue message `kind` for her, once per state change: `cause` is the log entry written for the change
    in the same transaction, and the message's key holds its id.

    Nothing is queued for her when she has no address (a walk-in).
    Messages about her bookings carry a calendar invite that updates (or cancels) her calendar entries.
    `known` spares queries for what the caller holds already (see message_context), and may hold the
    "invite" the caller made already (calendar.invite_update with save=False, for a new registration).
    """
    if not registration.email:  # a walk-in registered at the door without an address
        return
    known = dict(known or {})
    if "bookings" not in known:  # read once, for the message and for its calendar invite
        known["bookings"] = _active_bookings(registration)
    context = whole_message(registration, kind, known=known)
    outbox.enqueue(
        key=message_key(registration, kind, cause.pk),
        kind=kind,
        to=registration.email,
        language=registration.language,
        context=context,
        new_key=True,  # it holds the id of the log entry just written for this change
    )


def whole_message(registration: Registration, kind: str, *, known: dict) -> dict:
    """Everything message `kind` carries for her, in her language and the event's time zone: what it says
    (message_context), the calendar invite of a message about her bookings (known["invite"] if the caller
    made it already, else made now from known["bookings"]), and her check-in QR code and short code on a
    confirmation. The outbox row holds it; the back office's mail previews render it from sample data."""
    with translation.override(registration.language), timezone.override(settings.TIME_ZONE):
        context = message_context(registration, kind, known=known)
        if kind in calendar.INVITE_KINDS:
            invite = (
                known["invite"]
                if "invite" in known
                else calendar.invite_update(registration, registration.language, known["bookings"])
            )
            if invite:
                context["calendar"] = invite
        if (
            kind in ("registration_confirmed", "personal_link")
            and registration.status == Registration.Status.CONFIRMED
            and registration.event.kind == registration.event.Kind.FACHTAG
        ):
            # Her QR code for the check-in at the door, made when the mail is sent.
            context["checkin_qr"] = True
            # The same for reading out or typing, when the QR code cannot be shown or scanned.
            context["checkin_code"] = registration.short_code_grouped
            context["attachments"] = [
                {"name": "registration-qr", "kwargs": {"registration_id": registration.pk}}
            ]
    return context


def message_context(registration: Registration, kind: str, *, known: dict | None = None) -> dict:
    """What the message says. `known` may hold what the caller has just written, so it is not read
    back: "bookings" (her active bookings with workshop and slot, in slot order), "child_ages" (her
    children's ages), "texts" (the event's MessageText rows by kind), "offered_booking_id" (the workshop
    seat a workshop_offer_made is about)."""
    known = known or {}
    event = registration.event
    local = timezone.localtime
    bookings = known.get("bookings")
    if bookings is None:
        bookings = _active_bookings(registration)
    context = {
        "name": registration.name,
        "event_title": event.title,
        "event_date": formats.date_format(local(event.starts_at), "DATE_FORMAT"),
        "event_time": f"{local(event.starts_at):%H:%M}–{local(event.ends_at):%H:%M}",
        "venue": event.venue_one_line(),
        "venue_lines": event.venue_lines(),
        "status": registration.status,
        "status_label": str(registration.get_status_display()),
        "manage_path": reverse("registrations:manage", kwargs={"token": make_token(registration)}),
        "bookings": [
            {
                "time": f"{local(b.slot.starts_at):%H:%M}–{local(b.slot.ends_at):%H:%M}",
                "title": b.workshop.title,
                "status": b.status,
                "status_label": str(b.get_status_display()),
            }
            for b in bookings
        ],
        "event_text": _event_text(event, kind, known.get("texts")),
        **_her_requests(registration, known),
    }
    offered = _offered_booking(bookings, kind, known)
    deadline = offered.offer_expires_at if offered else registration.offer_expires_at
    if deadline:
        context["offer_deadline"] = _date_and_time(local(deadline))
        context["offer_path"] = reverse("registrations:offer", kwargs={"token": make_token(registration)})
        if offered:
            context["offer_path"] += f"?booking={offered.pk}"
            context["offer_workshop"] = offered.workshop.title
    if registration.status == Registration.Status.PENDING:
        by = local(registration.confirm_email_by)
        context["confirm_by"] = _date_and_time(by)
        context["confirm_path"] = reverse(
            "registrations:confirm_email", kwargs={"token": make_token(registration, salt=CONFIRM_SALT)}
        )
    return context


def _date_and_time(moment) -> str:
    return formats.date_format(moment, "DATE_FORMAT") + f", {moment:%H:%M}"


def _her_requests(registration: Registration, known: dict) -> dict:
    """What she asked for, restated in her confirmation: her children's ages (in her language's plural
    forms), the interpreting language by name, and whether she told us accessibility needs (never what)."""
    ages = known["child_ages"] if "child_ages" in known else [c.age for c in registration.children.all()]
    if registration.interpreting_language == "other":
        interpreting = registration.interpreting_other
    else:
        interpreting = (
            str(registration.get_interpreting_language_display())
            if registration.interpreting_language
            else ""
        )
    return {
        "children": len(ages),
        "child_ages": ", ".join(
            ngettext("%(age)d year", "%(age)d years", age) % {"age": age} for age in ages
        ),
        "interpreting": interpreting,
        "accessibility_received": bool(registration.accessibility_needs),
    }


def _offered_booking(bookings: list[Booking], kind: str, known: dict) -> Booking | None:
    """The workshop seat a workshop offer is about (the one offered last, when the caller does not say)."""
    if kind != "workshop_offer_made":
        return None
    offered = [b for b in bookings if b.status == Booking.Status.OFFERED]
    named = [b for b in offered if b.pk == known.get("offered_booking_id")]
    if named:
        return named[0]
    return max(offered, key=lambda b: (b.offer_expires_at, b.pk)) if offered else None


def _active_bookings(registration: Registration) -> list[Booking]:
    return list(registration.bookings.filter(status__in=Booking.ACTIVE).select_related("workshop", "slot"))


def _event_text(event, kind: str, texts: dict | None = None) -> str:
    """What organisers added to this kind of message for this event, in the active language."""
    if kind not in MessageText.Kind.values:  # organisers can add text to these kinds only
        return ""
    text = (
        texts.get(kind) if texts is not None else MessageText.objects.filter(event=event, kind=kind).first()
    )
    return text.text if text else ""
