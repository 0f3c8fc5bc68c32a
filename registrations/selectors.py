from django.db.models import Prefetch, QuerySet

from fachtag.models import Event, TimeSlot, Workshop
from registrations.models import Booking, Registration


def event_for_signup(*, slug: str) -> Event:
    """A published event with its slots, workshops and childcare groups (a fixed number of queries)."""
    slots = TimeSlot.objects.order_by("starts_at", "pk").prefetch_related(
        Prefetch("workshops", queryset=Workshop.objects.order_by("position", "pk"))
    )
    return (
        Event.objects.published()
        .prefetch_related(Prefetch("slots", queryset=slots), "childcare_groups")
        .get(slug=slug)
    )


def registration_overview(registration: Registration) -> Registration:
    """Her registration with bookings (workshop and slot) and children loaded for the manage page."""
    bookings = Booking.objects.filter(status__in=Booking.ACTIVE).select_related("workshop", "slot")
    return (
        Registration.objects.select_related("event")
        .prefetch_related(Prefetch("bookings", queryset=bookings), "children")
        .get(pk=registration.pk)
    )


def registrations_of(user) -> QuerySet[Registration]:
    return Registration.objects.filter(user=user).select_related("event").order_by("-event__starts_at")
