"""Which status may follow which. Every status change of a registration or a booking goes through
set_registration_status / set_booking_status, which refuse a move this table does not list.

New rows are inserted in their first status by the sign-up (a registration pending, confirmed or
waitlisted; a booking confirmed or waitlisted) and by selfservice.change_workshop (a booking). Expired
and cancelled are final: she signs up again for a new registration, or chooses again for a new booking.
"""

from datetime import datetime

from django.db.models import Model
from django.utils import timezone

from registrations.errors import NotAllowed
from registrations.models import Booking, Registration

R = Registration.Status
B = Booking.Status

REGISTRATION_MOVES: dict[str, frozenset[str]] = {
    # She confirmed her address; she cancelled, or did not confirm it in time.
    R.PENDING: frozenset({R.CONFIRMED, R.CANCELLED}),
    R.CONFIRMED: frozenset({R.CANCELLED}),
    # A place is offered to her, or given at once (direct waiting lists, or an organiser confirms her).
    R.WAITLISTED: frozenset({R.OFFERED, R.CONFIRMED, R.CANCELLED}),
    R.OFFERED: frozenset({R.CONFIRMED, R.EXPIRED, R.CANCELLED}),
    R.EXPIRED: frozenset(),
    R.CANCELLED: frozenset(),
}

BOOKING_MOVES: dict[str, frozenset[str]] = {
    # Given up, moved to another workshop of the slot, workshop cancelled, or her registration ended.
    B.CONFIRMED: frozenset({B.CANCELLED}),
    B.WAITLISTED: frozenset({B.OFFERED, B.CONFIRMED, B.CANCELLED}),
    B.OFFERED: frozenset({B.CONFIRMED, B.EXPIRED, B.CANCELLED}),
    B.EXPIRED: frozenset(),
    B.CANCELLED: frozenset(),
}


# Her arrival (Registration.checked_in_at): recorded at the door, and taken back when it was a mistake.
ABSENT, ARRIVED = "absent", "arrived"
CHECKIN_MOVES: dict[str, frozenset[str]] = {
    ABSENT: frozenset({ARRIVED}),
    ARRIVED: frozenset({ABSENT}),
}


class IllegalTransition(NotAllowed):
    """A status change the table does not allow, or the row is no longer in the status it was read in:
    nothing is written."""


def set_registration_status(
    registration: Registration, status: str, *, offer_expires_at: datetime | None = None
) -> None:
    """Move her registration to `status` (an offer with its deadline; any other status clears it).
    The caller holds the event lock and her row lock. Raises IllegalTransition."""
    _move(registration, REGISTRATION_MOVES, status, offer_expires_at)


def set_booking_status(booking: Booking, status: str, *, offer_expires_at: datetime | None = None) -> None:
    """Move one booking to `status` (an offer with its deadline; any other status clears it).
    The caller holds the event lock. Raises IllegalTransition."""
    _move(booking, BOOKING_MOVES, status, offer_expires_at)


def _move(row: Model, moves: dict[str, frozenset[str]], status: str, offer_expires_at) -> None:
    old = row.status
    if status not in moves.get(old, frozenset()):
        raise IllegalTransition()
    now = timezone.now()
    # Written only while the row is still in the status the move starts from: a copy read before
    # another change (a stale instance) cannot undo that change.
    written = (
        type(row)
        .objects.filter(pk=row.pk, status=old)
        .update(status=status, offer_expires_at=offer_expires_at, updated_at=now)
    )
    if not written:
        raise IllegalTransition()
    row.status, row.offer_expires_at, row.updated_at = status, offer_expires_at, now


def set_arrival(registration: Registration, arrived_at: datetime | None) -> None:
    """Record her arrival at `arrived_at`, or take it back (None). The caller holds the event lock and her
    row lock. Raises IllegalTransition for a move CHECKIN_MOVES does not list (arriving twice, undoing an
    arrival that was not recorded) or when her row changed since it was read."""
    old = ABSENT if registration.checked_in_at is None else ARRIVED
    new = ABSENT if arrived_at is None else ARRIVED
    if new not in CHECKIN_MOVES[old]:
        raise IllegalTransition()
    now = timezone.now()
    written = Registration.objects.filter(
        pk=registration.pk, checked_in_at=registration.checked_in_at
    ).update(checked_in_at=arrived_at, updated_at=now)
    if not written:
        raise IllegalTransition()
    registration.checked_in_at, registration.updated_at = arrived_at, now
