from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from fachtag.models import Event, TimeSlot, Workshop
from registrations.models import Booking, Registration


def _slots_with_workshops() -> Prefetch:
    """An event's slots in time order, each with its workshops in programme order."""
    slots = TimeSlot.objects.order_by("starts_at", "pk").prefetch_related(
        Prefetch("workshops", queryset=Workshop.objects.order_by("position", "pk"))
    )
    return Prefetch("slots", queryset=slots)


def event_for_signup(*, slug: str) -> Event:
    """A published event with its slots, workshops and childcare groups (a fixed number of queries)."""
    return with_programme(published_event(slug=slug))


def published_event(*, slug: str) -> Event:
    """A published event, without its programme (with_programme() adds it when needed)."""
    return Event.objects.published().get(slug=slug)


def with_programme(event: Event) -> Event:
    """The event with its slots, workshops and childcare groups loaded (a fixed number of queries)."""
    prefetch_related_objects([event], _slots_with_workshops(), "childcare_groups")
    return event


def her_bookings(registration: Registration) -> list[Booking]:
    """Her active bookings with their slots and workshops, in booking order (her pages group them by slot)."""
    return list(
        registration.bookings.filter(status__in=Booking.ACTIVE)
        .select_related("slot", "workshop")
        .order_by("pk")
    )


def registrations_of(user) -> QuerySet[Registration]:
    return Registration.objects.filter(user=user).select_related("event").order_by("-event__starts_at")
