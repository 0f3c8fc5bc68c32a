"""Changes she makes herself through her personal link (and that organisers make for her)."""

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fachtag.models import Event
from registrations.errors import ChildcareUnavailable, InvalidChoice, NotAllowed, WorkshopFull
from registrations.models import Booking, Child, Registration
from registrations.services import notify, places
from registrations.services.history import Action, log
from registrations.services.locking import atomic, lock_childcare_groups, lock_event_places, lock_workshops
from registrations.services.transitions import set_booking_status, set_registration_status
from registrations.services.waitlist import (
    promote_event,
    promote_workshop,
    release_places,
    seat_booking,
)

CHILDCARE_FULL = _(
    "There are not enough childcare places for these ages. Your previous childcare request is kept."
)


def _locked_registration(registration_id: int) -> tuple[Registration, Event]:
    event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
    event = lock_event_places(event_id)
    return Registration.objects.select_for_update().get(pk=registration_id), event


def _check_she_may_change(event: Event, now: datetime, actor) -> None:
    """She changes or cancels through her link only while registration is open (her page offers it only
    then); organisers (actor) may do it for her afterwards too."""
    if actor is None and event.registration_state(now) != "open":
        raise NotAllowed()


def cancel(*, registration_id: int, now: datetime, actor=None) -> Registration:
    """Cancel her whole registration; her places are offered on at once. Cancelling twice does nothing.
    Raises NotAllowed when she (no actor) tries it after registration has closed."""
    with atomic():
        registration, event = _locked_registration(registration_id)
        if not registration.is_active:
            return registration
        _check_she_may_change(event, now, actor)
        release_places(registration, event=event, now=now, promote=False)
        set_registration_status(registration, Registration.Status.CANCELLED)
        entry = log(registration, Action.CANCELLED, actor=actor)
        notify.registration_message(registration, "registration_cancelled", entry)
        _promote_everything(event, now=now)
        return registration


def cancel_booking(*, registration_id: int, booking_id: int, now: datetime, actor=None) -> None:
    """Give up one workshop (or leave its waiting list); she keeps her event place."""
    with atomic():
        registration, event = _locked_registration(registration_id)
        booking = registration.bookings.filter(pk=booking_id, status__in=Booking.ACTIVE).first()
        if booking is None:
            return
        workshop = lock_workshops([booking.workshop_id], event_id=event.pk)[booking.workshop_id]
        if booking.status in Booking.HOLDING:
            places.release_workshop_seat(workshop)
        set_booking_status(booking, Booking.Status.CANCELLED)
        entry = log(
            registration, Action.CHANGED, booking=booking, actor=actor, workshop=workshop.pk, cancelled=True
        )
        notify.registration_message(registration, "booking_changed", entry)
        promote_workshop(workshop, event=event, now=now)


def change_workshop(
    *,
    registration_id: int,
    slot_id: int,
    workshop_id: int | None,
    waitlist_ok: bool,
    now: datetime,
    actor=None,
) -> None:
    """Book another workshop in a slot, atomically.

    A free seat: she moves and her old seat is offered on. A full workshop: with waitlist_ok she joins its
    waiting list and keeps her current seat meanwhile; without it WorkshopFull is raised and nothing changes.
    workshop_id None: she gives up the slot. On the event's waiting list she only changes her wish.
    """
    with atomic():
        registration, event = _locked_registration(registration_id)
        if not registration.is_active or event.registration_state(now) != "open":
            raise NotAllowed()
        in_slot = list(registration.bookings.filter(slot_id=slot_id, status__in=Booking.ACTIVE))
        workshops = lock_workshops([workshop_id or 0, *[b.workshop_id for b in in_slot]], event_id=event.pk)
        new = workshops.get(workshop_id) if workshop_id else None
        if workshop_id and (
            new is None or new.slot_id != slot_id or new.is_cancelled or not new.slot.is_parallel
        ):
            raise InvalidChoice()
        seat = next((b for b in in_slot if b.status == Booking.Status.CONFIRMED), None)
        wish = next((b for b in in_slot if b.status != Booking.Status.CONFIRMED), None)
        if new and seat and seat.workshop_id == new.pk:
            return
        if new and wish and wish.workshop_id == new.pk and wish.status == Booking.Status.OFFERED:
            seat_booking(wish, workshop=new, event=event, now=now)  # the same as accepting the offer
            return

        if new is None or not registration.holds_place:
            ending, status = in_slot, Booking.Status.WAITLISTED
        elif places.workshop_has_seat(new):
            ending, status = in_slot, Booking.Status.CONFIRMED
        elif waitlist_ok:
            if wish and wish.workshop_id == new.pk:
                return
            ending, status = [wish] if wish else [], Booking.Status.WAITLISTED
        else:
            raise WorkshopFull(slot_id=slot_id, workshop_id=new.pk)

        freed = [_end_booking(booking, workshops) for booking in ending]
        if new:
            if status == Booking.Status.CONFIRMED:
                places.take_workshop_seat(new)
            Booking.objects.create(
                registration=registration,
                workshop=new,
                slot_id=slot_id,
                status=status,
                waitlisted_at=now if status == Booking.Status.WAITLISTED else None,
            )
        entry = log(registration, Action.CHANGED, actor=actor, slot=slot_id, workshop=workshop_id)
        notify.registration_message(registration, "booking_changed", entry)
        for workshop in filter(None, freed):
            promote_workshop(workshop, event=event, now=now)


def change_workshops(*, registration_id: int, changes: dict, now: datetime, actor=None) -> None:
    """Several slot changes at once: all of them, or (on WorkshopFull or another error) none."""
    with atomic():
        for slot_id, (workshop_id, waitlist_ok) in sorted(changes.items()):
            change_workshop(
                registration_id=registration_id,
                slot_id=slot_id,
                workshop_id=workshop_id,
                waitlist_ok=waitlist_ok,
                now=now,
                actor=actor,
            )


def _end_booking(booking: Booking, workshops: dict):
    """Cancel a booking; returns its workshop if a seat was freed."""
    held = booking.status in Booking.HOLDING
    if held:
        places.release_workshop_seat(workshops[booking.workshop_id])
    set_booking_status(booking, Booking.Status.CANCELLED)
    return workshops[booking.workshop_id] if held else None


def update_childcare(
    *, registration_id: int, child_ages: list[int], notes: str, now: datetime, actor=None
) -> None:
    """Change the children she brings. Holding a place, the new childcare places must all be free, or
    ChildcareUnavailable is raised and her current places are kept. NotAllowed when she (no actor) tries it
    after registration has closed."""
    with atomic():
        registration, event = _locked_registration(registration_id)
        if not registration.is_active:
            raise NotAllowed()
        _check_she_may_change(event, now, actor)
        groups = lock_childcare_groups(event.pk)
        old_need = Counter(registration.children.values_list("group_id", flat=True))
        new_need = places.childcare_need(groups, child_ages)
        if registration.holds_place:
            places.release_childcare(groups, old_need)
            if not places.childcare_fits(groups, new_need):
                raise ChildcareUnavailable(CHILDCARE_FULL)
            places.take_childcare(groups, new_need)
        registration.children.all().delete()
        Child.objects.bulk_create(
            Child(registration=registration, age=age, group=places.group_for_age(groups, age))
            for age in child_ages
        )
        registration.childcare_notes = notes.strip() if child_ages else ""
        registration.save(update_fields=["childcare_notes", "updated_at"])
        entry = log(registration, Action.CHILDCARE_CHANGED, actor=actor)
        notify.registration_message(registration, "booking_changed", entry)
        promote_event(event, now=now)


def confirm_email(*, registration_id: int, now: datetime) -> Registration:
    """She opened the confirmation link in time: her held place becomes a confirmed one."""
    with atomic():
        registration, _event = _locked_registration(registration_id)
        if registration.status == Registration.Status.PENDING:
            set_registration_status(registration, Registration.Status.CONFIRMED)
            entry = log(registration, Action.EMAIL_CONFIRMED)
            notify.registration_message(registration, "registration_confirmed", entry)
        return registration


def release_unconfirmed(*, now: datetime) -> int:
    """Periodic: places held for addresses not confirmed in time are released and offered on. Idempotent."""
    due = Registration.objects.filter(status=Registration.Status.PENDING, confirm_email_by__lte=now)
    released = 0
    for registration_id in due.values_list("pk", flat=True):
        with atomic():
            registration, event = _locked_registration(registration_id)
            if registration.status != Registration.Status.PENDING or registration.confirm_email_by > now:
                continue
            release_places(registration, event=event, now=now, promote=False)
            set_registration_status(registration, Registration.Status.CANCELLED)
            log(registration, Action.UNCONFIRMED_RELEASED)
            _promote_everything(event, now=now)
            released += 1
    return released


def resend_links(*, email: str, renew: bool = False, now: datetime | None = None) -> int:
    """Send her personal link again for every active registration of this address whose links still
    work (none: nothing happens), with her check-in QR code where she has a place.

    Her links and check-in code stay as they are (anyone who knows her address may ask for this), unless
    she asks for new ones (`renew`): then the links and code sent before stop working, and the mail holds
    the new ones. The caller answers the same either way, so nobody learns whether an address is registered.
    """
    now = now or timezone.now()
    with atomic():
        registrations = list(
            Registration.objects.filter(
                Q(email=email.strip().lower()),
                status__in=Registration.ACTIVE,
                event__ends_at__gt=now - timedelta(days=settings.PERSONAL_LINK_DAYS_AFTER_EVENT),
            )
            .select_related("event")
            .select_for_update(of=("self",))
        )
        for registration in registrations:
            if renew:
                renew_links(registration)
            entry = log(registration, Action.LINK_SENT)
            notify.registration_message(registration, "personal_link", entry)
        return len(registrations)


def renew_links(registration: Registration) -> None:
    """Her personal links (manage, confirm, unsubscribe, check-in code) get a new version: the old ones
    stop working. The caller holds her row lock and sends her the new link if she should have one."""
    registration.token_version += 1
    registration.save(update_fields=["token_version", "updated_at"])


def _promote_everything(event: Event, *, now: datetime) -> None:
    promote_event(event, now=now)
    waiting = Booking.objects.filter(registration__event=event, status=Booking.Status.WAITLISTED)
    workshops = lock_workshops(waiting.values_list("workshop_id", flat=True), event_id=event.pk)
    for workshop in workshops.values():
        promote_workshop(workshop, event=event, now=now)


def attach_to_account(*, user, email: str) -> int:
    """Registrations made as a guest with this (now verified) address belong to her account from now on."""
    return Registration.objects.filter(email=email.strip().lower(), user__isnull=True).update(user=user)
