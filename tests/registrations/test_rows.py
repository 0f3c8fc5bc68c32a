"""registrations/rows: the sign-up's hottest writes in fixed SQL write what the ORM writes."""

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from registrations import rows
from registrations.models import Booking, Registration, RegistrationLog
from tests.factories import TimeSlotFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

# Told apart on purpose (unique), or stamped at the moment of writing.
OWN = {"id", "uuid", "email", "submission_key", "created_at", "updated_at", "registration_id", "booking_id"}


def values(obj) -> dict:
    fields = [f.attname for f in type(obj)._meta.concrete_fields if f.attname not in OWN]
    return dict(zip(fields, type(obj).objects.values_list(*fields).get(pk=obj.pk), strict=True))


def registration(event, email: str, now) -> Registration:
    return Registration(
        event=event,
        name="Amal Haddad",
        email=email,
        language="ar",
        phone="0341 1",
        status=Registration.Status.CONFIRMED,
        interpreting_language="ar",
        privacy_consent_at=now,
        privacy_notice_version="3",
        submission_key=uuid.uuid4(),
    )


def her(event, email: str, now, workshops) -> tuple[Registration, list[Booking]]:
    """A new registration with two bookings, none saved: the bookings refer to her before she has an id."""
    new = registration(event, email, now)
    statuses = [Booking.Status.CONFIRMED, Booking.Status.WAITLISTED]
    return new, [
        Booking(registration=new, workshop=w, slot=w.slot, status=status, waitlisted_at=now)
        for w, status in zip(workshops, statuses, strict=True)
    ]


def test_insert_writes_what_the_orm_writes():
    event = TimeSlotFactory().event
    workshops = [WorkshopFactory(slot=TimeSlotFactory(event=event)) for _ in range(2)]
    before = timezone.now()
    ours, our_bookings = her(event, "ours@example.org", before, workshops)
    theirs, their_bookings = her(event, "theirs@example.org", before, workshops)

    assert rows.insert([ours]) == [ours]
    rows.insert(our_bookings)
    our_log = rows.insert(
        [
            RegistrationLog(
                registration=ours, booking=b, action="confirmed", detail={"workshop": b.workshop_id}
            )
            for b in our_bookings
        ]
    )
    theirs.save(force_insert=True)
    Booking.objects.bulk_create(their_bookings)
    their_log = RegistrationLog.objects.bulk_create(
        [
            RegistrationLog(
                registration=theirs, booking=b, action="confirmed", detail={"workshop": b.workshop_id}
            )
            for b in their_bookings
        ]
    )

    assert values(ours) == values(theirs)
    assert [values(b) for b in our_bookings] == [values(b) for b in their_bookings]
    assert [values(e) for e in our_log] == [values(e) for e in their_log]
    for obj in [ours, *our_bookings, *our_log]:
        assert obj.pk and not obj._state.adding and obj._state.db == "default"
    assert [b.registration_id for b in our_bookings] == [ours.pk, ours.pk]  # her id, given after she got it
    assert [e.booking_id for e in our_log] == [b.pk for b in our_bookings]  # in order
    stored = Registration.objects.get(pk=ours.pk)
    assert stored.uuid == ours.uuid and stored.submission_key == ours.submission_key
    assert before <= stored.created_at == ours.created_at and stored.updated_at == ours.updated_at
    assert rows.insert([]) == []


def test_a_taken_unique_key_is_the_same_integrity_error_as_the_orms():
    """register() runs again when its insert meets a registration committed meanwhile."""
    event = TimeSlotFactory().event
    first = rows.insert([registration(event, "first@example.org", timezone.now())])[0]
    again = registration(event, "again@example.org", timezone.now())
    again.submission_key = first.submission_key
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert([again])
