"""Row locks for everything that uses up or frees places.

One order everywhere, so that two transactions can never wait for each other in a circle:

1. the event row (lock_event), which every service that changes places takes first;
2. workshops, by id (lock_workshops);
3. childcare groups, by id (lock_childcare_groups).

A sign-up locks only what it uses: the event, her chosen workshops, the groups if she brings children
(lock_event_state, lock_workshop_state: it has their texts already and reads under the locks only what
decides a place). A service that frees places hands them on to waiting lists that may reach any workshop
and group of the event, so it locks them all at the start (lock_event_places), and whatever it locks again
later is already its own. Her registration row, where a service needs it, comes after these. Locks are held only for the
short transaction that decides and writes.
"""

from collections.abc import Iterable

from django.db import OperationalError, connection, transaction

from fachtag.models import ChildcareGroup, Event, Workshop
from registrations.errors import Busy

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock wait that hit lock_timeout


def _busy_or_raise(exc: OperationalError) -> Busy:
    """A lock wait that timed out means "too many at once" (Busy); anything else (a dropped connection)
    is a real database fault and goes up as it is."""
    if getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
        return Busy()
    raise exc


def _locked(rows):
    try:
        return list(rows)
    except OperationalError as exc:
        raise _busy_or_raise(exc) from exc


def _in_transaction() -> None:
    """Locks are held until the transaction ends, so a lock outside one would be released at once. How long
    a lock is waited for is the connection's lock_timeout (settings.DATABASE_LOCK_TIMEOUT), then Busy."""
    if not connection.in_atomic_block:
        raise RuntimeError("locks need a transaction")


def lock_event(event_id: int) -> Event:
    """Lock and return the event row. Must run inside transaction.atomic(); raises Busy on a lock timeout."""
    _in_transaction()
    found = _locked(Event.objects.select_for_update().filter(pk=event_id))
    if not found:
        raise Event.DoesNotExist
    return found[0]


# What decides a place at the event (Event.registration_state, free_seats, the confirmation step).
EVENT_PLACE_FIELDS = (
    "status",
    "starts_at",
    "ends_at",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "seats_taken",
    "requires_email_confirmation",
    "email_confirmation_hours",
)


def lock_event_state(event: Event) -> None:
    """Lock the event's row and read from it what decides a place (EVENT_PLACE_FIELDS) onto this instance
    of the caller's own: the sign-up, which has the event's texts already and needs only these under the lock."""
    _in_transaction()
    rows = _locked(Event.objects.select_for_update().filter(pk=event.pk).values_list(*EVENT_PLACE_FIELDS))
    if not rows:
        raise Event.DoesNotExist
    for field, value in zip(EVENT_PLACE_FIELDS, rows[0], strict=True):
        setattr(event, field, value)


def lock_event_places(event_id: int) -> Event:
    """Lock the event, then all its workshops by id, then all its childcare groups by id; returns the event.
    For services that free places or hand them on."""
    event = lock_event(event_id)
    _locked(Workshop.objects.select_for_update(of=("self",)).filter(slot__event_id=event_id).order_by("pk"))
    lock_childcare_groups(event_id)
    return event


def lock_workshops(ids: Iterable[int], *, event_id: int) -> dict[int, Workshop]:
    """Lock workshops of the event by id (after the event), with their slots, by id. Unknown or foreign
    ids are left out."""
    rows = (
        Workshop.objects.select_related("slot")
        .select_for_update(of=("self",))
        .filter(pk__in=set(ids), slot__event_id=event_id)
        .order_by("pk")
    )
    return {workshop.pk: workshop for workshop in _locked(rows)}


def lock_workshop_state(workshops: Iterable[Workshop]) -> dict[int, Workshop]:
    """Lock these workshops' rows by id (after the event) and refresh from them what decides a seat (status,
    capacity, seats taken), on the caller's own instances, which have their texts already; returns them by id.
    A workshop no longer in the slot the caller read it in (moved to another slot) is left out."""
    shown = {workshop.pk: workshop for workshop in workshops}
    rows = (
        Workshop.objects.select_for_update()
        .filter(pk__in=shown)
        .order_by("pk")
        .values_list("pk", "slot_id", "status", "capacity", "seats_taken")
    )
    locked = {}
    for pk, slot_id, status, capacity, seats_taken in _locked(rows):
        workshop = shown[pk]
        if workshop.slot_id == slot_id:
            workshop.status, workshop.capacity, workshop.seats_taken = status, capacity, seats_taken
            locked[pk] = workshop
    return locked


def lock_childcare_groups(event_id: int) -> list[ChildcareGroup]:
    """Lock the event's childcare groups by id (after the event and any workshops)."""
    return _locked(ChildcareGroup.objects.select_for_update().filter(event_id=event_id).order_by("pk"))


def atomic():
    """The one transaction a service runs in."""
    return transaction.atomic()
