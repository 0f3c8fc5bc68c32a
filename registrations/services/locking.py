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


def lock_event(event_id: int) -> Event:
    """Lock and return the event row. Must run inside transaction.atomic(); raises Busy on a lock timeout."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_event() needs a transaction")
    _set_lock_timeout()
    try:
        return Event.objects.select_for_update().get(pk=event_id)
    except OperationalError as exc:
        raise _busy_or_raise(exc) from exc


def lock_workshops(ids: Iterable[int], *, event_id: int) -> dict[int, Workshop]:
    """Lock workshops of the event (in pk order, after the event). Unknown or foreign ids are left out."""
    rows = (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("slot")
        .filter(pk__in=set(ids), slot__event_id=event_id)
        .order_by("pk")
    )
    try:
        return {workshop.pk: workshop for workshop in rows}
    except OperationalError as exc:
        raise _busy_or_raise(exc) from exc


def lock_childcare_groups(event_id: int) -> list[ChildcareGroup]:
    try:
        return list(ChildcareGroup.objects.select_for_update().filter(event_id=event_id).order_by("pk"))
    except OperationalError as exc:
        raise _busy_or_raise(exc) from exc


def atomic():
    """The one transaction a service runs in."""
    return transaction.atomic()
