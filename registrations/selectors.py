"""Reads for the sign-up and self-service pages."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet

from fachtag.models import ChildcareGroup, Event, TimeSlot, Workshop
from registrations.models import Booking, MessageText, Registration


@dataclass(frozen=True)
class Programme:
    """An event's slots in time order, each with its workshops in programme order, and its childcare groups,
    youngest first: instances made for one request."""

    slots: list[tuple[TimeSlot, list[Workshop]]]
    groups: list[ChildcareGroup]


def published_event(*, slug: str) -> Event:
    """A published event (raises Event.DoesNotExist). Read and kept as the programme is (programme())."""
    return _event(f"published-event:{slug}", lambda: Event.objects.published().filter(slug=slug))


def event_by_id(event_id: int) -> Event:
    """An event of any status (raises Event.DoesNotExist). Read and kept as the programme is (programme())."""
    return _event(f"event:{event_id}", lambda: Event.objects.filter(pk=event_id))


def _event(key: str, queryset) -> Event:
    """The event queryset() finds; the queryset is made only when the row is read, not when it is kept."""
    row = _kept(key, lambda: _rows(queryset()))
    if not row:
        raise Event.DoesNotExist
    return _instances(Event, row)[0]


def programme(event: Event) -> Programme:
    """The event's programme, as every visitor of its pages sees it.

    The sign-up pages show the same programme to everyone, so its rows are read at most once per
    SIGNUP_FORM_CACHE_SECONDS per process and kept as plain values (never model instances): each request
    makes its own instances of them. Free seats shown may be that many seconds old; every decision on a place
    is taken by the services on locked rows.
    """
    slot_rows, workshop_rows, group_rows = _kept(
        f"programme:{event.pk}:{event.updated_at.timestamp()}",
        lambda: (
            _rows(TimeSlot.objects.filter(event_id=event.pk).order_by("starts_at", "pk")),
            _rows(Workshop.objects.filter(slot__event_id=event.pk).order_by("position", "pk")),
            _rows(ChildcareGroup.objects.filter(event_id=event.pk).order_by("min_age", "pk")),
        ),
    )
    slots = _instances(TimeSlot, slot_rows)
    workshops = {slot.pk: [] for slot in slots}
    for slot in slots:
        slot.event = event
    by_pk = {slot.pk: slot for slot in slots}
    for workshop in _instances(Workshop, workshop_rows):
        workshop.slot = by_pk[workshop.slot_id]
        workshops[workshop.slot_id].append(workshop)
    groups = _instances(ChildcareGroup, group_rows)
    for group in groups:
        group.event = event
    return Programme(slots=[(slot, workshops[slot.pk]) for slot in slots], groups=groups)


def message_texts(event: Event) -> dict[str, MessageText]:
    """The organisers' own texts for the event's messages, by kind: read and kept as the programme is (an
    edited text reaches mail at most SIGNUP_FORM_CACHE_SECONDS later)."""
    rows = _kept(f"message-texts:{event.pk}", lambda: _rows(MessageText.objects.filter(event_id=event.pk)))
    return {text.kind: text for text in _instances(MessageText, rows)}


def _kept(key: str, read):
    """What read() returns, kept in this process's "programme" cache for SIGNUP_FORM_CACHE_SECONDS (0: read
    every time)."""
    return caches["programme"].get_or_set(key, read, settings.SIGNUP_FORM_CACHE_SECONDS)


def _columns(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _rows(queryset) -> list[tuple]:
    """Each row's stored values, column by column (translated texts as stored, not in the current language)."""
    if hasattr(queryset, "rewrite"):  # modeltranslation's queryset would read "title" in the current language
        queryset = queryset.rewrite(False)
    return list(queryset.values_list(*_columns(queryset.model)))


def _instances(model, rows: list[tuple]) -> list:
    """Model instances of rows read by _rows(), as the ORM makes them from the database (Model.from_db)."""
    columns = _columns(model)
    return [model.from_db(DEFAULT_DB_ALIAS, columns, row) for row in rows]


def her_bookings(registration: Registration, shown: Programme) -> list[Booking]:
    """Her active bookings in booking order (her pages group them by slot), each with its slot and workshop as
    `shown`, the event's programme, has them (one added in the seconds a programme is kept is read when used)."""
    slots = {slot.pk: slot for slot, _workshops in shown.slots}
    workshops = {workshop.pk: workshop for _slot, workshops in shown.slots for workshop in workshops}
    bookings = list(registration.bookings.filter(status__in=Booking.ACTIVE).order_by("pk"))
    for booking in bookings:
        if booking.slot_id in slots:
            booking.slot = slots[booking.slot_id]
        if booking.workshop_id in workshops:
            booking.workshop = workshops[booking.workshop_id]
    return bookings


def registrations_of(user) -> QuerySet[Registration]:
    return Registration.objects.filter(user=user).select_related("event").order_by("-event__starts_at")
