"""Waiting lists: freed places go to the oldest waiting person, as an offer or at once (per event).

Every function here expects the caller to hold the event's places (services.locking.lock_event_places)
inside its transaction, and is safe to call when nothing is free: it then does nothing.
"""

from collections import Counter
from datetime import datetime

from fachtag.models import Event, Workshop
from registrations.errors import NotAllowed
from registrations.models import Booking, Registration
from registrations.services import notify, places
from registrations.services.history import Action, log, log_many
from registrations.services.locking import atomic, lock_childcare_groups, lock_event_places, lock_workshops
from registrations.services.transitions import set_booking_status, set_registration_status

# A waiting booking moves up only when its registration has its event place.
SEATED = (Registration.Status.CONFIRMED, Registration.Status.PENDING)


def allocate_bookings(registration: Registration, *, now: datetime, workshops: dict | None = None) -> None:
    """Seat her waiting workshop wishes where seats are free (after she got her event place).

    Her wishes are in distinct workshops (one per slot), so the seats are taken in one statement; each
    booking moves through the transition table.
    """
    wishes = list(registration.bookings.filter(status=Booking.Status.WAITLISTED))
    if workshops is None:
        workshops = lock_workshops([b.workshop_id for b in wishes], event_id=registration.event_id)
    seated = [b for b in wishes if places.workshop_has_seat(workshops[b.workshop_id])]
    if not seated:
        return
    places.take_workshop_seats([workshops[b.workshop_id] for b in seated])
    for booking in seated:
        set_booking_status(booking, Booking.Status.CONFIRMED)
    log_many(registration, [(Action.CONFIRMED, b, {"workshop": b.workshop_id}) for b in seated])


def promote_event(event: Event, *, now: datetime) -> list[Registration]:
    """Give free event places to the event's waiting list, oldest first.

    A mother and her children move up together: someone whose children's age groups are full is passed
    over for now and keeps her position for when childcare places free up.
    """
    if event.status != Event.Status.PUBLISHED or now >= event.starts_at or event.free_seats <= 0:
        return []
    waiting = (
        Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED)
        .order_by("waitlisted_at", "pk")
        .prefetch_related("children")
    )
    groups, promoted = None, []
    for registration in waiting:
        if event.free_seats <= 0:
            break
        need = Counter(child.group_id for child in registration.children.all())
        if need:
            groups = groups if groups is not None else lock_childcare_groups(event.pk)
            if not places.childcare_fits(groups, need):
                continue
        deadline = places.offer_deadline(event, now)
        if deadline is None:
            break
        places.take_event_place(event)
        if need:
            places.take_childcare(groups, need)
        if event.waitlist_mode == Event.WaitlistMode.DIRECT:
            set_registration_status(registration, Registration.Status.CONFIRMED)
            allocate_bookings(registration, now=now)
            entry = log(registration, Action.CONFIRMED)
            notify.registration_message(registration, "registration_confirmed", entry)
        else:
            set_registration_status(registration, Registration.Status.OFFERED, offer_expires_at=deadline)
            entry = log(registration, Action.OFFERED)
            notify.registration_message(registration, "offer_made", entry)
        promoted.append(registration)
    return promoted


def promote_workshop(workshop: Workshop, *, event: Event, now: datetime) -> None:
    """Give free seats of a workshop to its waiting list, oldest first (only people with an event place)."""
    if event.status != Event.Status.PUBLISHED or now >= event.starts_at:
        return
    while places.workshop_has_seat(workshop):
        booking = (
            Booking.objects.filter(
                workshop=workshop, status=Booking.Status.WAITLISTED, registration__status__in=SEATED
            )
            .select_related("registration")
            .order_by("waitlisted_at", "pk")
            .first()
        )
        if booking is None:
            return
        places.take_workshop_seat(workshop)
        if event.waitlist_mode == Event.WaitlistMode.DIRECT:
            seat_booking(booking, workshop=workshop, event=event, now=now)
        else:
            set_booking_status(
                booking, Booking.Status.OFFERED, offer_expires_at=places.offer_deadline(event, now)
            )
            entry = log(booking.registration, Action.OFFERED, booking=booking, workshop=workshop.pk)
            notify.registration_message(
                booking.registration, "workshop_offer_made", entry, known={"offered_booking_id": booking.pk}
            )


def seat_booking(booking: Booking, *, workshop: Workshop, event: Event, now: datetime) -> None:
    """Confirm a booking whose seat is already counted, releasing her other seat in the same slot."""
    registration = booking.registration
    other = (
        Booking.objects.filter(
            registration=registration, slot=booking.slot_id, status=Booking.Status.CONFIRMED
        )
        .exclude(pk=booking.pk)
        .first()
    )
    if other:
        set_booking_status(other, Booking.Status.CANCELLED)
    set_booking_status(booking, Booking.Status.CONFIRMED)
    entry = log(registration, Action.CHANGED, booking=booking, workshop=workshop.pk)
    notify.registration_message(registration, "booking_changed", entry)
    if other:
        freed = lock_workshops([other.workshop_id], event_id=event.pk)[other.workshop_id]
        places.release_workshop_seat(freed)
        promote_workshop(freed, event=event, now=now)


def accept_offer(*, registration_id: int, now: datetime) -> Registration:
    """She takes the event place offered to her: confirmed, and her workshop wishes seated where free."""
    with atomic():
        registration = Registration.objects.get(pk=registration_id)
        lock_event_places(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status != Registration.Status.OFFERED or registration.offer_expires_at <= now:
            raise NotAllowed()
        set_registration_status(registration, Registration.Status.CONFIRMED)
        allocate_bookings(registration, now=now)
        entry = log(registration, Action.OFFER_ACCEPTED)
        notify.registration_message(registration, "registration_confirmed", entry)
        return registration


def accept_workshop_offer(*, booking_id: int, now: datetime) -> Booking:
    """She takes the workshop seat offered to her; a seat she held in the same slot is released and offered on."""
    with atomic():
        booking = Booking.objects.select_related("registration").get(pk=booking_id)
        event = lock_event_places(booking.registration.event_id)
        booking = Booking.objects.select_for_update().select_related("registration").get(pk=booking_id)
        if booking.status != Booking.Status.OFFERED or booking.offer_expires_at <= now:
            raise NotAllowed()
        workshop = lock_workshops([booking.workshop_id], event_id=event.pk)[booking.workshop_id]
        seat_booking(booking, workshop=workshop, event=event, now=now)
        return booking


def expire_offers(*, now: datetime) -> int:
    """Periodic: offers past their deadline lapse and the places go to the next person. Idempotent."""
    event_ids = set(
        Registration.objects.filter(
            status=Registration.Status.OFFERED, offer_expires_at__lte=now
        ).values_list("event_id", flat=True)
    ) | set(
        Booking.objects.filter(status=Booking.Status.OFFERED, offer_expires_at__lte=now).values_list(
            "registration__event_id", flat=True
        )
    )
    expired = 0
    for event_id in sorted(event_ids):
        with atomic():
            expired += _expire_event_offers(lock_event_places(event_id), now=now)
    return expired


def _expire_event_offers(event: Event, *, now: datetime) -> int:

    lapsed = list(
        Registration.objects.select_for_update().filter(
            event=event, status=Registration.Status.OFFERED, offer_expires_at__lte=now
        )
    )
    for registration in lapsed:
        release_places(registration, event=event, now=now, promote=False)
        set_registration_status(registration, Registration.Status.EXPIRED)
        entry = log(registration, Action.OFFER_EXPIRED)
        notify.registration_message(registration, "offer_expired", entry)
    lapsed_bookings = list(
        Booking.objects.select_for_update(of=("self",))
        .select_related("registration")
        .filter(registration__event=event, status=Booking.Status.OFFERED, offer_expires_at__lte=now)
    )
    workshops = lock_workshops([b.workshop_id for b in lapsed_bookings], event_id=event.pk)
    for booking in lapsed_bookings:
        places.release_workshop_seat(workshops[booking.workshop_id])
        set_booking_status(booking, Booking.Status.EXPIRED)
        entry = log(booking.registration, Action.OFFER_EXPIRED, booking=booking, workshop=booking.workshop_id)
        notify.registration_message(booking.registration, "workshop_offer_expired", entry)
    promote_event(event, now=now)
    for workshop in workshops.values():
        promote_workshop(workshop, event=event, now=now)
    return len(lapsed) + len(lapsed_bookings)


def promote_all(*, now: datetime) -> None:
    """Periodic safety net: places freed outside the services (e.g. a capacity raised in the admin) are offered."""
    for event_id in Event.objects.published().filter(starts_at__gt=now).values_list("pk", flat=True):
        with atomic():
            event = lock_event_places(event_id)
            promote_event(event, now=now)
            workshops = lock_workshops(
                Booking.objects.filter(
                    registration__event=event, status=Booking.Status.WAITLISTED
                ).values_list("workshop_id", flat=True),
                event_id=event.pk,
            )
            for workshop in workshops.values():
                promote_workshop(workshop, event=event, now=now)


def release_places(registration: Registration, *, event: Event, now: datetime, promote: bool = True) -> None:
    """Give back everything she holds (event place, childcare, workshop seats) and end her workshop wishes.

    Needs the event lock. With promote, the freed places go to the waiting lists at once.
    """
    active = list(registration.bookings.filter(status__in=Booking.ACTIVE))
    # The lock order (locking.py): the event (held), her workshops by id, then the childcare groups.
    workshops = lock_workshops([b.workshop_id for b in active], event_id=event.pk)
    if registration.holds_place:
        places.release_event_place(event)
        need = Counter(registration.children.values_list("group_id", flat=True))
        if need:
            places.release_childcare(lock_childcare_groups(event.pk), need)
    for booking in active:
        if booking.status in Booking.HOLDING:
            places.release_workshop_seat(workshops[booking.workshop_id])
        set_booking_status(booking, Booking.Status.CANCELLED)
    if promote:
        promote_event(event, now=now)
        for workshop in workshops.values():
            promote_workshop(workshop, event=event, now=now)
