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
