"""Organisers change the programme: the people booked hear of it, with their calendars updated."""

from datetime import datetime

from fachtag.models import Workshop
from registrations.models import Booking
from registrations.services import notify, places
from registrations.services.history import Action, log
from registrations.services.locking import atomic, lock_event, lock_workshops
from registrations.services.waitlist import set_booking_status


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
        event = lock_event(event_id)
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
