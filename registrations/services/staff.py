"""What organisers do for a participant or a workshop: the same locks and messages as everything else."""

from collections import Counter
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from fachtag.models import Event, Workshop
from registrations.errors import NotAllowed
from registrations.models import Booking, Registration
from registrations.services import notify, places
from registrations.services.history import Action, log
from registrations.services.locking import atomic, lock_childcare_groups, lock_event_places, lock_workshops
from registrations.services.selfservice import renew_links
from registrations.services.transitions import set_registration_status
from registrations.services.waitlist import (
    allocate_bookings,
    promote_event,
    promote_workshop,
    seat_booking,
)
from registrations.tokens import links_expire_at

NO_PLACE = _("There is no free place. Raise the capacity first, or wait for a cancellation.")


def confirm_from_waitlist(*, registration_id: int, actor, now: datetime) -> Registration:
    """An organiser confirms someone from the event's waiting list (out of turn), with her children's
    childcare places; raises NotAllowed when the places are not free."""
    with atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        event = lock_event_places(event_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status not in (Registration.Status.WAITLISTED, Registration.Status.OFFERED):
            raise NotAllowed()
        need = Counter(registration.children.values_list("group_id", flat=True))
        if registration.status == Registration.Status.WAITLISTED:
            groups = lock_childcare_groups(event.pk) if need else []
            if event.free_seats <= 0 or not places.childcare_fits(groups, need):
                raise NotAllowed(NO_PLACE)
            places.take_event_place(event)
            if need:
                places.take_childcare(groups, need)
        set_registration_status(registration, Registration.Status.CONFIRMED)
        allocate_bookings(registration, now=now)
        entry = log(registration, Action.CONFIRMED, actor=actor)
        notify.registration_message(registration, "registration_confirmed", entry)
        return registration


def confirm_workshop_wish(*, booking_id: int, actor, now: datetime) -> None:
    """An organiser gives a waiting participant a free workshop seat (her other seat in the slot is freed)."""
    with atomic():
        booking = Booking.objects.select_related("registration").get(pk=booking_id)
        event = lock_event_places(booking.registration.event_id)
        booking = Booking.objects.select_for_update().select_related("registration").get(pk=booking_id)
        workshop = lock_workshops([booking.workshop_id], event_id=event.pk)[booking.workshop_id]
        if booking.registration.status not in (Registration.Status.CONFIRMED, Registration.Status.PENDING):
            raise NotAllowed()
        if booking.status == Booking.Status.WAITLISTED:
            if not places.workshop_has_seat(workshop):
                raise NotAllowed(NO_PLACE)
            places.take_workshop_seat(workshop)
        elif booking.status != Booking.Status.OFFERED:
            raise NotAllowed()
        seat_booking(booking, workshop=workshop, event=event, now=now)


def _not_below_places_taken(capacity: int, taken: int) -> None:
    if capacity < max(taken, 1):
        raise NotAllowed(
            _("The capacity cannot be lower than the places taken (%(taken)d).") % {"taken": taken}
        )


def set_capacity(*, event_id: int, workshop_id: int | None, capacity: int, actor, now: datetime) -> None:
    """Change an event's or a workshop's capacity; never below the places taken. Freed places are offered
    to the waiting list at once."""
    with atomic():
        event = lock_event_places(event_id)
        if workshop_id is None:
            _not_below_places_taken(capacity, event.seats_taken)
            Event.objects.filter(pk=event.pk).update(capacity=capacity)
            event.capacity = capacity
            promote_event(event, now=now)
            return
        workshop = lock_workshops([workshop_id], event_id=event.pk).get(workshop_id)
        if workshop is None:
            raise NotAllowed()
        _not_below_places_taken(capacity, workshop.seats_taken)
        Workshop.objects.filter(pk=workshop.pk).update(capacity=capacity)
        workshop.capacity = capacity
        promote_workshop(workshop, event=event, now=now)


def replace_links(*, registration_id: int, actor, now: datetime) -> bool:
    """An organiser replaces her personal links (e.g. one was forwarded): every link and QR code sent so far
    stops working. While she can still use a link, she is e-mailed the new one. Returns whether a link was
    sent."""
    with atomic():
        registration = (
            Registration.objects.select_for_update().select_related("event").get(pk=registration_id)
        )
        renew_links(registration)
        if not registration.is_active or now >= links_expire_at(registration):
            return False
        entry = log(registration, Action.LINK_SENT, actor=actor, replaced=True)
        notify.registration_message(registration, "personal_link", entry)
        return True
