import functools
import threading
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from fachtag.models import Event, TimeSlot, Workshop
from registrations import rows
from registrations.models import Booking, Registration


def _slots_with_workshops() -> Prefetch:
    """An event's slots in time order, each with its workshops in programme order."""
    slots = TimeSlot.objects.order_by("starts_at", "pk").prefetch_related(
        Prefetch("workshops", queryset=Workshop.objects.order_by("position", "pk"))
    )
    return Prefetch("slots", queryset=slots)


def _programme(events: QuerySet[Event], **lookup) -> Event:
    return events.prefetch_related(_slots_with_workshops(), "childcare_groups").get(**lookup)


def event_for_signup(*, slug: str) -> Event:
    """A published event with its slots, workshops and childcare groups (a fixed number of queries)."""
    return _programme(Event.objects.published(), slug=slug)


# Per thread: the programme copy it last took from the cache, by event id. Taking the same copy again
# costs no unpickling (a third of a millisecond per page in a rush); a thread has it to itself, so what a
# request writes onto it (the counters read under a lock, seats it took) is only ever seen by later
# requests of the same thread, as values at least as fresh as the copy's own.
class _Taken(threading.local):
    def __init__(self):
        self.copies: dict[int, Event] = {}


_taken = _Taken()


def _copy(event_id: int | None, load) -> Event | None:
    """The event's programme copy (slots, workshops, childcare groups and the organisers' message texts),
    loaded by load() when missing or older than SIGNUP_PROGRAMME_CACHE_SECONDS; one copy per thread,
    per process, shared by the sign-up page and the pages behind personal links. None when switched off."""
    seconds = settings.SIGNUP_PROGRAMME_CACHE_SECONDS
    if not seconds:
        return None
    cache = caches["fragments"]
    name = cache.get(f"programme:{event_id}") if event_id is not None else None
    event = _taken.copies.get(event_id)
    if event is None or event.programme_copy != name:  # not taken yet, or no longer the cached copy
        event = cache.get(f"programme-copy:{name}") if name is not None else None
    if event is None:
        event = load()
        prefetch_related_objects([event], "message_texts")  # for her confirmation, read once per copy
        # Names this copy: what is rendered from it may be kept as long as the copy (views.signup).
        name = event.programme_copy = uuid.uuid4().hex
        cache.set_many(
            {
                f"programme:{event.pk}": name,
                f"programme-copy:{name}": event,
                f"programme-slug:{event.slug}": event.pk,
            },
            seconds,
        )
    _taken.copies[event.pk] = event
    return event


def programme_for_signup(*, slug: str) -> Event:
    """event_for_signup() from the programme copy, at most SIGNUP_PROGRAMME_CACHE_SECONDS old.

    For the public sign-up page only: what she sees may lag a few seconds behind, what she gets is
    decided by the sign-up service on locked rows.
    """
    load = functools.partial(event_for_signup, slug=slug)
    copy = _copy(caches["fragments"].get(f"programme-slug:{slug}"), load)
    if copy is None:
        return load()
    if copy.slug != slug:  # renamed since: the slug is looked up afresh
        copy = _copy(None, load)
    if copy.status != Event.Status.PUBLISHED:  # as event_for_signup()
        raise Event.DoesNotExist
    return copy


def event_of(event_id: int) -> Event:
    """The event for pages behind her personal link: the programme copy (whatever the event's status),
    else the row. Changes go through the services, which lock and read the rows themselves."""
    copy = _copy(event_id, functools.partial(_programme, Event.objects, pk=event_id))
    return copy if copy is not None else Event.objects.get(pk=event_id)


def workshops_of(event: Event) -> dict[int, Workshop]:
    """The workshops of an event loaded with its slots and workshops (e.g. a programme copy), by id."""
    return {workshop.pk: workshop for slot in event.slots.all() for workshop in slot.workshops.all()}


# Her active bookings (Booking.ACTIVE) in booking order, not the model's default (by slot time, a join):
# her pages group them by slot. Fixed SQL, like tokens.REGISTRATION_WHERE: her page is the third request of
# every sign-up (rows.fetch).
HER_BOOKINGS_WHERE = "WHERE registration_id = %s AND status IN (%s, %s, %s) ORDER BY id"


def her_bookings(registration: Registration) -> list[Booking]:
    """Her active bookings for her pages, with their slots and workshops taken from her event's programme
    (a programme copy from event_of(), else read here with the event's slots and workshops): one query
    when the event is a programme copy, three otherwise."""
    event = registration.event
    if getattr(event, "programme_copy", None) is None:  # a copy has them already
        prefetch_related_objects([event], _slots_with_workshops())
    slot_by_id = {slot.pk: slot for slot in event.slots.all()}
    workshop_by_id = workshops_of(event)
    bookings = rows.fetch(Booking, HER_BOOKINGS_WHERE, [registration.pk, *Booking.ACTIVE])
    for booking in bookings:  # her slots and workshops are the event's: not read again
        booking.slot = slot_by_id[booking.slot_id]
        if booking.workshop_id in workshop_by_id:  # else (newer than the copy) read when shown
            booking.workshop = workshop_by_id[booking.workshop_id]
    return bookings


def registrations_of(user) -> QuerySet[Registration]:
    return Registration.objects.filter(user=user).select_related("event").order_by("-event__starts_at")
