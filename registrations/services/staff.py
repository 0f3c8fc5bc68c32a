"""What organisers do for a participant or a workshop: the same locks and messages as everything else."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from fachtag.models import Event, Workshop
from notifications.models import OutboxMessage
from registrations.errors import NotAllowed, RegistrationError
from registrations.message_keys import messages_to
from registrations.models import Booking, Registration
from registrations.services import notify, places
from registrations.services.history import Action, log
from registrations.services.locking import (
    atomic,
    lock_childcare_groups,
    lock_event,
    lock_event_places,
    lock_workshops,
)
from registrations.services.privacy import ANONYMOUS_RECIPIENT, is_anonymised
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


class EmailTaken(RegistrationError):
    """Another active registration of the event has this address already."""

    message = _("Another active registration of this event has this e-mail address.")


# Written into her unsent messages to an address organisers corrected (no personal data).
ADDRESS_CORRECTED = "withdrawn: address corrected"

# The details organisers correct for her; staff_notes are their own.
EDITABLE_FIELDS = ("name", "email", "phone", "language", "staff_notes")


@dataclass(frozen=True)
class EditResult:
    changed: list[str]  # the names of the fields that changed, in EDITABLE_FIELDS order
    link_sent: bool  # a new personal link went to her new address


def edit_registration(*, registration_id: int, changes: dict, actor, now: datetime) -> EditResult:
    """An organiser corrects her name, e-mail address, phone or message language, or writes staff notes.

    Only the fields in EDITABLE_FIELDS that differ are saved, with one history entry naming them (names,
    never values). A new address (a typo fixed) must not be that of another active registration of the
    event (EmailTaken); the event's row lock keeps a sign-up with that address out meanwhile. Her personal
    links are then replaced, so the links sent to the old address stop working, and, while she can still
    use one, the new link goes to the new address, in her message language (a changed language counts for
    this mail and every later one). The old address is told nothing: a mail to a stranger's mistyped
    mailbox would itself say that someone signed up for this event (docs/privacy.md); her messages to it
    not sent yet (or failed) are withdrawn. An anonymised registration is not edited (NotAllowed).
    """
    with atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        lock_event(event_id)
        registration = (
            Registration.objects.select_for_update().select_related("event").get(pk=registration_id)
        )
        if is_anonymised(registration):
            raise NotAllowed()
        cleaned = {field: changes[field] for field in EDITABLE_FIELDS if field in changes}
        if "email" in cleaned:
            cleaned["email"] = cleaned["email"].strip().lower()
        changed = [field for field, value in cleaned.items() if getattr(registration, field) != value]
        if not changed:
            return EditResult(changed=[], link_sent=False)
        new_address = "email" in changed and cleaned["email"]
        if new_address and registration.is_active and _address_taken(registration, cleaned["email"]):
            raise EmailTaken()
        old_email = registration.email
        for field in changed:
            setattr(registration, field, cleaned[field])
        registration.save(update_fields=[*changed, "updated_at"])
        entry = log(registration, Action.EDITED, actor=actor, fields=changed)
        link_sent = bool(new_address) and _new_address(registration, old_email, entry, now=now)
        return EditResult(changed=changed, link_sent=link_sent)


def _new_address(registration: Registration, old_email: str, entry, *, now: datetime) -> bool:
    """Her links are replaced and the old address gets nothing more; while her links can still be used,
    the new address is sent the new one (the e-mail confirmation while that is pending). Returns whether
    a link was sent."""
    renew_links(registration)
    _withdraw_unsent(registration, old_email, now=now)
    if not registration.is_active or now >= links_expire_at(registration):
        return False
    pending = registration.status == Registration.Status.PENDING
    notify.registration_message(registration, "confirm_email" if pending else "personal_link", entry)
    return True


def _address_taken(registration: Registration, email: str) -> bool:
    return (
        Registration.objects.filter(
            event_id=registration.event_id, email=email, status__in=Registration.ACTIVE
        )
        .exclude(pk=registration.pk)
        .exists()
    )


def _withdraw_unsent(registration: Registration, old_email: str, *, now: datetime) -> None:
    """Her messages to the old address that have not gone out (waiting, or failed and so sendable again
    from the mail queue) never will: addressed to the reserved .invalid domain, their contents emptied."""
    OutboxMessage.objects.filter(messages_to([registration.uuid.hex]), to=old_email, sent_at=None).update(
        to=ANONYMOUS_RECIPIENT,
        context={},
        failed_at=now,
        claimed_at=None,
        last_error=ADDRESS_CORRECTED,
    )
