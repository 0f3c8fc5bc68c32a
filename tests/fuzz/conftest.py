"""One programme and people in every state, built once per test through the services (so every counter
and message is as the real sign-ups leave them); each hypothesis example then rolls its own writes back."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from fachtag.models import ChildcareGroup, Event, TimeSlot
from registrations import services
from registrations.models import Registration
from registrations.tokens import CHECKIN_SALT, CONFIRM_SALT, MANAGE_SALT, UNSUBSCRIBE_SALT, make_token
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.registrations.helpers import sign_up


def pytest_collection_modifyitems(items):
    # A failing example with a 70 kB value is printed whole; hypothesis warns about that, which would hide it.
    for item in items:
        if "tests/fuzz/" in str(item.path):
            item.add_marker(pytest.mark.filterwarnings("ignore:Generating overly large repr"))


SALTS = [MANAGE_SALT, CONFIRM_SALT, UNSUBSCRIBE_SALT, CHECKIN_SALT, "registrations.signup-started"]


@dataclass
class World:
    open: Event  # places free, childcare, two parallel slots and a plenary
    full: Event  # no place left: sign-ups join the waiting list; someone holds an offer
    confirm: Event  # the e-mail address must be confirmed
    closed: Event  # registration over
    people: dict[str, Registration] = field(default_factory=dict)

    def choices(self, event: Event) -> dict[str, list[str]]:
        """Per parallel slot field of the event, the values its form offers (workshops, and none)."""
        return {
            f"slot_{slot.pk}": [str(w.pk) for w in slot.workshops.all() if not w.is_cancelled] + [""]
            for slot in event.slots.all()
            if slot.is_parallel
        }

    def tokens(self, salt: str = MANAGE_SALT) -> list[str]:
        return [make_token(person, salt=salt) for person in self.people.values()]

    def stale_tokens(self) -> list[str]:
        """Links of an earlier version (renewed since): correctly signed, no longer valid."""
        from django.core import signing

        return [
            signing.dumps([p.uuid.hex, p.token_version + 1], salt=MANAGE_SALT) for p in self.people.values()
        ]


@pytest.fixture
def client():
    """Exceptions in a view surface in the test (as failures), not as a 500 page."""
    return Client(raise_request_exception=True)


@pytest.fixture
def world(db) -> World:
    now = timezone.now()
    open_event = EventFactory(slug="fuzz-open", capacity=100, has_childcare=True)
    ChildcareGroup.objects.create(event=open_event, min_age=0, max_age=2, capacity=5)
    ChildcareGroup.objects.create(event=open_event, min_age=3, max_age=10, capacity=1)
    morning = TimeSlotFactory(
        event=open_event, starts_at=berlin(2099, 3, 12, 10), ends_at=berlin(2099, 3, 12, 11)
    )
    afternoon = TimeSlotFactory(
        event=open_event, starts_at=berlin(2099, 3, 12, 13), ends_at=berlin(2099, 3, 12, 14)
    )
    plenary = TimeSlotFactory(
        event=open_event,
        kind=TimeSlot.Kind.PLENARY,
        starts_at=berlin(2099, 3, 12, 9),
        ends_at=berlin(2099, 3, 12, 10),
    )
    WorkshopFactory(slot=plenary, capacity=None, title_de="Begrüßung")
    roomy = WorkshopFactory(slot=morning, capacity=10, title_de="Anerkennung")
    tiny = WorkshopFactory(slot=morning, capacity=1, title_de="Bewerbung")
    WorkshopFactory(slot=morning, capacity=10, title_de="Abgesagt", status="cancelled")
    later = WorkshopFactory(slot=afternoon, capacity=10, title_de="Sprachkurse")

    full = EventFactory(slug="fuzz-full", capacity=2)
    full_workshop = WorkshopFactory(slot=TimeSlotFactory(event=full), capacity=5)
    confirm = EventFactory(slug="fuzz-confirm", capacity=50, requires_email_confirmation=True)
    WorkshopFactory(slot=TimeSlotFactory(event=confirm), capacity=5)
    closed = EventFactory(
        slug="fuzz-closed",
        registration_closes_at=now - timedelta(days=1),
        starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=5, hours=8),
    )

    world = World(open=open_event, full=full, confirm=confirm, closed=closed)
    people = world.people
    people["seated"] = sign_up(open_event, tiny, later, name="Olena Kovalenko")
    people["her"] = sign_up(open_event, roomy, later, name="Amal Haddad", child_ages=[1, 4])
    # She also wishes for the full workshop in the morning (keeping her seat meanwhile).
    services.change_workshop(
        registration_id=people["her"].pk, slot_id=morning.pk, workshop_id=tiny.pk, waitlist_ok=True, now=now
    )
    people["x"] = sign_up(full, full_workshop, name="Nasrin Ahmadi")
    leaving = sign_up(full, name="Zoë Çelik")
    people["offered"] = sign_up(full, full_workshop, name="Lan Nguyen")
    people["waiting"] = sign_up(full, name="Ioana Pop")
    services.cancel(registration_id=leaving.pk, now=now)  # her place is offered to the first on the list
    people["cancelled"] = leaving
    people["pending"] = sign_up(confirm, name="Aylin Demir")
    for person in people.values():
        person.refresh_from_db()
    assert people["offered"].status == Registration.Status.OFFERED
    assert people["pending"].status == Registration.Status.PENDING
    assert people["waiting"].status == Registration.Status.WAITLISTED
    return world
