"""Races on a real PostgreSQL: many people at once never overbook, and nobody's attempt is lost."""

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from fachtag.models import ChildcareGroup, Event, Workshop
from notifications.models import OutboxMessage
from registrations import services
from registrations.models import Booking, Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import applicant

pytestmark = pytest.mark.django_db(transaction=True)
ATTEMPTS = 200
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


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

    event = EventFactory(slug="fachtag", capacity=10)
    locked, release = _threading.Event(), _threading.Event()

    def hold_lock():

        with transaction.atomic():
            Event.objects.select_for_update().get(pk=event.pk)
            locked.set()
            release.wait(10)
        connections.close_all()

    holder = _threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(5)
    with connection.cursor() as cursor:  # the request's connection (this thread's): a short wait for the test
        cursor.execute("SET lock_timeout = '200ms'")
    try:
        response = valid_post(client, event, name="Rana Saleh")
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:  # back to the connection's own (settings.DATABASE_LOCK_TIMEOUT)
            cursor.execute("RESET lock_timeout")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert 'value="Rana Saleh"' in response.content.decode()
    assert not Registration.objects.exists()


def test_every_connection_waits_for_a_lock_at_most_the_configured_time():
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == settings.DATABASE_LOCK_TIMEOUT == "10s"


def test_the_same_form_sent_many_times_at_once_makes_one_registration():
    """Every send after the first finds the registration it made: before its transaction, or, when the first
    committed in between, after the database refused a second registration with the form's key."""
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


def test_one_copied_form_sent_by_many_people_at_once_registers_each_of_them_once():
    """The form's key opens nobody's registration: the first to arrive keeps it, the others register
    without it (also when the first committed between their look-up and their insert)."""
    event = EventFactory(capacity=100)
    key = uuid.uuid4()

    def send(index):
        return services.register(
            event_id=event.pk,
            applicant=applicant(email=f"copied{index}@example.org"),
            workshop_ids=[],
            privacy_notice_version="2026-11-26",
            submission_key=key,
        )

    results, errors = run_together(20, send)

    assert errors == []
    assert all(result.created for result in results)
    assert Registration.objects.count() == 20 and Registration.objects.filter(submission_key=key).count() == 1
    assert Event.objects.get(pk=event.pk).seats_taken == 20


def test_the_same_address_from_many_forms_at_once_makes_one_registration_and_sends_her_link_three_times():
    event = EventFactory(capacity=100)

    results, errors = run_together(20, lambda i: register(event, [], email="same@example.org"))

    assert errors == []
    assert {registration.pk for registration in results} == {Registration.objects.get().pk}
    assert Event.objects.get(pk=event.pk).seats_taken == 1
    # Her link goes out again, but at most three times an hour (registrations.ratelimit.link_mail_allowed).
    assert OutboxMessage.objects.filter(kind="personal_link").count() == 3


def test_100_people_racing_through_the_sign_up_page_with_the_production_cache(settings):
    """The whole request, as production runs it: the empty form's fields from the {% cache %} fragment
    (SIGNUP_FORM_CACHE_SECONDS as in production), the POST deciding on locked rows."""
    from django.test import Client

    settings.SIGNUP_FORM_CACHE_SECONDS = 3
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    settings.SIGNUP_RATE_LIMIT_PER_MINUTE = 10_000
    event = EventFactory(capacity=1000)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=20)
    path = f"/de/events/{event.slug}/signup/"

    def one(i):
        client = Client(enforce_csrf_checks=True)
        page = client.get(path).content.decode()
        form = dict(HIDDEN_INPUT.findall(page))  # CSRF token, start time, submission key
        form.update(
            name=f"Teilnehmerin {i}",
            email=f"page{i}@example.org",
            language="ar",
            privacy_consent="on",
            **{f"slot_{workshop.slot_id}": str(workshop.pk)},
        )
        return client.post(path, form).status_code

    results, errors = run_together(100, one)

    assert errors == [] and results == [302] * 100
    bookings = Booking.objects.filter(workshop=workshop)
    assert (
        bookings.filter(status="confirmed").count() == 20 == Workshop.objects.get(pk=workshop.pk).seats_taken
    )
    assert bookings.filter(status="waitlisted").count() == 80
    assert Event.objects.get(pk=event.pk).seats_taken == 100
