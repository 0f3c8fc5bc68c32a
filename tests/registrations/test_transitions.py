"""The table of status moves: every allowed move is written, every other one is refused and writes nothing."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from registrations import services
from registrations.errors import NotAllowed
from registrations.models import Booking, Registration
from registrations.services import waitlist
from registrations.services.transitions import (
    BOOKING_MOVES,
    CHECKIN_MOVES,
    REGISTRATION_MOVES,
    IllegalTransition,
    set_arrival,
    set_booking_status,
    set_registration_status,
)
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db


def test_the_table_of_registration_moves():
    assert {old: set(new) for old, new in REGISTRATION_MOVES.items()} == {
        "pending": {"confirmed", "cancelled"},
        "confirmed": {"cancelled"},
        "waitlisted": {"offered", "confirmed", "cancelled"},
        "offered": {"confirmed", "expired", "cancelled"},
        "expired": set(),
        "cancelled": set(),
    }
    assert set(REGISTRATION_MOVES) == set(Registration.Status.values)


def test_the_table_of_booking_moves():
    assert {old: set(new) for old, new in BOOKING_MOVES.items()} == {
        "confirmed": {"cancelled"},
        "waitlisted": {"offered", "confirmed", "cancelled"},
        "offered": {"confirmed", "expired", "cancelled"},
        "expired": set(),
        "cancelled": set(),
    }
    assert set(BOOKING_MOVES) == set(Booking.Status.values)


def test_the_table_of_check_in_moves():
    assert {old: set(new) for old, new in CHECKIN_MOVES.items()} == {
        "absent": {"arrived"},
        "arrived": {"absent"},  # undo of a check-in made by mistake
    }


def test_arriving_twice_or_undoing_no_arrival_is_refused_and_writes_nothing(her_rows):
    registration, _booking = her_rows
    with pytest.raises(IllegalTransition):
        set_arrival(registration, None)
    arrived = timezone.now()
    set_arrival(registration, arrived)
    assert reload(registration).checked_in_at == arrived
    with pytest.raises(IllegalTransition):
        set_arrival(registration, arrived + timedelta(minutes=1))
    stale = reload(registration)
    set_arrival(registration, None)
    with pytest.raises(IllegalTransition):  # read before the undo: cannot undo it again
        set_arrival(stale, None)
    assert reload(registration).checked_in_at is None


def test_a_refused_move_is_a_not_allowed_with_a_message_she_can_read():
    assert issubclass(IllegalTransition, NotAllowed)
    assert str(IllegalTransition()) == str(NotAllowed.message)


def _deadline(status):
    return timezone.now() + timedelta(days=1) if status == "offered" else None


def _put(row, status):
    """Put a row into the status a move starts from, straight in the database (its deadlines too)."""
    fields = {"status": status, "offer_expires_at": _deadline(status)}
    if isinstance(row, Registration):
        fields["confirm_email_by"] = timezone.now() + timedelta(hours=1)
    type(row).objects.filter(pk=row.pk).update(**fields)
    return reload(row)


@pytest.fixture
def her_rows():
    event = EventFactory(capacity=10)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=10)
    registration = sign_up(event, workshop)
    return registration, registration.bookings.get()


@pytest.mark.parametrize(
    ("kind", "moves", "setter"),
    [
        ("registration", REGISTRATION_MOVES, set_registration_status),
        ("booking", BOOKING_MOVES, set_booking_status),
    ],
)
def test_every_move_is_written_or_refused_as_the_table_says(her_rows, kind, moves, setter):
    row = her_rows[0] if kind == "registration" else her_rows[1]
    statuses = type(row).Status.values
    allowed = refused = 0
    for old, new in itertools.product(statuses, statuses):
        row = _put(row, old)
        before = (row.status, row.offer_expires_at, row.updated_at)
        if new in moves[old]:
            deadline = _deadline(new)
            setter(row, new, offer_expires_at=deadline)
            assert (row.status, row.offer_expires_at) == (new, deadline), (old, new)
            stored = reload(row)
            assert (stored.status, stored.offer_expires_at) == (new, deadline), (old, new)
            assert stored.updated_at > before[2], (old, new)
            allowed += 1
        else:
            with pytest.raises(IllegalTransition):
                setter(row, new, offer_expires_at=_deadline(new))
            assert (row.status, row.offer_expires_at, row.updated_at) == before, (old, new)
            stored = reload(row)
            assert (stored.status, stored.offer_expires_at, stored.updated_at) == before, (old, new)
            refused += 1
    assert allowed == sum(len(targets) for targets in moves.values())
    assert allowed + refused == len(statuses) ** 2


def test_an_offer_moving_on_clears_its_deadline(her_rows):
    registration, booking = her_rows
    registration, booking = _put(registration, "waitlisted"), _put(booking, "waitlisted")
    set_registration_status(registration, "offered", offer_expires_at=_deadline("offered"))
    set_booking_status(booking, "offered", offer_expires_at=_deadline("offered"))
    set_registration_status(registration, "expired")
    set_booking_status(booking, "confirmed")
    assert reload(registration).offer_expires_at is None and reload(booking).offer_expires_at is None


def test_a_copy_read_before_another_change_cannot_undo_it(her_rows):
    """Allowed from the status the copy shows, but the row has moved on since it was read: refused."""
    registration, booking = her_rows
    _put(registration, "offered"), _put(booking, "offered")
    stale_registration = Registration.objects.get(pk=registration.pk)
    stale_booking = Booking.objects.get(pk=booking.pk)
    Registration.objects.filter(pk=registration.pk).update(status="expired", offer_expires_at=None)
    Booking.objects.filter(pk=booking.pk).update(status="cancelled", offer_expires_at=None)

    with pytest.raises(IllegalTransition):
        set_registration_status(stale_registration, "confirmed")
    with pytest.raises(IllegalTransition):
        set_booking_status(stale_booking, "confirmed")

    assert (reload(registration).status, reload(booking).status) == ("expired", "cancelled")
    assert (stale_registration.status, stale_booking.status) == ("offered", "offered")


def test_seating_her_waiting_wishes_moves_each_booking_through_the_table(monkeypatch):
    """allocate_bookings (an organiser confirms her from the waiting list) writes no status around the setter."""
    event = EventFactory(capacity=1)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=5)
    sign_up(event, workshop)  # takes the only place
    waiting = sign_up(event, workshop)
    wish = waiting.bookings.get()
    assert (waiting.status, wish.status) == ("waitlisted", "waitlisted")
    type(event).objects.filter(pk=event.pk).update(capacity=2)
    moves = []
    setter = waitlist.set_booking_status

    def recorded(booking, status, **fields):
        moves.append((booking.pk, status))
        setter(booking, status, **fields)

    monkeypatch.setattr(waitlist, "set_booking_status", recorded)

    services.confirm_from_waitlist(registration_id=waiting.pk, actor=None, now=timezone.now())

    assert moves == [(wish.pk, "confirmed")]
    assert (reload(waiting).status, reload(wish).status) == ("confirmed", "confirmed")
