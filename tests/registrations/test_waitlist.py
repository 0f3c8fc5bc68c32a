from datetime import timedelta

import pytest
from django.utils import timezone

from fachtag.models import ChildcareGroup, Event, Workshop
from notifications.models import OutboxMessage
from registrations import services
from registrations.errors import ChildcareUnavailable, NotAllowed, WorkshopFull
from registrations.models import Booking, Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(capacity=1, offer_hours=48, starts_at=timezone.now() + timedelta(days=30))


def kinds():
    return list(OutboxMessage.objects.values_list("kind", flat=True))


def test_cancelling_offers_the_place_to_the_oldest_waiting_person(event):
    leaving = sign_up(event)
    first, second = sign_up(event), sign_up(event)
    services.cancel(registration_id=leaving.pk, now=timezone.now())
    reload(leaving, first, second)
    assert leaving.status == Registration.Status.CANCELLED
    assert first.status == Registration.Status.OFFERED
    assert first.offer_expires_at - timezone.now() > timedelta(hours=47)
    assert second.status == Registration.Status.WAITLISTED
    assert reload(event).seats_taken == 1  # the offer holds the place
    assert "offer_made" in kinds() and "registration_cancelled" in kinds()


def test_cancelling_twice_changes_nothing(event):
    registration = sign_up(event)
    services.cancel(registration_id=registration.pk, now=timezone.now())
    services.cancel(registration_id=registration.pk, now=timezone.now())
    assert reload(event).seats_taken == 0
    assert kinds().count("registration_cancelled") == 1


def test_accepting_an_offer_confirms_and_seats_her_workshop_wishes(event):
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=5)
    leaving = sign_up(event)
    waiting = sign_up(event, workshop)
    services.cancel(registration_id=leaving.pk, now=timezone.now())
    services.accept_offer(registration_id=waiting.pk, now=timezone.now())
    assert reload(waiting).status == Registration.Status.CONFIRMED
    assert waiting.bookings.get().status == Booking.Status.CONFIRMED
    assert reload(workshop).seats_taken == 1


def test_an_expired_offer_passes_to_the_next_person(event, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    leaving = sign_up(event)
    first, second = sign_up(event), sign_up(event)
    services.cancel(registration_id=leaving.pk, now=timezone.now())
    time_machine.shift(timedelta(hours=49))
    assert services.expire_offers(now=timezone.now()) == 1
    assert reload(first).status == Registration.Status.EXPIRED
    assert reload(second).status == Registration.Status.OFFERED
    assert services.expire_offers(now=timezone.now()) == 0  # running again changes nothing
    with pytest.raises(NotAllowed):
        services.accept_offer(registration_id=first.pk, now=timezone.now())


def test_offers_are_shorter_close_to_the_event_and_never_run_past_the_start(time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    event = EventFactory(capacity=1, starts_at=now + timedelta(hours=10))
    leaving, waiting = sign_up(event), sign_up(event)
    services.cancel(registration_id=leaving.pk, now=now)
    assert reload(waiting).offer_expires_at == now + timedelta(hours=5)


def test_direct_promotion_confirms_the_next_person_at_once(event):
    Event.objects.filter(pk=event.pk).update(waitlist_mode=Event.WaitlistMode.DIRECT)
    leaving, waiting = sign_up(event), sign_up(event)
    services.cancel(registration_id=leaving.pk, now=timezone.now())
    assert reload(waiting).status == Registration.Status.CONFIRMED
    assert "registration_confirmed" in kinds()


def test_a_mother_waits_until_places_for_her_children_are_free(event):
    Event.objects.filter(pk=event.pk).update(capacity=3)
    group = ChildcareGroup.objects.create(event=event, min_age=0, max_age=5, capacity=2)
    holder = sign_up(event, child_ages=[1, 2])
    mother = sign_up(event, child_ages=[3])
    alone = sign_up(event)
    assert (reload(mother).status, reload(alone).status) == ("waitlisted", "confirmed")
    services.cancel(registration_id=holder.pk, now=timezone.now())
    assert reload(mother).status == Registration.Status.OFFERED
    assert reload(group).seats_taken == 1


def test_a_mother_whose_children_cannot_be_placed_is_passed_over_but_keeps_her_position(event):
    Event.objects.filter(pk=event.pk).update(capacity=2)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=5, capacity=1)
    holder = sign_up(event, child_ages=[1])
    other = sign_up(event)
    mother = sign_up(event, child_ages=[2])
    without = sign_up(event)
    services.cancel(registration_id=other.pk, now=timezone.now())
    assert reload(mother).status == Registration.Status.WAITLISTED
    assert reload(without).status == Registration.Status.OFFERED
    services.cancel(registration_id=holder.pk, now=timezone.now())
    assert reload(mother).status == Registration.Status.OFFERED


def test_waiting_for_a_workshop_while_keeping_a_seat_in_another(event):
    Event.objects.filter(pk=event.pk).update(capacity=10)
    slot = TimeSlotFactory(event=event)
    wanted = WorkshopFactory(slot=slot, capacity=1)
    kept = WorkshopFactory(slot=slot, capacity=1)
    holder = sign_up(event, wanted)
    she = sign_up(event, kept)
    next_for_kept = sign_up(event, kept)  # waits for the seat she will free
    services.change_workshop(
        registration_id=she.pk, slot_id=slot.pk, workshop_id=wanted.pk, waitlist_ok=True, now=timezone.now()
    )
    statuses = dict(she.bookings.values_list("workshop_id", "status"))
    assert statuses == {kept.pk: "confirmed", wanted.pk: "waitlisted"}

    services.cancel(registration_id=holder.pk, now=timezone.now())
    offer = she.bookings.get(workshop=wanted)
    assert offer.status == Booking.Status.OFFERED
    services.accept_workshop_offer(booking_id=offer.pk, now=timezone.now())

    assert dict(she.bookings.filter(status__in=Booking.ACTIVE).values_list("workshop_id", "status")) == {
        wanted.pk: "confirmed"
    }
    assert next_for_kept.bookings.get().status == Booking.Status.OFFERED  # her old seat went on at once
    assert reload(kept).seats_taken == 1 and reload(wanted).seats_taken == 1


def test_changing_to_a_full_workshop_keeps_the_old_seat(event):
    Event.objects.filter(pk=event.pk).update(capacity=10)
    slot = TimeSlotFactory(event=event)
    full = WorkshopFactory(slot=slot, capacity=1)
    mine = WorkshopFactory(slot=slot, capacity=3)
    sign_up(event, full)
    she = sign_up(event, mine)
    with pytest.raises(WorkshopFull):
        services.change_workshop(
            registration_id=she.pk,
            slot_id=slot.pk,
            workshop_id=full.pk,
            waitlist_ok=False,
            now=timezone.now(),
        )
    assert she.bookings.get().workshop == mine
    assert reload(mine).seats_taken == 1


def test_changing_to_a_free_workshop_moves_her_and_offers_the_old_seat(event):
    Event.objects.filter(pk=event.pk).update(capacity=10)
    slot = TimeSlotFactory(event=event)
    old = WorkshopFactory(slot=slot, capacity=1)
    new = WorkshopFactory(slot=slot, capacity=3)
    she = sign_up(event, old)
    waiting = sign_up(event, old)
    services.change_workshop(
        registration_id=she.pk, slot_id=slot.pk, workshop_id=new.pk, waitlist_ok=False, now=timezone.now()
    )
    assert she.bookings.get(status="confirmed").workshop == new
    assert waiting.bookings.get().status == Booking.Status.OFFERED
    assert (reload(old).seats_taken, reload(new).seats_taken) == (1, 1)


def test_giving_up_a_slot_frees_its_seat(event):
    Event.objects.filter(pk=event.pk).update(capacity=10)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=2)
    she = sign_up(event, workshop)
    services.change_workshop(
        registration_id=she.pk,
        slot_id=workshop.slot_id,
        workshop_id=None,
        waitlist_ok=False,
        now=timezone.now(),
    )
    assert not she.bookings.filter(status__in=Booking.ACTIVE).exists()
    assert reload(workshop).seats_taken == 0


def test_several_changes_are_all_or_nothing(event):
    Event.objects.filter(pk=event.pk).update(capacity=10)
    first_slot = TimeSlotFactory(event=event)
    second_slot = TimeSlotFactory(
        event=event, starts_at=first_slot.ends_at, ends_at=first_slot.ends_at + timedelta(hours=1)
    )
    a, b = WorkshopFactory(slot=first_slot, capacity=5), WorkshopFactory(slot=first_slot, capacity=5)
    full = WorkshopFactory(slot=second_slot, capacity=1)
    sign_up(event, full)
    she = sign_up(event, a)
    with pytest.raises(WorkshopFull):
        services.change_workshops(
            registration_id=she.pk,
            changes={first_slot.pk: (b.pk, False), second_slot.pk: (full.pk, False)},
            now=timezone.now(),
        )
    assert she.bookings.get(status="confirmed").workshop == a
    assert reload(b).seats_taken == 0


def test_childcare_change_that_does_not_fit_keeps_the_previous_request(event):
    Event.objects.filter(pk=event.pk).update(capacity=5)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=5, capacity=2)
    she = sign_up(event, child_ages=[1])
    sign_up(event, child_ages=[2])
    with pytest.raises(ChildcareUnavailable):
        services.update_childcare(registration_id=she.pk, child_ages=[1, 3], notes="", now=timezone.now())
    assert list(she.children.values_list("age", flat=True)) == [1]
    services.update_childcare(registration_id=she.pk, child_ages=[4], notes="Allergie", now=timezone.now())
    assert list(she.children.values_list("age", flat=True)) == [4]


def test_unconfirmed_addresses_lose_their_held_place_which_goes_on(time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    event = EventFactory(
        capacity=1,
        requires_email_confirmation=True,
        email_confirmation_hours=24,
        starts_at=now + timedelta(days=20),
    )
    holder = sign_up(event)
    waiting = sign_up(event)
    assert reload(holder).status == Registration.Status.PENDING
    assert "confirm_email" in kinds()
    time_machine.shift(timedelta(hours=25))
    assert services.release_unconfirmed(now=timezone.now()) == 1
    assert reload(holder).status == Registration.Status.CANCELLED
    assert reload(waiting).status == Registration.Status.OFFERED
    assert services.release_unconfirmed(now=timezone.now()) == 0


def test_confirming_the_address_in_time_keeps_the_place():
    event = EventFactory(capacity=1, requires_email_confirmation=True)
    she = sign_up(event)
    services.confirm_email(registration_id=she.pk, now=timezone.now())
    assert reload(she).status == Registration.Status.CONFIRMED


def test_a_capacity_raised_in_the_admin_is_offered_by_the_periodic_sweep(event):
    sign_up(event)
    waiting = sign_up(event)
    stale = Event.objects.get(pk=event.pk)
    stale.capacity = 2
    stale.save()
    services.promote_all(now=timezone.now())
    assert reload(waiting).status == Registration.Status.OFFERED
    assert reload(event).seats_taken == 2


def test_workshop_seats_raised_in_the_admin_are_offered_too(event):
    Event.objects.filter(pk=event.pk).update(capacity=10)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=1)
    sign_up(event, workshop)
    waiting = sign_up(event, workshop)
    Workshop.objects.filter(pk=workshop.pk).update(capacity=2)
    services.promote_all(now=timezone.now())
    assert waiting.bookings.get().status == Booking.Status.OFFERED
