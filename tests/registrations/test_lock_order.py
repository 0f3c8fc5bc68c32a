"""Giving her places back locks in the one order every service uses: the event, her workshops, then the
childcare groups (registrations/services/locking.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fachtag.models import ChildcareGroup
from registrations import services
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db


def locked_tables(queries) -> list[str]:
    order = []
    for query in queries:
        sql = query["sql"]
        if "FOR UPDATE" in sql or "FOR NO KEY UPDATE" in sql:
            table = sql.split(" FROM ", 1)[1].split()[0].strip('"')
            if not order or order[-1] != table:
                order.append(table)
    return order


def test_cancelling_locks_the_event_then_her_workshops_then_the_childcare_groups():
    event = EventFactory(capacity=10, has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=10)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=5)
    registration = sign_up(event, workshop, child_ages=[4])

    with CaptureQueriesContext(connection) as queries:
        services.cancel(registration_id=registration.pk, now=timezone.now())

    order = [table for table in locked_tables(queries) if table != "registrations_registration"]
    assert order[:3] == ["fachtag_event", "fachtag_workshop", "fachtag_childcaregroup"], order


def in_documented_order(order: list[str]) -> bool:
    """First the event, then workshops, then childcare groups. A service that frees places locks all of the
    event's workshops and groups at the start (lock_event_places), so what it locks again later is its own
    already and waits for no one: the order of first locks is what counts."""
    rank = {"fachtag_event": 0, "fachtag_workshop": 1, "fachtag_childcaregroup": 2}
    first = [rank[table] for index, table in enumerate(order) if table in rank and table not in order[:index]]
    return first == [0, 1, 2]


@pytest.fixture
def direct_event():
    """One place, held; a mother with a child and a workshop wish waits; the waiting list confirms at once."""
    event = EventFactory(capacity=1, has_childcare=True, waitlist_mode="direct")
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=10)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=5)
    holder = sign_up(event, workshop)
    waiting = sign_up(event, workshop, email="waits@example.org", child_ages=[3])
    assert waiting.status == "waitlisted"
    return event, holder, waiting


def test_a_freed_place_confirmed_at_once_locks_in_the_documented_order(direct_event):
    event, holder, waiting = direct_event
    with CaptureQueriesContext(connection) as queries:
        services.cancel(registration_id=holder.pk, now=timezone.now())
    waiting.refresh_from_db()
    assert waiting.status == "confirmed" and waiting.bookings.get().status == "confirmed"
    assert in_documented_order(locked_tables(queries)), locked_tables(queries)


def test_changing_childcare_that_frees_places_locks_in_the_documented_order(direct_event):
    event, holder, waiting = direct_event
    holder_with_child = sign_up(event, email="child@example.org", child_ages=[4])  # waits too
    with CaptureQueriesContext(connection) as queries:
        services.update_childcare(
            registration_id=holder_with_child.pk, child_ages=[], notes="", now=timezone.now()
        )
    assert in_documented_order(locked_tables(queries)), locked_tables(queries)


def test_a_sign_up_with_children_and_workshops_locks_in_the_documented_order():
    event = EventFactory(capacity=10, has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=10)
    workshops = [WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=5) for _ in range(2)]
    with CaptureQueriesContext(connection) as queries:
        sign_up(event, *reversed(workshops), child_ages=[2])
    assert locked_tables(queries) == ["fachtag_event", "fachtag_workshop", "fachtag_childcaregroup"]
