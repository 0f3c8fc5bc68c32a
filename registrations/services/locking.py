"""Row locks for everything that uses up or frees places.

Every service that changes places locks the event row first, then workshops and childcare groups in
primary-key order: one order everywhere, so two transactions can never wait for each other in a circle.
Locks are held only for the short transaction that decides and writes.
"""

from collections.abc import Iterable

from django.db import OperationalError, connection, transaction

from fachtag.models import ChildcareGroup, Event, Workshop
from registrations.errors import Busy

# Long enough for a queue of simultaneous sign-ups to drain; a request that still waits gets a friendly "try again".
LOCK_TIMEOUT = "10s"
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock wait that hit lock_timeout


def _busy_or_raise(exc: OperationalError) -> Busy:
    """A lock wait that timed out means "too many at once" (Busy); anything else (a dropped connection)
    is a real database fault and goes up as it is."""
    if getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
        return Busy()
    raise exc


def _set_lock_timeout() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


# What decides places, read under the lock onto a copy of the programme (lock_event/lock_workshops
# with `onto`): the event's state, dates and counters, the workshops' slot, state and counters.
EVENT_STATE = (
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
WORKSHOP_STATE = ("slot_id", "status", "capacity", "seats_taken")


# The same reads as SQL (PostgreSQL): the sign-up rush's hottest statements, where the ORM's own work was
# about four times the statement's (bench/orm_cost.py). Columns in the order of EVENT_STATE/WORKSHOP_STATE.
# Without a lock (read_event, read_workshops) and with one (lock_event, lock_workshops).
EVENT_STATE_SQL = """
    SELECT status, starts_at, ends_at, registration_opens_at, registration_closes_at,
           capacity, seats_taken, requires_email_confirmation, email_confirmation_hours
    FROM fachtag_event WHERE id = %s"""
WORKSHOPS_STATE_SQL = """
    SELECT w.id, w.slot_id, w.status, w.capacity, w.seats_taken
    FROM fachtag_workshop w JOIN fachtag_timeslot s ON s.id = w.slot_id
    WHERE w.id = ANY(%s) AND s.event_id = %s ORDER BY w.id"""
LOCKED = {EVENT_STATE_SQL: " FOR UPDATE", WORKSHOPS_STATE_SQL: " FOR UPDATE OF w"}


def _fetch(sql: str, params: list, *, lock: bool) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql + LOCKED[sql] if lock else sql, params)
        return cursor.fetchall()


def _copies_possible(onto) -> bool:
    """Only the state is read onto copies on PostgreSQL; SQLite (the quick start) reads whole rows."""
    return onto is not None and connection.vendor == "postgresql"


def lock_event(event_id: int, *, onto: Event | None = None) -> Event:
    """Lock and return the event row. Must run inside transaction.atomic(); raises Busy on a lock timeout.

    With `onto` (a copy of the event, e.g. the sign-up page's programme copy) only EVENT_STATE is read,
    written onto the copy, and the copy returned: its titles and texts may be seconds old, what decides
    places is current.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("lock_event() needs a transaction")
    _set_lock_timeout()
    return _event(event_id, onto, lock=True)


def read_event(event_id: int, *, onto: Event | None = None) -> Event:
    """lock_event() without the lock: the event as it is now, e.g. to decide before locking (see signup)."""
    return _event(event_id, onto, lock=False)


def _event(event_id: int, onto: Event | None, *, lock: bool) -> Event:
    try:
        if not _copies_possible(onto):
            events = Event.objects.select_for_update() if lock else Event.objects
            return events.get(pk=event_id)
        state = _fetch(EVENT_STATE_SQL, [event_id], lock=lock)
    except OperationalError as exc:
        raise _busy_or_raise(exc) from exc
    if not state:
        raise Event.DoesNotExist
    for name, value in zip(EVENT_STATE, state[0], strict=True):
        setattr(onto, name, value)
    return onto


def lock_workshops(
    ids: Iterable[int], *, event_id: int, onto: dict[int, Workshop] | None = None
) -> dict[int, Workshop]:
    """Lock workshops of the event (in pk order, after the event), with their slots. Unknown or foreign
    ids are left out.

    With `onto` (copies of the event's workshops with their slots, by pk) only WORKSHOP_STATE is read
    and written onto the copies (a workshop moved to another slot since then gets its slot read when used:
    Django drops a cached slot whose id changes); one the copies lack is left out like an unknown id.
    """
    return _workshops(ids, event_id, onto, lock=True)


def read_workshops(
    ids: Iterable[int], *, event_id: int, onto: dict[int, Workshop] | None = None
) -> dict[int, Workshop]:
    """lock_workshops() without the lock."""
    return _workshops(ids, event_id, onto, lock=False)


def _workshops(ids, event_id: int, onto: dict[int, Workshop] | None, *, lock: bool) -> dict[int, Workshop]:
    ids = sorted(set(ids))
    try:
        if not _copies_possible(onto):
            rows = Workshop.objects.select_related("slot")
            if lock:
                rows = rows.select_for_update(of=("self",))
            return {
                workshop.pk: workshop
                for workshop in rows.filter(pk__in=ids, slot__event_id=event_id).order_by("pk")
            }
        states = _fetch(WORKSHOPS_STATE_SQL, [ids, event_id], lock=lock)
    except OperationalError as exc:
        raise _busy_or_raise(exc) from exc
    found = {}
    for pk, *state in states:
        if pk in onto:
            for name, value in zip(WORKSHOP_STATE, state, strict=True):
                setattr(onto[pk], name, value)
            found[pk] = onto[pk]
    return found


def lock_childcare_groups(event_id: int) -> list[ChildcareGroup]:
    return _childcare_groups(event_id, lock=True)


def read_childcare_groups(event_id: int) -> list[ChildcareGroup]:
    """lock_childcare_groups() without the lock."""
    return _childcare_groups(event_id, lock=False)


def _childcare_groups(event_id: int, *, lock: bool) -> list[ChildcareGroup]:
    rows = ChildcareGroup.objects.filter(event_id=event_id).order_by("pk")
    try:
        return list(rows.select_for_update() if lock else rows)
    except OperationalError as exc:
        raise _busy_or_raise(exc) from exc


def atomic():
    """The one transaction a service runs in."""
    return transaction.atomic()
