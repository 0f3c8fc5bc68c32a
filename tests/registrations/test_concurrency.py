"""Races on a real PostgreSQL: many people at once never overbook, and nobody's attempt is lost."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from fachtag.models import ChildcareGroup, Event, Workshop
from notifications.models import OutboxMessage
from registrations import services
from registrations.models import Booking, Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.integration.conftest import wait_until
from tests.registrations.helpers import applicant

pytestmark = pytest.mark.django_db(transaction=True)
ATTEMPTS = 200


def run_together(count: int, attempt):
    """Start `count` attempts at once (each thread with its own connection); returns results and errors."""
    barrier = threading.Barrier(count)
    errors = []

    def one(index):
        barrier.wait()
        try:
            return attempt(index)
        except Exception as exc:  # noqa: BLE001 - every failure is reported by the test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(one, range(count)))
    return results, errors


def register(event, workshop_ids, **fields):
    return services.register(
        event_id=event.pk,
        applicant=applicant(**fields),
        workshop_ids=workshop_ids,
        privacy_notice_version="2026-11-26",
    ).registration


def test_200_people_racing_for_a_workshop_of_50_seats():
    assert connection.vendor == "postgresql"
    event = EventFactory(capacity=1000)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=50)

    results, errors = run_together(
        ATTEMPTS, lambda i: register(event, [workshop.pk], email=f"p{i}@example.org")
    )

    assert errors == []
    assert Registration.objects.filter(status="confirmed").count() == ATTEMPTS
    bookings = Booking.objects.filter(workshop=workshop)
    assert bookings.filter(status="confirmed").count() == 50
    assert bookings.filter(status="waitlisted").count() == ATTEMPTS - 50
    assert Workshop.objects.get(pk=workshop.pk).seats_taken == 50
    # Freed seats go to the workshop's waiting list strictly in arrival order.
    waiting = list(bookings.filter(status="waitlisted").order_by("waitlisted_at", "pk"))
    for seat in bookings.filter(status="confirmed")[:5]:
        services.cancel(registration_id=seat.registration_id, now=timezone.now())
    offered = set(bookings.filter(status="offered").values_list("pk", flat=True))
    assert offered == {booking.pk for booking in waiting[:5]}


def test_200_people_racing_for_50_event_places_wait_in_arrival_order():
    event = EventFactory(capacity=50)
    results, errors = run_together(ATTEMPTS, lambda i: register(event, [], email=f"q{i}@example.org"))
    assert errors == []
    assert Registration.objects.filter(status="confirmed").count() == 50
    waiting = list(Registration.objects.filter(status="waitlisted").order_by("waitlisted_at", "pk"))
    assert len(waiting) == ATTEMPTS - 50
    assert Event.objects.get(pk=event.pk).seats_taken == 50

    # Freed places go to the waiting list strictly in that order.
    for leaving in Registration.objects.filter(status="confirmed")[:5]:
        services.cancel(registration_id=leaving.pk, now=timezone.now())
    offered = set(Registration.objects.filter(status="offered").values_list("pk", flat=True))
    assert offered == {registration.pk for registration in waiting[:5]}


def test_racing_for_childcare_places_never_overbooks_and_keeps_mothers_with_their_children():
    event = EventFactory(capacity=1000, has_childcare=True)
    group = ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=50)
    results, errors = run_together(
        ATTEMPTS,
        lambda i: register(event, [], email=f"m{i}@example.org", child_ages=[3, 5] if i % 2 else [4]),
    )
    assert errors == []
    group.refresh_from_db()
    children_placed = sum(
        registration.children.count() for registration in Registration.objects.filter(status="confirmed")
    )
    assert group.seats_taken == children_placed <= 50
    assert group.seats_taken >= 49  # only a family of two can be left out of the last place
    for registration in Registration.objects.filter(status="waitlisted"):
        assert registration.children.exists()


def test_crossed_choices_in_two_slots_never_deadlock_or_overbook():
    event = EventFactory(capacity=1000)
    first = TimeSlotFactory(event=event)
    second = TimeSlotFactory(event=event, starts_at=first.ends_at, ends_at=first.ends_at + timedelta(hours=1))
    a = WorkshopFactory(slot=first, capacity=50)
    b = WorkshopFactory(slot=second, capacity=50)
    results, errors = run_together(
        ATTEMPTS,
        lambda i: register(event, [a.pk, b.pk] if i % 2 else [b.pk, a.pk], email=f"x{i}@example.org"),
    )
    assert errors == []
    for workshop in (a, b):
        assert Booking.objects.filter(workshop=workshop, status="confirmed").count() == 50
    for registration in Registration.objects.all():
        assert registration.bookings.count() == 2  # nothing half-written


def test_a_sign_up_that_cannot_get_the_lock_in_time_gets_a_friendly_retry_and_nothing_is_saved(
    client, monkeypatch
):
    """Hold the event row in another connection; the sign-up waits out a short lock timeout and comes back."""
    import threading as _threading

    from tests.registrations.test_signup_views import valid_post

    monkeypatch.setattr("registrations.services.locking.LOCK_TIMEOUT", "200ms")
    event = EventFactory(slug="fachtag", capacity=10)
    locked, release = _threading.Event(), _threading.Event()

    def hold_lock():
        from django.db import transaction

        with transaction.atomic():
            Event.objects.select_for_update().get(pk=event.pk)
            locked.set()
            release.wait(10)
        connections.close_all()

    holder = _threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(5)
    try:
        response = valid_post(client, event, name="Rana Saleh")
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert 'value="Rana Saleh"' in response.content.decode()
    assert not Registration.objects.exists()


def test_the_same_form_sent_many_times_at_once_makes_one_registration():
    """The look-up for an earlier registration runs before the event lock: sends that race past it meet the
    unique submission key on insert, and their second try returns the one registration."""
    event = EventFactory(capacity=100)
    key = uuid.uuid4()

    def send(_index):
        return services.register(
            event_id=event.pk,
            applicant=applicant(email="twice@example.org"),
            workshop_ids=[],
            privacy_notice_version="2026-11-26",
            submission_key=key,
        )

    results, errors = run_together(20, send)

    assert errors == []
    assert sum(result.created for result in results) == 1
    assert {result.registration.pk for result in results} == {Registration.objects.get().pk}
    assert Event.objects.get(pk=event.pk).seats_taken == 1


def test_the_same_address_from_many_forms_at_once_makes_one_registration_and_sends_her_link_three_times():
    event = EventFactory(capacity=100)

    results, errors = run_together(20, lambda i: register(event, [], email="same@example.org"))

    assert errors == []
    assert {registration.pk for registration in results} == {Registration.objects.get().pk}
    assert Event.objects.get(pk=event.pk).seats_taken == 1
    # Her link goes out again, but at most three times an hour (registrations.ratelimit.link_mail_allowed).
    assert OutboxMessage.objects.filter(kind="personal_link").count() == 3


def _waiting_for_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def test_a_sign_up_that_wrote_first_and_one_that_locks_first_with_the_same_address_both_end_well(monkeypatch):
    """The usual sign-up writes her rows and then waits for the event lock; a second try takes the lock
    first and then writes. With the same address at once they wait for each other (the unique address
    and the lock): PostgreSQL undoes one of them, and its next try sends the other's personal link."""
    from registrations.services import locking, signup

    event = EventFactory(capacity=100)
    held, release, wrote, go = (threading.Event() for _ in range(4))
    real_lock_event = signup.lock_event

    def lock_event(event_id, **kwargs):
        if threading.current_thread().name == "writes-first" and not wrote.is_set():
            wrote.set()  # her rows are written: now she asks for the lock, once the other waits for it
            go.wait(10)
        return real_lock_event(event_id, **kwargs)

    monkeypatch.setattr(signup, "lock_event", lock_event)

    def hold():
        with transaction.atomic():
            locking.lock_event(event.pk)
            held.set()
            release.wait(10)
        connections.close_all()

    results, errors = [], []

    def sign_up():
        try:
            results.append(
                services.register(
                    event_id=event.pk,
                    applicant=applicant(email="same@example.org"),
                    workshop_ids=[],
                    privacy_notice_version="2026-11-26",
                    lock_first=threading.current_thread().name == "locks-first",  # as a second try does
                ).registration
            )
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hold)]
    threads[0].start()
    held.wait(5)
    threads.append(threading.Thread(target=sign_up, name="writes-first"))
    threads[1].start()
    wrote.wait(5)
    threads.append(threading.Thread(target=sign_up, name="locks-first"))
    threads[2].start()
    assert wait_until(lambda: _waiting_for_locks() >= 1, timeout=10)  # the second try waits for the lock ...
    go.set()
    assert wait_until(lambda: _waiting_for_locks() >= 2, timeout=10)  # ... and the first one behind it
    release.set()
    for thread in threads:
        thread.join(15)

    assert errors == []
    assert [registration.pk for registration in results] == [Registration.objects.get().pk] * 2
    assert OutboxMessage.objects.filter(kind="personal_link").count() == 1
    assert Event.objects.get(pk=event.pk).seats_taken == 1


@pytest.mark.parametrize("taken", ["the last event place", "the workshop's last seat"])
def test_a_place_taken_between_her_first_look_and_the_lock_is_decided_again_under_the_lock(
    monkeypatch, taken
):
    """Her rows are written on the places as first read; another sign-up commits the last one before she
    gets the lock: all of hers is undone and decided again with the lock taken first."""
    event = EventFactory(capacity=1 if taken == "the last event place" else 10)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=1)
    quicker = _meanwhile(monkeypatch, lambda: register(event, [workshop.pk]))

    hers = register(event, [workshop.pk], email="late@example.org")

    quicker = Registration.objects.get(pk=quicker[0].pk)
    assert quicker.status == Registration.Status.CONFIRMED
    assert quicker.bookings.get().status == Booking.Status.CONFIRMED
    if taken == "the last event place":
        assert hers.status == Registration.Status.WAITLISTED
        assert list(OutboxMessage.objects.filter(to=hers.email).values_list("kind", flat=True)) == [
            "registration_waitlisted"
        ]
    else:
        assert hers.status == Registration.Status.CONFIRMED
        assert OutboxMessage.objects.get(to=hers.email).context["bookings"][0]["status"] == "waitlisted"
    assert hers.bookings.get().status == Booking.Status.WAITLISTED
    assert Registration.objects.count() == 2 and Booking.objects.count() == 2  # nothing of her first try
    assert hers.log.count() == 1  # her outcome once, from the second try
    assert (
        Event.objects.get(pk=event.pk).seats_taken == Registration.objects.filter(status="confirmed").count()
    )
    assert Workshop.objects.get(pk=workshop.pk).seats_taken == 1


def test_a_place_freed_between_her_first_look_and_the_lock_is_hers(monkeypatch):
    """First read: no place, so her rows say waiting list. The last confirmed person cancels before she
    gets the lock (nobody waits yet to be offered the place): decided again, she gets the place."""
    event = EventFactory(capacity=1)
    first = register(event, [])
    _meanwhile(monkeypatch, lambda: services.cancel(registration_id=first.pk, now=timezone.now()))

    hers = register(event, [], email="late@example.org")

    assert hers.status == Registration.Status.CONFIRMED
    assert Event.objects.get(pk=event.pk).seats_taken == 1
    assert list(OutboxMessage.objects.filter(to=hers.email).values_list("kind", flat=True)) == [
        "registration_confirmed"
    ]


def _meanwhile(monkeypatch, action) -> list:
    """Run `action` in another connection when the next sign-up has written its rows and asks for the
    event lock (once); returns a list that then holds the action's result."""
    from registrations.services import signup

    real_lock_event = signup.lock_event
    started, done = threading.Event(), []

    def run():
        try:
            done.append(action())
        finally:
            connections.close_all()

    def lock_event(event_id, **kwargs):
        if not started.is_set():
            started.set()
            thread = threading.Thread(target=run)
            thread.start()
            thread.join(10)
        return real_lock_event(event_id, **kwargs)

    monkeypatch.setattr(signup, "lock_event", lock_event)
    return done
