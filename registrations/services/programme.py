"""Organisers change the programme: the people booked hear of it, with their calendars updated."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fachtag.models import TimeSlot, Workshop
from registrations.errors import NotAllowed
from registrations.models import Booking, Registration
from registrations.services import notify, places
from registrations.services.history import Action, log
from registrations.services.locking import atomic, lock_event, lock_event_places, lock_workshops
from registrations.services.transitions import set_booking_status


def workshop_changed(*, workshop_id: int, actor=None) -> int:
    """Its time, room or title changed: everyone seated gets an update with the moved calendar entry."""
    with atomic():
        workshop = Workshop.objects.select_related("slot").get(pk=workshop_id)
        lock_event(workshop.slot.event_id)
        seated = Booking.objects.filter(workshop=workshop, status=Booking.Status.CONFIRMED).select_related(
            "registration__event"
        )
        for booking in seated:
            entry = log(
                booking.registration, Action.CHANGED, booking=booking, actor=actor, workshop=workshop.pk
            )
            notify.registration_message(booking.registration, "workshop_changed", entry)
        return len(seated)


def cancel_workshop(*, workshop_id: int, now: datetime, actor=None) -> int:
    """Organisers cancel a workshop: its seats and waiting list end; those seated are told and their
    calendar entry is cancelled. They keep their event place and can choose another workshop."""
    with atomic():
        event_id = Workshop.objects.values_list("slot__event_id", flat=True).get(pk=workshop_id)
        event = lock_event_places(event_id)
        workshop = lock_workshops([workshop_id], event_id=event.pk)[workshop_id]
        Workshop.objects.filter(pk=workshop_id).update(status=Workshop.Status.CANCELLED)
        told = 0
        for booking in Booking.objects.filter(workshop=workshop, status__in=Booking.ACTIVE).select_related(
            "registration__event"
        ):
            was_seated = booking.status == Booking.Status.CONFIRMED
            if booking.status in Booking.HOLDING:
                places.release_workshop_seat(workshop)
            set_booking_status(booking, Booking.Status.CANCELLED)
            if was_seated:
                entry = log(
                    booking.registration, Action.CHANGED, booking=booking, actor=actor, workshop=workshop.pk
                )
                notify.registration_message(booking.registration, "workshop_cancelled", entry)
                told += 1
        return told


def move_refusal(*, workshop_id: int, slot_id: int) -> str:
    """Why the workshop cannot move to that time slot now ("" when it can): people booked in it who
    already hold a workshop (or a wish) in the new slot would have two at once, and bookings belong to
    their event."""
    workshop = Workshop.objects.select_related("slot").get(pk=workshop_id)
    target = TimeSlot.objects.get(pk=slot_id)
    booked = Booking.objects.filter(workshop_id=workshop_id, status__in=Booking.ACTIVE)
    if target.event_id != workshop.slot.event_id and booked.exists():
        return _("People are booked in this workshop: it can only move to a time slot of the same event.")
    clashes = (
        Booking.objects.filter(
            slot_id=slot_id,
            status__in=Booking.ACTIVE,
            registration_id__in=booked.values("registration_id"),
        )
        .exclude(workshop_id=workshop_id)
        .values("registration_id")
        .distinct()
        .count()
    )
    if clashes:
        return ngettext(
            "%(count)d person booked in this workshop already has a workshop in the new time slot. "
            "Ask her to change her booking first, or choose another time slot.",
            "%(count)d people booked in this workshop already have a workshop in the new time slot. "
            "Ask them to change their bookings first, or choose another time slot.",
            clashes,
        ) % {"count": clashes}
    return ""


def move_workshop(*, workshop_id: int, slot_id: int) -> None:
    """The workshop takes place in another time slot: it and all its bookings move there, so that her
    bookings, pages and calendar show the true time. The caller announces it (workshop_changed).

    Raises NotAllowed (with move_refusal's reason) when the move would give someone two workshops at once.
    """
    with atomic():
        event_id = Workshop.objects.values_list("slot__event_id", flat=True).get(pk=workshop_id)
        lock_event(event_id)
        refusal = move_refusal(workshop_id=workshop_id, slot_id=slot_id)
        if refusal:
            raise NotAllowed(refusal)
        Workshop.objects.filter(pk=workshop_id).update(slot_id=slot_id)
        Booking.objects.filter(workshop_id=workshop_id).update(slot_id=slot_id, updated_at=timezone.now())


def event_changed(*, event_id: int, actor=None) -> int:
    """Its date, times, venue or title changed: everyone with a confirmed place gets the updated calendar
    entry (one message each, in her language). Returns how many were told."""
    with atomic():
        lock_event(event_id)
        confirmed = Registration.objects.filter(
            event_id=event_id, status=Registration.Status.CONFIRMED
        ).select_related("event")
        for registration in confirmed:
            entry = log(registration, Action.CHANGED, actor=actor, event=event_id)
            notify.registration_message(registration, "event_changed", entry)
        return len(confirmed)
