"""The sign-up page's programme is kept a few seconds per process: a rush does not read it per visitor,
and a stale copy never lets anyone past a full workshop or a closed registration."""

import re
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fachtag.models import Event, Workshop
from notifications.models import OutboxMessage
from registrations import selectors, services, tokens
from registrations.errors import InvalidChoice
from registrations.forms import FORM_SIGNER_SALT, SignupForm
from registrations.models import Booking, MessageText, Registration
from registrations.services.locking import EVENT_STATE, WORKSHOP_STATE, lock_event, lock_workshops
from registrations.services.signup import EARLIER_SQL
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up
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

    caches["fragments"].clear()  # the copy has expired: a new copy, rendered anew
    Workshop.objects.filter(pk=workshop.pk).update(seats_taken=1)
    assert "Ausgebucht" in client.get("/de/events/rush/signup/").content.decode().split("<fieldset", 1)[1]


def test_a_thread_takes_its_copy_again_as_it_is_and_another_thread_gets_its_own(cached, workshop):
    event = workshop.slot.event
    first = selectors.event_of(event.pk)
    with CaptureQueriesContext(connection) as queries:
        again = selectors.programme_for_signup(slug="rush")
    assert again is first and len(queries) == 0  # neither read nor unpickled again
    first.seats_taken = 99  # what a request wrote onto its thread's copy (e.g. counters read under a lock)

    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(selectors.event_of(event.pk)))
    thread.start()
    thread.join()
    assert elsewhere[0] is not first and elsewhere[0].programme_copy == first.programme_copy
    assert elsewhere[0].seats_taken == 0  # the copy as it was cached, not as this thread changed it

    caches["fragments"].clear()  # expired: this thread takes the new copy
    assert selectors.event_of(event.pk).programme_copy != first.programme_copy


HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def test_anonymous_visitors_share_one_rendered_page_with_their_own_token_time_and_key(
    cached, workshop, settings
):
    url = "/de/events/rush/signup/"
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    rendered = first.get(url)
    with CaptureQueriesContext(connection) as queries:
        shared = second.get(url)
    assert rendered.templates and not shared.templates  # the second page was not rendered again
    assert len(queries) == 0
    pages = [rendered.content.decode(), shared.content.decode()]
    values = [dict(HIDDEN.findall(page)) for page in pages]
    assert "personal-" not in pages[0] + pages[1]  # every marker was filled
    for name in ("csrfmiddlewaretoken", "started", "submission_key"):
        assert values[0][name] != values[1][name]
    assert HIDDEN.sub("", pages[0]) == HIDDEN.sub("", pages[1])  # otherwise alike
    shown_at, key = signing.loads(values[1]["started"], salt=FORM_SIGNER_SALT)
    assert abs(shown_at - time.time()) < 5 and key == values[1]["submission_key"]
    cookies = [client.cookies[settings.CSRF_COOKIE_NAME].value for client in (first, second)]
    assert cookies[0] != cookies[1]  # each her own CSRF cookie

    # Each visitor's form works with her own cookie and values, and each registers once.
    for number, (client, form) in enumerate(zip((first, second), values, strict=True)):
        form = {
            **form,
            "started": SignupForm.new_start_time(form["submission_key"], at=time.time() - 60),
            "name": f"Person {number}",
            "email": f"person{number}@example.org",
            "language": "de",
            "privacy_consent": "on",
            f"slot_{workshop.slot_id}": str(workshop.pk),
        }
        assert client.post(url, form).status_code == 302
    keys = set(Registration.objects.values_list("submission_key", flat=True))
    assert {str(key) for key in keys} == {values[0]["submission_key"], values[1]["submission_key"]}


def test_a_fresh_time_trap_is_put_into_the_shared_page(client, cached, workshop, settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 3
    url = "/de/events/rush/signup/"
    client.get(url)  # renders and stores the page
    values = dict(HIDDEN.findall(client.get(url).content.decode()))
    response = client.post(
        url,
        {
            **values,
            "name": "Schnell",
            "email": "bot@example.org",
            "language": "de",
            "privacy_consent": "on",
            f"slot_{workshop.slot_id}": str(workshop.pk),
        },
    )
    assert response.status_code == 200 and not Registration.objects.exists()  # sent back too fast


def test_a_signed_in_person_gets_her_own_page(client, cached, workshop):
    url = "/de/events/rush/signup/"
    client.get(url)  # the shared page exists
    user = get_user_model().objects.create_user(email="fatma@example.org", password="x", first_name="Fatma")
    client.force_login(user)
    mine = client.get(url)
    assert mine.templates and 'value="fatma@example.org"' in mine.content.decode()  # prefilled for her
    client.logout()
    assert "fatma@example.org" not in client.get(url).content.decode()  # never shared


def test_the_organisers_texts_for_her_confirmation_come_with_the_programme_copy(client, cached, workshop):
    event = workshop.slot.event
    MessageText.objects.create(event=event, kind="registration_confirmed", text_de="Bitte Ausweis mitbringen")
    client.get("/de/events/rush/signup/")  # the copy, with the texts
    with CaptureQueriesContext(connection) as queries:
        assert valid_post(client, event, workshop, language="de").status_code == 302
    assert not [query for query in queries if "registrations_messagetext" in query["sql"]]
    message = OutboxMessage.objects.get(kind="registration_confirmed")
    assert message.context["event_text"] == "Bitte Ausweis mitbringen"


def test_a_workshop_moved_to_another_slot_after_the_copy_is_booked_in_its_slot_of_now(
    client, cached, workshop
):
    event = workshop.slot.event
    client.get("/de/events/rush/signup/")  # the copy holds the workshop in its first slot
    later = TimeSlotFactory(event=event, starts_at=workshop.slot.ends_at, ends_at=event.ends_at)
    Workshop.objects.filter(pk=workshop.pk).update(slot=later)

    assert valid_post(client, event, workshop).status_code == 302
    booking = Registration.objects.get().bookings.get()
    assert (booking.workshop_id, booking.slot_id) == (workshop.pk, later.pk)
    assert Workshop.objects.get(pk=workshop.pk).seats_taken == 1


def test_her_page_takes_the_programme_from_the_copy_and_only_her_own_rows_from_the_database(
    client, cached, workshop
):
    response = valid_post(client, workshop.slot.event, workshop)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Jobsuche" in page.content.decode() and "Gebucht" in page.content.decode()  # her seat
    tables = [re.search(r'FROM "(\w+)"', query["sql"]).group(1) for query in queries]
    assert tables == ["registrations_registration", "registrations_booking"]  # no childcare offered


def test_a_workshop_the_programme_copy_does_not_hold_cannot_be_chosen(cached, workshop):
    event = workshop.slot.event
    copy = selectors.programme_for_signup(slug=event.slug)
    newer = WorkshopFactory(slot=workshop.slot, title_de="Neu")
    with pytest.raises(InvalidChoice):
        services.register(
            event_id=event.pk,
            applicant=services.Applicant(name="Amal Haddad", email="amal@example.org", language="ar"),
            workshop_ids=[newer.pk],
            privacy_notice_version="1",
            programme=copy,
        )
    assert not Registration.objects.exists()


def test_the_state_locked_in_sql_is_what_the_orm_reads(cached, workshop):
    """The sign-up's locks read the event's and workshops' state in SQL onto the copy: the same values,
    in the same order, as the ORM would give (a column out of place would put a date into a counter)."""
    event = workshop.slot.event
    other = WorkshopFactory(slot=TimeSlotFactory(event=event, starts_at=workshop.slot.ends_at), capacity=7)
    Workshop.objects.filter(pk=other.pk).update(seats_taken=3)
    foreign = WorkshopFactory(slot=TimeSlotFactory(event=EventFactory(slug="other")))
    copy = selectors.programme_for_signup(slug=event.slug)
    with transaction.atomic():
        locked_event = lock_event(event.pk, onto=copy)
        locked = lock_workshops(
            [other.pk, workshop.pk, foreign.pk], event_id=event.pk, onto=selectors.workshops_of(copy)
        )
    assert locked_event is copy
    assert [getattr(copy, name) for name in EVENT_STATE] == list(
        Event.objects.values_list(*EVENT_STATE).get(pk=event.pk)
    )
    assert sorted(locked) == sorted([workshop.pk, other.pk])  # not another event's workshop
    for pk, copy_of_workshop in locked.items():
        assert [getattr(copy_of_workshop, name) for name in WORKSHOP_STATE] == list(
            Workshop.objects.values_list(*WORKSHOP_STATE).get(pk=pk)
        )
    assert locked[other.pk].seats_taken == 3


@pytest.mark.parametrize("copies", [True, False], ids=["programme copy", "no copy"])
def test_her_page_reads_in_sql_what_the_orm_reads(copies, settings, workshop):
    """Her page reads her registration and her bookings in fixed SQL (the rush's third request): every
    field as the ORM reads it, only her active bookings, in booking order."""
    settings.SIGNUP_PROGRAMME_CACHE_SECONDS = 3 if copies else 0
    caches["fragments"].clear()
    event = workshop.slot.event
    later = WorkshopFactory(slot=TimeSlotFactory(event=event, starts_at=workshop.slot.ends_at), capacity=1)
    third = WorkshopFactory(slot=TimeSlotFactory(event=event, starts_at=later.slot.ends_at))
    sign_up(event, later, email="other@example.org")  # takes the later workshop's only seat
    her = sign_up(event, workshop, later, third, email="amina@example.org", phone="0341 123")
    Booking.objects.filter(registration=her, workshop=third).update(status=Booking.Status.CANCELLED)

    registration = tokens.registration_from_token(tokens.make_token(her))
    fields = [field.attname for field in Registration._meta.concrete_fields]
    assert [getattr(registration, name) for name in fields] == list(
        Registration.objects.values_list(*fields).get(pk=her.pk)
    )
    bookings = selectors.her_bookings(registration)
    expected = Booking.objects.filter(registration=her, status__in=Booking.ACTIVE).order_by("pk")
    fields = [field.attname for field in Booking._meta.concrete_fields]
    assert [[getattr(booking, name) for name in fields] for booking in bookings] == [
        list(row) for row in expected.values_list(*fields)
    ]
    assert [b.status for b in bookings] == [Booking.Status.CONFIRMED, Booking.Status.WAITLISTED]
    assert len(Booking.ACTIVE) == selectors.HER_BOOKINGS_WHERE.count("%s") - 1  # one placeholder each
    caches["fragments"].clear()


def test_the_look_up_for_an_earlier_registration_knows_every_active_status():
    statuses = set(re.search(r"status IN \(([^)]*)\)", EARLIER_SQL).group(1).replace("'", "").split(", "))
    assert statuses == set(Registration.ACTIVE)


def test_with_the_programme_copy_she_can_sign_up_for_no_workshop_at_all(cached, workshop):
    event = workshop.slot.event
    result = services.register(
        event_id=event.pk,
        applicant=services.Applicant(name="Amal Haddad", email="amal@example.org", language="ar"),
        workshop_ids=[],
        privacy_notice_version="1",
        programme=selectors.programme_for_signup(slug=event.slug),
    )
    assert result.created and result.registration.status == Registration.Status.CONFIRMED
    assert not result.registration.bookings.exists()
