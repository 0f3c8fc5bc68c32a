"""What to tell her, and when: registrations writes messages to the notifications outbox.

The context is computed here, in her language, so the outbox row holds everything the mail needs.
"""

from django.urls import reverse
from django.utils import formats, timezone, translation

from notifications import outbox
from registrations import calendar
from registrations.models import Booking, MessageText, Registration, RegistrationLog
from registrations.tokens import CONFIRM_SALT, make_token


def registration_message(
    registration: Registration, kind: str, cause: RegistrationLog, *, known: dict | None = None
) -> None:
    """Queue message `kind` for her, once per state change: `cause` is the log entry written for the change
    in the same transaction, and the message's key holds its id.

    Messages about her bookings carry a calendar invite that updates (or cancels) her calendar entries.
    `known` spares queries for what the caller holds already (see message_context), and may hold the
    "invite" the caller made already (calendar.invite_update with save=False, for a new registration).
    """
    known = dict(known or {})
    if "bookings" not in known:  # read once, for the message and for its calendar invite
        known["bookings"] = _active_bookings(registration)
    with translation.override(registration.language):
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
            context["attachments"] = [
                {"factory": "registrations.qr.qr_attachment", "kwargs": {"registration_id": registration.pk}}
            ]
    outbox.enqueue(
        key=f"registration:{registration.uuid.hex}:{kind}:{cause.pk}",
        kind=kind,
        to=registration.email,
        language=registration.language,
        context=context,
        new_key=True,  # it holds the id of the log entry just written for this change
    )


def message_context(registration: Registration, kind: str, *, known: dict | None = None) -> dict:
    """What the message says. `known` may hold what the caller has just written, so it is not read
    back: "bookings" (her active bookings with workshop and slot, in slot order), "children" (how many),
    "texts" (the event's MessageText rows by kind)."""
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
        "venue": f"{event.venue_name}, {event.venue_address}".replace("\n", ", "),
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
        "children": known["children"] if "children" in known else registration.children.count(),
        "event_text": _event_text(event, kind, known.get("texts")),
    }
    deadline = registration.offer_expires_at
    if deadline:
        context["offer_deadline"] = (
            formats.date_format(local(deadline), "DATE_FORMAT") + f", {local(deadline):%H:%M}"
        )
    if registration.status == Registration.Status.PENDING:
        by = local(registration.confirm_email_by)
        context["confirm_by"] = formats.date_format(by, "DATE_FORMAT") + f", {by:%H:%M}"
        context["confirm_path"] = reverse(
            "registrations:confirm_email", kwargs={"token": make_token(registration, salt=CONFIRM_SALT)}
        )
    return context


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
