"""What goes into her calendar: one entry for the event day, whose description lists her workshops.

One UID per registration (see notifications/calendar.py for why): every message about her bookings is a
REQUEST of that entry with the next SEQUENCE, or, once she holds no place, one CANCEL. Invites never carry
the personal link or sensitive answers: calendars are shared and synced.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fachtag.languages import title_language
from registrations.models import Booking, Registration

# Messages that bring her calendar up to date.
INVITE_KINDS = {
    "registration_confirmed",
    "booking_changed",
    "registration_cancelled",
    "offer_expired",
    "workshop_changed",
    "workshop_cancelled",
    "event_changed",
}


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "fachtag.invalid"


def day_uid(registration: Registration) -> str:
    return f"fachtag-{registration.uuid.hex}-day@{_domain()}"


def _venue(event) -> str:
    return event.venue_one_line()


def _workshop_line(booking: Booking) -> str:
    start, end = timezone.localtime(booking.slot.starts_at), timezone.localtime(booking.slot.ends_at)
    where = ", ".join(filter(None, [booking.workshop.title, booking.workshop.room]))
    return f"{start:%H:%M}–{end:%H:%M} {where}"


def day_entry(registration: Registration, seats: list[Booking]) -> dict:
    """The day in the active language, with the workshops of `seats` (her confirmed bookings)."""
    event = registration.event
    url = settings.SITE_URL + reverse("fachtag:event", kwargs={"slug": event.slug})
    lines = [event.title, _venue(event)]
    if seats:
        lines += ["", _("Workshops"), *(_workshop_line(b) for b in sorted(seats, key=_slot_order))]
    return {
        "uid": day_uid(registration),
        "start": event.starts_at.isoformat(),
        "end": event.ends_at.isoformat(),
        "summary": event.title,
        "description": "\n".join([*lines, "", url]),
        "location": _venue(event),
        "url": url,
        "language": title_language(translation.get_language(), event, *(b.workshop for b in seats)),
    }


def _slot_order(booking: Booking):
    return (booking.slot.starts_at, booking.slot_id)


def _seats(registration: Registration, bookings=None) -> list[Booking]:
    """Her confirmed bookings (from `bookings` with workshop and slot, if the caller holds them)."""
    if bookings is None:
        bookings = Booking.objects.filter(registration=registration).select_related("workshop", "slot")
    return [booking for booking in bookings if booking.status == Booking.Status.CONFIRMED]


def current_entries(registration: Registration, bookings=None) -> list[dict]:
    """Her calendar as it should be now, for the download: the day (or nothing without a place), as
    last sent, stamped with her registration's last change. `bookings`: hers with workshop and slot."""
    if registration.status != Registration.Status.CONFIRMED:
        return []
    with translation.override(registration.language):
        entry = day_entry(registration, _seats(registration, bookings))
    entry.update(
        sequence=max(registration.calendar_sequence - 1, 0), stamp=registration.updated_at.isoformat()
    )
    return [entry]


def invite_update(registration: Registration, language: str, bookings=None, *, save=True) -> dict | None:
    """The invite for the next message: the day with her workshops now (REQUEST) while she holds a
    confirmed place, one CANCEL when she no longer does, nothing when her calendar never had it.

    Advances her SEQUENCE; the caller is inside the transaction of the change, so the message and this
    record are written together. The entry is in `language`. save=False leaves the writing to the
    caller: a new registration's first invite, recorded by the registration's insert.
    """
    confirmed = registration.status == Registration.Status.CONFIRMED
    if not confirmed and not registration.calendar_day_sent:
        return None
    with translation.override(language):  # titles (translated fields) and texts
        entry = day_entry(registration, _seats(registration, bookings) if confirmed else [])
    entry["sequence"] = registration.calendar_sequence
    registration.calendar_sequence += 1
    registration.calendar_day_sent = confirmed
    if save:
        registration.save(update_fields=["calendar_sequence", "calendar_day_sent", "updated_at"])
    return {
        "method": "REQUEST" if confirmed else "CANCEL",
        "entry": entry,
        "attendee": [registration.email, registration.name],
    }
