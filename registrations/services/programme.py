"""Organisers change the programme: the people booked hear of it, with their calendars updated.

The back office's programme page builds and edits it here (add_slot … reorder_workshop): each change one
transaction, under the event's lock (services/locking.py), with the rules below for what people booked are
told and what is refused.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fachtag.models import TimeSlot, Workshop
from registrations.errors import NotAllowed
from registrations.models import Booking, Registration
from registrations.services import notify, places
from registrations.services.history import Action, log
from registrations.services.locking import atomic, lock_event, lock_event_places, lock_workshops
from registrations.services.staff import set_capacity
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


# --- Building and editing the programme (the back office's programme page) -----------------------------


class ProgrammeRefused(NotAllowed):
    """A programme change refused by a rule; `field` names the form field the reason belongs next to."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SlotDetails:
    """What an organiser enters for a time slot (the title in German, the source of its translations)."""

    kind: str
    starts_at: datetime
    ends_at: datetime
    title_de: str


@dataclass(frozen=True)
class WorkshopDetails:
    """What an organiser enters for a workshop, in German."""

    title_de: str
    description_de: str
    speakers: str
    room: str
    capacity: int | None
    languages: list[str]


# Changes that reach the people seated in a workshop (as in the admin: time, room, title).
ANNOUNCED_WORKSHOP_FIELDS = {"title_de", "room", "slot"}


def _stored(row, name: str):
    """A field's stored value; a translation field never written is None, the same as an empty text."""
    value = getattr(row, name)
    return "" if value is None else value


def _event_of_slot(slot_id: int) -> int:
    return TimeSlot.objects.values_list("event_id", flat=True).get(pk=slot_id)


def _slot_has_bookings(slot_id: int) -> bool:
    return Booking.objects.filter(slot_id=slot_id, status__in=Booking.ACTIVE).exists()


def _refuse_overlap(event_id: int, details: SlotDetails, *, slot_id: int | None = None) -> None:
    """Time slots of one event do not overlap: she books one workshop per slot, so two slots at the same
    time would seat her twice at once (a slot may begin when the other ends)."""
    other = (
        TimeSlot.objects.filter(
            event_id=event_id, starts_at__lt=details.ends_at, ends_at__gt=details.starts_at
        )
        .exclude(pk=slot_id)
        .order_by("starts_at")
        .first()
    )
    if other is not None:
        times = {
            "title": other.title or "",
            "start": formats.time_format(timezone.localtime(other.starts_at), "TIME_FORMAT"),
            "end": formats.time_format(timezone.localtime(other.ends_at), "TIME_FORMAT"),
        }
        if other.title:
            message = _(
                "This time overlaps the time slot “%(title)s” (%(start)s–%(end)s). Choose another time."
            )
        else:
            message = _("This time overlaps another time slot (%(start)s–%(end)s). Choose another time.")
        raise ProgrammeRefused(message % times, field="starts_at")


def add_slot(*, event_id: int, details: SlotDetails) -> TimeSlot:
    """A new, empty time slot of the event. The caller has checked its times (TimeSlot.clean); one that
    overlaps another slot of the event is refused (ProgrammeRefused)."""
    with atomic():
        lock_event(event_id)
        _refuse_overlap(event_id, details)
        return TimeSlot.objects.create(
            event_id=event_id,
            kind=details.kind,
            starts_at=details.starts_at,
            ends_at=details.ends_at,
            title_de=details.title_de,
        )


def edit_slot(*, slot_id: int, details: SlotDetails, actor=None) -> list[str]:
    """Change a time slot's kind, times or German title; returns the fields changed. A new time reaches
    everyone seated in its workshops (workshop_changed). Raises ProgrammeRefused when the kind of a slot
    with bookings would change (her choice in it would no longer fit)."""
    with atomic():
        lock_event(_event_of_slot(slot_id))
        slot = TimeSlot.objects.select_for_update().get(pk=slot_id)
        changed = [
            name
            for name in ("kind", "starts_at", "ends_at", "title_de")
            if _stored(slot, name) != getattr(details, name)
        ]
        if "kind" in changed and _slot_has_bookings(slot_id):
            raise ProgrammeRefused(
                _("People are booked in this time slot: its kind cannot change any more."), field="kind"
            )
        if "kind" in changed and details.kind == TimeSlot.Kind.PARALLEL:
            if slot.workshops.filter(capacity__isnull=True).exists():
                raise ProgrammeRefused(
                    _("Give each of its workshops a capacity first: parallel workshops need one."),
                    field="kind",
                )
        if not changed:
            return []
        if {"starts_at", "ends_at"} & set(changed):
            _refuse_overlap(slot.event_id, details, slot_id=slot_id)
        for name in changed:
            setattr(slot, name, getattr(details, name))
        slot.save(update_fields=changed)
        if {"starts_at", "ends_at"} & set(changed):
            for workshop_id in slot.workshops.exclude(status=Workshop.Status.CANCELLED).values_list(
                "pk", flat=True
            ):
                workshop_changed(workshop_id=workshop_id, actor=actor)
        return changed


def remove_slot(*, slot_id: int) -> None:
    """Remove a time slot without workshops. Raises ProgrammeRefused while it has any (cancelled ones keep
    the history of their bookings)."""
    with atomic():
        lock_event(_event_of_slot(slot_id))
        slot = TimeSlot.objects.select_for_update().get(pk=slot_id)
        if slot.workshops.exists():
            raise ProgrammeRefused(
                _(
                    "Only a time slot without workshops can be removed. Move its workshops to another time slot first."
                )
            )
        slot.delete()


def _next_position(slot_id: int, *, without: int | None = None) -> int:
    """The position after the last one of a slot's list (0 in an empty slot), leaving out workshop `without`."""
    last = (
        Workshop.objects.filter(slot_id=slot_id).exclude(pk=without).aggregate(last=Max("position"))["last"]
    )
    return 0 if last is None else last + 1


def add_workshop(*, slot_id: int, details: WorkshopDetails) -> Workshop:
    """A new workshop at the end of the slot's list. The caller has checked its fields (Workshop.clean)."""
    with atomic():
        lock_event(_event_of_slot(slot_id))
        return Workshop.objects.create(
            slot_id=slot_id,
            position=_next_position(slot_id),
            title_de=details.title_de,
            description_de=details.description_de,
            speakers=details.speakers,
            room=details.room,
            capacity=details.capacity,
            languages=details.languages,
        )


def edit_workshop(
    *, workshop_id: int, slot_id: int, details: WorkshopDetails, actor, now: datetime
) -> list[str]:
    """Change a workshop, in one transaction: its texts, speakers, room, languages; its time slot (moved
    with its bookings, or refused: move_workshop); its capacity (never below the places taken, freed seats
    offered to the waiting list: set_capacity). Those seated are told of a new title, room or time.
    Returns the fields changed. Raises ProgrammeRefused (with the field) for a refused move or capacity;
    then nothing is saved."""
    with atomic():
        event = lock_event_places(
            Workshop.objects.values_list("slot__event_id", flat=True).get(pk=workshop_id)
        )
        workshop = lock_workshops([workshop_id], event_id=event.pk)[workshop_id]
        if workshop.is_cancelled:
            raise ProgrammeRefused(_("This workshop is cancelled and can no longer be changed."))
        changed = [
            name
            for name in ("title_de", "description_de", "speakers", "room", "languages")
            if _stored(workshop, name) != getattr(details, name)
        ]
        if changed:
            Workshop.objects.filter(pk=workshop_id).update(
                **{name: getattr(details, name) for name in changed}
            )
        if slot_id != workshop.slot_id:
            _move(workshop, slot_id=slot_id, event_id=event.pk)
            changed.append("slot")
        if (
            details.capacity is None
            and TimeSlot.objects.filter(pk=slot_id, kind=TimeSlot.Kind.PARALLEL).exists()
        ):
            raise ProgrammeRefused(_("A workshop in a parallel slot needs a capacity."), field="capacity")
        if details.capacity != workshop.capacity:
            _change_capacity(workshop, details.capacity, actor=actor, now=now)
            changed.append("capacity")
        if ANNOUNCED_WORKSHOP_FIELDS & set(changed):
            workshop_changed(workshop_id=workshop_id, actor=actor)
        return changed


def _move(workshop: Workshop, *, slot_id: int, event_id: int) -> None:
    if not TimeSlot.objects.filter(pk=slot_id, event_id=event_id).exists():
        raise ProgrammeRefused(_("Choose a time slot of this event."), field="slot")
    try:
        move_workshop(workshop_id=workshop.pk, slot_id=slot_id)
    except NotAllowed as exc:
        raise ProgrammeRefused(exc.message, field="slot") from exc
    Workshop.objects.filter(pk=workshop.pk).update(position=_next_position(slot_id, without=workshop.pk))


def _change_capacity(workshop: Workshop, capacity: int | None, *, actor, now: datetime) -> None:
    if capacity is None:  # a plenary talk: the event's capacity applies
        Workshop.objects.filter(pk=workshop.pk).update(capacity=None)
        return
    try:
        set_capacity(
            event_id=workshop.slot.event_id, workshop_id=workshop.pk, capacity=capacity, actor=actor, now=now
        )
    except NotAllowed as exc:
        raise ProgrammeRefused(exc.message, field="capacity") from exc


def reorder_workshop(*, workshop_id: int, step: int) -> bool:
    """Move a workshop one place up (step -1) or down (+1) in its slot's list; the list is numbered
    0, 1, 2 … afterwards. Returns False when it is already first or last."""
    with atomic():
        slot_id, event_id = Workshop.objects.values_list("slot_id", "slot__event_id").get(pk=workshop_id)
        lock_event(event_id)
        order = list(
            Workshop.objects.filter(slot_id=slot_id).order_by("position", "pk").values_list("pk", "position")
        )
        ids = [pk for pk, _position in order]
        index = ids.index(workshop_id)
        other = index + step
        if step not in (-1, 1) or not 0 <= other < len(ids):
            return False
        ids[index], ids[other] = ids[other], ids[index]
        positions = dict(order)
        for position, pk in enumerate(ids):
            if positions[pk] != position:
                Workshop.objects.filter(pk=pk).update(position=position)
        return True
