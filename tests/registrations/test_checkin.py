"""Check-in as a service of registrations: once, only with a place unless staff say anyway, status untouched.
(Who may check her in, and the audit entry, are the back office's: tests/backoffice/test_checkin.py.)"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from registrations import services
from registrations.models import Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db

NINE = berlin(2099, 3, 12, 9, 0)


@pytest.fixture
def event():
    event = EventFactory(capacity=1)
    WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=5)
    return event


def test_she_is_checked_in_once(event):
    registration = sign_up(event)
    assert registration.status == Registration.Status.CONFIRMED

    checked, first = services.check_in(registration_id=registration.pk, now=NINE)
    again, second = services.check_in(registration_id=registration.pk, now=berlin(2099, 3, 12, 9, 30))

    assert (first, second) == (True, False)
    assert checked.checked_in_at == again.checked_in_at == NINE
    stored = reload(registration)
    assert (stored.checked_in_at, stored.status) == (NINE, Registration.Status.CONFIRMED)


@pytest.mark.parametrize("status", ["waitlisted", "expired", "cancelled"])
def test_without_a_place_she_is_refused_unless_staff_let_her_in(event, status):
    sign_up(event)  # takes the only place
    registration = sign_up(event)
    Registration.objects.filter(pk=registration.pk).update(status=status)

    with pytest.raises(services.CheckInRefused) as refused:
        services.check_in(registration_id=registration.pk, now=NINE)
    assert str(refused.value) == str(services.CheckInRefused.message)  # translated, for the door staff
    assert reload(registration).checked_in_at is None

    checked, first = services.check_in(registration_id=registration.pk, now=NINE, anyway=True)
    assert first and checked.checked_in_at == NINE
    stored = reload(registration)
    assert (stored.checked_in_at, stored.status) == (NINE, status)  # let in, her status unchanged


@pytest.mark.parametrize("status", ["pending", "offered"])
def test_a_held_place_is_enough(event, status):
    registration = sign_up(event)
    Registration.objects.filter(pk=registration.pk).update(
        status=status, offer_expires_at=NINE, confirm_email_by=NINE
    )
    _checked, first = services.check_in(registration_id=registration.pk, now=NINE)
    assert first and reload(registration).checked_in_at == NINE


def test_an_unknown_registration_is_not_found():
    with pytest.raises(Registration.DoesNotExist):
        services.check_in(registration_id=987654, now=NINE)


@pytest.mark.django_db(transaction=True)
def test_two_check_ins_at_the_same_moment_write_once(event):
    registration = sign_up(event)
    barrier = threading.Barrier(2)

    def arrive(minute):
        barrier.wait()
        try:
            return services.check_in(registration_id=registration.pk, now=berlin(2099, 3, 12, 9, minute))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(arrive, (15, 16)))

    assert sorted(first for _registration, first in results) == [False, True]
    assert reload(registration).checked_in_at == next(r.checked_in_at for r, first in results if first)
