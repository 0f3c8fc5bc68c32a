"""The smallest valid objects; tests pass only the fields they care about."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from fachtag.models import Event, TimeSlot, Workshop
from mediators.models import ORGANISERS_GROUP

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = Event.Kind.FACHTAG
    slug = factory.Sequence(lambda n: f"fachtag-{n}")
    # Only the German field: setting `title` would fill the field of whatever language is active.
    title_de = factory.Sequence(lambda n: f"Fachtag {n}")
    venue_name = "Neues Rathaus"
    venue_address = "Martin-Luther-Ring 4–6\n04109 Leipzig"
    starts_at = factory.LazyFunction(lambda: berlin(2099, 3, 12, 9, 0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=8))
    capacity = 200
    status = Event.Status.PUBLISHED


class TimeSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeSlot

    event = factory.SubFactory(EventFactory)
    kind = TimeSlot.Kind.PARALLEL
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at + timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    slot = factory.SubFactory(TimeSlotFactory)
    title_de = factory.Sequence(lambda n: f"Workshop {n}")
    room = "Raum 101"
    capacity = 25


def mediator_manager(email: str = "pool@example.org", password: str = "x" * 12, **fields):
    """A staff account in the organisers' group, which migration mediators/0005 grants the permission to
    manage the mediator pool (the group is made again here for tests that flush the database)."""
    group, _created = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="mediators", codename="manage_mediators")
    )
    user = get_user_model().objects.create_user(email=email, password=password, is_staff=True, **fields)
    user.groups.add(group)
    return user
