"""Counting places: the counters on Event, Workshop and ChildcareGroup move only through these helpers."""

from collections import Counter
from datetime import datetime, timedelta

from django.db.models import F

from fachtag.models import ChildcareGroup, Event, Workshop
from registrations.errors import ChildcareUnavailable


def group_for_age(groups: list[ChildcareGroup], age: int) -> ChildcareGroup:
    for group in groups:
        if group.min_age <= age <= group.max_age:
            return group
    raise ChildcareUnavailable()


def childcare_need(groups: list[ChildcareGroup], ages: list[int]) -> Counter:
    """How many places each group (by pk) needs for these children."""
    return Counter(group_for_age(groups, age).pk for age in ages)


def childcare_fits(groups: list[ChildcareGroup], need: Counter) -> bool:
    free = {group.pk: group.capacity - group.seats_taken for group in groups}
    return all(free.get(pk, 0) >= count for pk, count in need.items())


def take_event_place(event: Event, count: int = 1) -> None:
    Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + count)
    event.seats_taken += count


def release_event_place(event: Event, count: int = 1) -> None:
    Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") - count)
    event.seats_taken -= count


def take_childcare(groups: list[ChildcareGroup], need: Counter, sign: int = 1) -> None:
    by_pk = {group.pk: group for group in groups}
    for pk, count in sorted(need.items()):
        ChildcareGroup.objects.filter(pk=pk).update(seats_taken=F("seats_taken") + sign * count)
        by_pk[pk].seats_taken += sign * count


def release_childcare(groups: list[ChildcareGroup], need: Counter) -> None:
    take_childcare(groups, need, sign=-1)


def take_workshop_seat(workshop: Workshop) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(seats_taken=F("seats_taken") + 1)
    workshop.seats_taken += 1


def take_workshop_seats(workshops: list[Workshop]) -> None:
    """One seat in each of these (distinct) workshops, in one statement."""
    Workshop.objects.filter(pk__in=[workshop.pk for workshop in workshops]).update(
        seats_taken=F("seats_taken") + 1
    )
    for workshop in workshops:
        workshop.seats_taken += 1


def release_workshop_seat(workshop: Workshop) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(seats_taken=F("seats_taken") - 1)
    workshop.seats_taken -= 1


def workshop_has_seat(workshop: Workshop) -> bool:
    return workshop.capacity is None or workshop.seats_taken < workshop.capacity


def offer_deadline(event: Event, now: datetime) -> datetime | None:
    """When an offer made now runs out: the event's offer time, but never more than half the time left
    before the event starts. None when the event has started (no more offers)."""
    left = event.starts_at - now
    if left <= timedelta(0):
        return None
    return now + min(timedelta(hours=event.offer_hours), left / 2)
