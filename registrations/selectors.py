import uuid

from django.conf import settings
from django.core.cache import caches
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

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


def programme_for_signup(*, slug: str) -> Event:
    """event_for_signup() with the organisers' message texts, at most SIGNUP_PROGRAMME_CACHE_SECONDS old
    (a copy per request, per process).

    For the public sign-up page only: what she sees may lag a few seconds behind, what she gets is
    decided by the sign-up service on locked rows.
    """
    seconds = settings.SIGNUP_PROGRAMME_CACHE_SECONDS
    if not seconds:
        return event_for_signup(slug=slug)
    cache, key = caches["fragments"], f"signup-programme:{slug}"
    event = cache.get(key)
    if event is None:
        event = event_for_signup(slug=slug)
        prefetch_related_objects([event], "message_texts")  # for her confirmation, read once per copy
        # Names this copy: what is rendered from it may be kept as long as the copy (views.signup).
        event.programme_copy = uuid.uuid4().hex
        cache.set(key, event, seconds)
    return event


def registration_overview(registration: Registration) -> Registration:
    """Her registration (as loaded from her link, with its event) with bookings (workshop and slot), the
    event's slots and, where the event offers childcare, her children loaded for the manage page: two or
    three queries."""
    bookings = Booking.objects.filter(status__in=Booking.ACTIVE).select_related("workshop")
    slots = TimeSlot.objects.order_by("starts_at", "pk")
    lookups = [Prefetch("bookings", queryset=bookings), Prefetch("event__slots", queryset=slots)]
    if registration.event.has_childcare:
        lookups.append("children")
    prefetch_related_objects([registration], *lookups)
    slot_by_id = {slot.pk: slot for slot in registration.event.slots.all()}
    for booking in registration.bookings.all():  # her slots are the event's: not read a second time
        booking.slot = slot_by_id[booking.slot_id]
    return registration


def registrations_of(user) -> QuerySet[Registration]:
    return Registration.objects.filter(user=user).select_related("event").order_by("-event__starts_at")
