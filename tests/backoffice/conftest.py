import pytest
from django.contrib.auth import get_user_model

from backoffice.models import EventRole
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory


@pytest.fixture
def two_events(db):
    """Event A and B, each with a slot of two workshops, and people in three roles."""
    a = EventFactory(slug="event-a", capacity=100, has_childcare=True)
    b = EventFactory(slug="event-b", capacity=100)
    for event in (a, b):
        slot = TimeSlotFactory(event=event)
        WorkshopFactory(slot=slot, capacity=2, title_de=f"{event.slug} eins")
        WorkshopFactory(slot=slot, capacity=10, title_de=f"{event.slug} zwei")
    users = get_user_model().objects
    roles = {
        "admin": users.create_superuser(email="admin@example.org", password="x" * 12),
        "organiser_a": users.create_user(email="orga@example.org", password="x" * 12, is_staff=True),
        "door_a": users.create_user(email="door@example.org", password="x" * 12, is_staff=True),
        "organiser_b": users.create_user(email="orgb@example.org", password="x" * 12, is_staff=True),
    }
    EventRole.objects.create(user=roles["organiser_a"], event=a, role="organiser")
    EventRole.objects.create(user=roles["door_a"], event=a, role="checkin")
    EventRole.objects.create(user=roles["organiser_b"], event=b, role="organiser")
    return a, b, roles
