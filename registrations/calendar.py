"""What goes into her calendar: the event day and each workshop she holds a seat in.

UIDs are stable per (registration, event day) and per (registration, time slot), so a workshop change
updates the same calendar entry. Invites never carry the personal link or sensitive answers: calendars
are shared and synced.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from fachtag.models import TimeSlot
from registrations.models import Booking, Registration

# Messages that bring her calendar up to date.
INVITE_KINDS = {
    "registration_confirmed",
    "booking_changed",
    "registration_cancelled",
    "offer_expired",
    "workshop_changed",
    "workshop_cancelled",
}


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "fachtag.invalid"


def day_uid(registration: Registration) -> str:
    return f"fachtag-{registration.uuid.hex}-day@{_domain()}"


def slot_uid(registration: Registration, slot_id: int) -> str:
    return f"fachtag-{registration.uuid.hex}-slot{slot_id}@{_domain()}"


def _venue(event) -> str:
    return event.venue_one_line()


def day_entry(registration: Registration) -> dict:
    event = registration.event
    url = settings.SITE_URL + reverse("fachtag:event", kwargs={"slug": event.slug})
    return {
        "uid": day_uid(registration),
        "start": event.starts_at.isoformat(),
        "end": event.ends_at.isoformat(),
        "summary": event.title,
        "description": f"{event.title}\n{_venue(event)}\n{url}",
        "location": _venue(event),
        "url": url,
    }


def slot_entry(registration: Registration, slot, workshop=None) -> dict:
    event = registration.event
    if workshop is None:
        summary = _("Workshop at %(event)s") % {"event": event.title}
        location, details = _venue(event), ""
    else:
        summary = workshop.title
        location = ", ".join(filter(None, [workshop.room, _venue(event)]))
        details = _("With: %(speakers)s") % {"speakers": workshop.speakers} if workshop.speakers else ""
    return {
        "uid": slot_uid(registration, slot.pk),
        "start": slot.starts_at.isoformat(),
        "end": slot.ends_at.isoformat(),
        "summary": summary,
        "description": "\n".join(filter(None, [summary, details, event.title])),
        "location": location,
    }


def _seats(registration: Registration, bookings=None) -> list[Booking]:
    """Her confirmed bookings (from `bookings` with workshop and slot, if the caller holds them)."""
    if bookings is None:
        bookings = Booking.objects.filter(registration=registration).select_related("workshop", "slot")
    return [booking for booking in bookings if booking.status == Booking.Status.CONFIRMED]


def current_entries(registration: Registration, bookings=None) -> list[dict]:
    """Her calendar as it should be now: the day and each seated workshop (for downloads and feeds).
    `bookings`: her bookings with workshop and slot, if the caller holds them already."""
    if registration.status != Registration.Status.CONFIRMED:
        return []
    seats = _seats(registration, bookings)
    entries = [day_entry(registration)] + [slot_entry(registration, b.slot, b.workshop) for b in seats]
    for entry in entries:  # as last sent; invite_update() sets the next number when it sends
        entry.update(sequence=max(registration.calendar_sequence - 1, 0), language=registration.language)
    return entries


def invite_update(registration: Registration, language: str, bookings=None, *, save=True) -> dict | None:
    """The invite for the next message: new or changed entries (REQUEST), removed ones (CANCEL).

    Advances her SEQUENCE and remembers what her calendar now holds; the caller is inside the
    transaction of the change, so the message and this record are written together. The entries are in
    `language`. save=False leaves the writing to the caller: a new registration's first invite, recorded
    by the registration's insert.
    """
    seats = _seats(registration, bookings) if registration.status == Registration.Status.CONFIRMED else []
    held_slots = [booking.slot_id for booking in seats]
    dropped = [pk for pk in registration.calendar_slots if pk not in held_slots]
    with translation.override(language):  # titles (translated fields) and texts
        current = current_entries(registration, seats)
        # Not even built for none dropped: compiling an empty query costs ≈ 0.5 ms (on every sign-up).
        cancel = (
            [slot_entry(registration, slot) for slot in TimeSlot.objects.filter(pk__in=dropped)]
            if dropped
            else []
        )
        if not current and registration.calendar_day_sent:
            cancel.insert(0, day_entry(registration))
    if not current and not cancel:
        return None
    sequence = registration.calendar_sequence
    for entry in current + cancel:
        entry.update(sequence=sequence, language=language)
    registration.calendar_sequence = sequence + 1
    registration.calendar_day_sent = bool(current)
    registration.calendar_slots = held_slots
    if save:
        registration.save(
            update_fields=["calendar_sequence", "calendar_day_sent", "calendar_slots", "updated_at"]
        )
    return {"request": current, "cancel": cancel, "attendee": [registration.email, registration.name]}
