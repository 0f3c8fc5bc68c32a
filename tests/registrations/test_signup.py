import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fachtag.models import ChildcareGroup, Event, Workshop
from notifications.models import OutboxMessage
from registrations import services
from registrations.errors import ChildcareUnavailable, InvalidChoice, RegistrationClosed
from registrations.models import Booking, Registration, RegistrationLog
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import applicant, reload, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(capacity=3, has_childcare=True)


@pytest.fixture
def workshop(event):
    return WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=2)


def test_sign_up_with_a_free_workshop_confirms_event_place_and_seat(event, workshop):
    registration = sign_up(event, workshop)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.bookings.get().status == Booking.Status.CONFIRMED
    assert reload(event).seats_taken == 1
    assert reload(workshop).seats_taken == 1
    assert OutboxMessage.objects.get().kind == "registration_confirmed"
    assert list(registration.log.values_list("action", flat=True)) == ["confirmed", "confirmed"]


def test_full_workshop_keeps_the_event_place_and_puts_her_on_its_waiting_list(event, workshop):
    sign_up(event, workshop)
    sign_up(event, workshop)
    third = sign_up(event, workshop)
    assert third.status == Registration.Status.CONFIRMED
    assert third.bookings.get().status == Booking.Status.WAITLISTED
    assert reload(workshop).seats_taken == 2


def test_full_event_puts_the_whole_registration_on_the_waiting_list(event, workshop):
    for _ in range(3):
        sign_up(event)
    late = sign_up(event, workshop)
    assert late.status == Registration.Status.WAITLISTED
    assert late.bookings.get().status == Booking.Status.WAITLISTED
    assert reload(workshop).seats_taken == 0
    assert reload(event).seats_taken == 3
    assert OutboxMessage.objects.filter(kind="registration_waitlisted").count() == 1


def test_mother_and_children_get_places_together_or_wait_together(event):
    small = ChildcareGroup.objects.create(event=event, min_age=0, max_age=2, capacity=1)
    ChildcareGroup.objects.create(event=event, min_age=3, max_age=10, capacity=5)
    first = sign_up(event, child_ages=[1, 4])
    second = sign_up(event, child_ages=[2, 6])  # the 0–2 group is full
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITLISTED
    assert reload(small).seats_taken == 1
    assert reload(event).seats_taken == 1  # she holds no place while her child waits
    assert sorted(second.children.values_list("age", flat=True)) == [2, 6]


def test_childcare_for_an_age_without_a_group_is_refused(event):
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=2, capacity=5)
    with pytest.raises(ChildcareUnavailable):
        sign_up(event, child_ages=[12])
    assert not Registration.objects.exists()


def test_the_same_address_twice_creates_nothing_and_sends_the_link_again(event):
    first = sign_up(event, email="Amal@Example.org")
    result = services.register(
        event_id=event.pk,
        applicant=applicant(email="amal@example.org"),
        workshop_ids=[],
        privacy_notice_version="x",
    )
    assert result.created is False
    assert result.registration == first
    assert Registration.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="personal_link").count() == 1


def test_the_same_form_sent_twice_creates_one_registration(event):
    key = uuid.uuid4()
    common = {"event_id": event.pk, "workshop_ids": [], "privacy_notice_version": "x", "submission_key": key}
    first = services.register(applicant=applicant(email="a@example.org"), **common)
    second = services.register(applicant=applicant(email="a@example.org"), **common)
    assert first.created and not second.created
    assert first.registration == second.registration
    assert not OutboxMessage.objects.filter(kind="personal_link").exists()


def test_two_workshops_in_one_slot_are_refused(event, workshop):
    other = WorkshopFactory(slot=workshop.slot)
    with pytest.raises(InvalidChoice):
        sign_up(event, workshop, other)
    assert not Registration.objects.exists()


def test_a_workshop_of_another_event_is_refused(event):
    foreign = WorkshopFactory()
    with pytest.raises(InvalidChoice):
        sign_up(event, foreign)


def test_sign_up_is_refused_when_registration_is_closed():
    event = EventFactory(status="draft")
    with pytest.raises(RegistrationClosed):
        sign_up(event)


def test_accessibility_needs_are_stored_only_with_consent(event):
    without = sign_up(event, accessibility_needs="Rollstuhl", accessibility_consent=False)
    with_consent = sign_up(event, accessibility_needs="Rollstuhl", accessibility_consent=True)
    assert without.accessibility_needs == "" and without.accessibility_consent_at is None
    assert with_consent.accessibility_needs == "Rollstuhl" and with_consent.accessibility_consent_at


def test_history_records_ids_only(event, workshop):
    registration = sign_up(event, workshop, name="Olena Kovalenko")
    for entry in RegistrationLog.objects.filter(registration=registration):
        assert "Olena" not in str(entry.detail)


TABLE = re.compile(r'^(SELECT|INSERT|UPDATE)\b(?:.*?\b(?:FROM|INTO)\b)?\s+"?(\w+)', re.DOTALL)


def statement_kind(sql: str) -> str:
    """ "INSERT registrations_booking", "SELECT fachtag_workshop", or the first word of other statements."""
    found = TABLE.match(sql.strip())
    return " ".join(found.groups()) if found else sql.split()[0]


def test_a_sign_up_locks_checks_and_writes_in_one_transaction_in_the_documented_order(event, workshop):
    """Look for an earlier registration of hers; then lock the event, lock her workshops (by id), decide,
    write (her calendar state goes in with her registration's insert, not as an update after)."""
    second = WorkshopFactory(slot=TimeSlotFactory(event=event))
    with CaptureQueriesContext(connection) as queries:
        registration = sign_up(event, workshop, second)
    statements = [query["sql"] for query in queries]
    first = next(i for i, sql in enumerate(statements) if sql.startswith("SAVEPOINT")) + 1
    before = [statement_kind(sql) for sql in statements[:first]]
    assert "SELECT registrations_registration" in before  # hers already? (before the transaction)
    assert [statement_kind(sql) for sql in statements[first:]] == [
        "SELECT fachtag_event",  # FOR UPDATE
        "SELECT fachtag_workshop",  # FOR UPDATE, by id
        "INSERT registrations_registration",
        "INSERT registrations_booking",
        "INSERT registrations_registrationlog",
        "INSERT notifications_outboxmessage",
        "UPDATE fachtag_event",
        "UPDATE fachtag_workshop",
        "RELEASE",  # the end of the transaction (here the savepoint inside the test's transaction)
    ], "\n".join(statements[first:])
    assert "FOR UPDATE" in statements[first] and "FOR UPDATE" in statements[first + 1]
    assert "ORDER BY" in statements[first + 1]
    registration.refresh_from_db()
    assert registration.calendar_sequence == 1 and registration.calendar_day_sent
    invite = OutboxMessage.objects.get(kind="registration_confirmed").context["calendar"]
    assert invite["method"] == "REQUEST" and invite["entry"]["sequence"] == 0  # her first invite
    description = invite["entry"]["description"]  # the day, listing both workshops
    assert workshop.title_de in description and second.title_de in description


def test_places_are_decided_on_the_rows_as_locked_not_as_the_page_showed_them(event, workshop, settings):
    """The programme kept for the page may be seconds old; what decides a place is read under the locks."""
    settings.SIGNUP_FORM_CACHE_SECONDS = 60
    moving = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=5)
    assert sign_up(event, workshop).status == Registration.Status.CONFIRMED  # the programme is kept now
    # Changed since (as by an organiser or other sign-ups, past the kept rows):
    Workshop.objects.filter(pk=workshop.pk).update(seats_taken=2)  # the workshop is full
    later = sign_up(event, workshop)
    assert later.status == Registration.Status.CONFIRMED  # an event place
    assert later.bookings.get().status == Booking.Status.WAITLISTED  # and the workshop's waiting list
    Workshop.objects.filter(pk=moving.pk).update(slot=TimeSlotFactory(event=event))  # moved to another slot
    with pytest.raises(InvalidChoice):
        sign_up(event, moving)
    Event.objects.filter(pk=event.pk).update(capacity=2)  # the event is full
    assert sign_up(event).status == Registration.Status.WAITLISTED
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    with pytest.raises(RegistrationClosed):
        sign_up(event)
