"""The sign-up page's programme is kept a few seconds per process: a rush does not read it per visitor,
and a stale copy never lets anyone past a full workshop or a closed registration."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fachtag.models import Workshop
from registrations.models import Booking, Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.test_signup_views import valid_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.SIGNUP_PROGRAMME_CACHE_SECONDS = 3
    caches["fragments"].clear()
    yield
    caches["fragments"].clear()


@pytest.fixture
def workshop():
    event = EventFactory(slug="rush", capacity=100)
    return WorkshopFactory(slot=TimeSlotFactory(event=event), title_de="Jobsuche", capacity=1)


def test_the_second_visitor_within_seconds_gets_the_programme_without_reading_it(client, cached, workshop):
    with CaptureQueriesContext(connection) as first:
        assert client.get("/de/events/rush/signup/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        content = client.get("/de/events/rush/signup/").content.decode()
    assert "Jobsuche" in content
    programme = [q for q in first if "fachtag_" in q["sql"]]
    assert len(programme) == 4  # event, slots, workshops, childcare groups
    assert not [q for q in second if "fachtag_" in q["sql"]]


def test_a_workshop_filled_after_the_page_was_cached_still_cannot_be_overbooked(client, cached, workshop):
    client.get("/de/events/rush/signup/")  # cached while the seat is free
    valid_post(client, workshop.slot.event, workshop, email="first@example.org")
    assert Workshop.objects.get(pk=workshop.pk).seats_taken == 1

    response = valid_post(client, workshop.slot.event, workshop, email="second@example.org")
    second = Registration.objects.get(email="second@example.org")
    assert response.status_code == 302
    assert second.bookings.get().status == Booking.Status.WAITLISTED  # on its waiting list, not seated
    assert Workshop.objects.get(pk=workshop.pk).seats_taken == 1


def test_a_registration_closed_after_the_page_was_cached_takes_nobody(client, cached, workshop):
    client.get("/de/events/rush/signup/")
    type(workshop.slot.event).objects.filter(pk=workshop.slot.event_id).update(status="draft")

    response = valid_post(client, workshop.slot.event, workshop)
    assert response.status_code == 200
    assert "nicht geöffnet" in response.content.decode()  # "Registration for this event is not open."
    assert not Registration.objects.exists()


def test_the_workshop_choices_are_rendered_once_per_copy_of_the_programme(client, cached, workshop):
    first = client.get("/de/events/rush/signup/").content.decode()
    with CaptureQueriesContext(connection):
        second = client.get("/de/events/rush/signup/").content.decode()
    choices = first[first.index("<fieldset") : first.rindex("</fieldset>")]
    assert "Jobsuche" in choices and choices in second
    arabic = client.get("/ar/events/rush/signup/").content.decode()
    assert 'dir="rtl"' in arabic and "Jobsuche" in arabic  # rendered again for another language

    caches["fragments"].delete("signup-programme:rush")  # the copy has expired: a new copy, rendered anew
    Workshop.objects.filter(pk=workshop.pk).update(seats_taken=1)
    assert "Ausgebucht" in client.get("/de/events/rush/signup/").content.decode().split("<fieldset", 1)[1]
