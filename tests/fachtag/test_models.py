from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from fachtag.models import Event, TimeSlot, Workshop
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def test_the_tests_run_on_postgresql():
    assert connection.vendor == "postgresql"


def test_event_that_ends_before_it_starts_is_rejected_by_the_database():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(ends_at=event.starts_at - timedelta(hours=1))


def test_event_that_ends_before_it_starts_fails_validation_on_the_field():
    event = EventFactory.build()
    event.ends_at = event.starts_at
    with pytest.raises(ValidationError) as excinfo:
        event.clean()
    assert "ends_at" in excinfo.value.message_dict


@pytest.mark.parametrize("capacity", [0, -1])
def test_event_capacity_must_be_positive(capacity):
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(capacity=capacity)


def test_registration_must_close_after_it_opens_and_before_the_event_ends():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(
            registration_opens_at=event.starts_at - timedelta(days=1),
            registration_closes_at=event.starts_at - timedelta(days=2),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(registration_closes_at=event.ends_at + timedelta(hours=1))


def test_slot_that_ends_before_it_starts_is_rejected_by_the_database():
    slot = TimeSlotFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeSlot.objects.filter(pk=slot.pk).update(ends_at=slot.starts_at)


@pytest.mark.parametrize("capacity", [0, -5])
def test_workshop_capacity_must_be_positive(capacity):
    workshop = WorkshopFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Workshop.objects.filter(pk=workshop.pk).update(capacity=capacity)


def test_workshop_cannot_hold_more_places_than_its_capacity():
    workshop = WorkshopFactory(capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Workshop.objects.filter(pk=workshop.pk).update(seats_taken=3)


def test_event_cannot_hold_more_places_than_its_capacity():
    event = EventFactory(capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(seats_taken=3)


def test_slot_outside_its_event_fails_validation_on_the_field():
    event = EventFactory()
    slot = TimeSlotFactory.build(event=event, starts_at=event.starts_at - timedelta(hours=1))
    with pytest.raises(ValidationError) as excinfo:
        slot.clean()
    assert "starts_at" in excinfo.value.message_dict


def test_workshop_in_a_parallel_slot_needs_a_capacity():
    workshop = WorkshopFactory.build(slot=TimeSlotFactory(), capacity=None)
    with pytest.raises(ValidationError) as excinfo:
        workshop.clean()
    assert "capacity" in excinfo.value.message_dict


def test_capacity_cannot_be_lowered_below_places_taken():
    workshop = WorkshopFactory(capacity=10)
    Workshop.objects.filter(pk=workshop.pk).update(seats_taken=8)
    workshop.refresh_from_db()
    workshop.capacity = 5
    with pytest.raises(ValidationError) as excinfo:
        workshop.clean()
    assert "capacity" in excinfo.value.message_dict


def test_workshop_languages_must_come_from_the_list():
    workshop = WorkshopFactory.build(slot=TimeSlotFactory(), languages=["de", "xx"])
    with pytest.raises(ValidationError) as excinfo:
        workshop.clean()
    assert "languages" in excinfo.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_slot_outside_its_event_is_rejected_by_the_database():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeSlot.objects.create(
            event=event,
            starts_at=event.ends_at - timedelta(hours=1),
            ends_at=event.ends_at + timedelta(hours=1),
        )
    assert not TimeSlot.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_moving_an_event_away_from_its_slots_is_rejected_by_the_database():
    slot = TimeSlotFactory()
    event = slot.event
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(
            starts_at=event.starts_at + timedelta(days=1), ends_at=event.ends_at + timedelta(days=1)
        )


@pytest.mark.django_db(transaction=True)
def test_an_event_and_its_slots_can_move_together_in_one_transaction():
    slot = TimeSlotFactory()
    event = slot.event
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(
            starts_at=event.starts_at + timedelta(days=1), ends_at=event.ends_at + timedelta(days=1)
        )
        TimeSlot.objects.filter(pk=slot.pk).update(
            starts_at=slot.starts_at + timedelta(days=1), ends_at=slot.ends_at + timedelta(days=1)
        )
    slot.refresh_from_db()
    assert slot.starts_at.date() == (event.starts_at + timedelta(days=1)).date()


@pytest.mark.parametrize(
    ("capacity", "taken", "expected"),
    [
        (20, 0, "free"),
        (20, 17, "few"),
        (100, 91, "few"),
        (100, 80, "free"),
        (20, 20, "full"),
        (None, 0, "unlimited"),
    ],
)
def test_workshop_availability(capacity, taken, expected):
    assert Workshop(capacity=capacity, seats_taken=taken).availability == expected


def test_saving_a_stale_instance_never_overwrites_the_seat_counter():
    workshop = WorkshopFactory(capacity=10)
    stale = Workshop.objects.get(pk=workshop.pk)
    Workshop.objects.filter(pk=workshop.pk).update(seats_taken=7)
    stale.capacity = 12
    stale.save()
    workshop.refresh_from_db()
    assert (workshop.capacity, workshop.seats_taken) == (12, 7)
