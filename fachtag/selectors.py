"""Reads for the public programme pages. Each returns a queryset with a fixed number of queries."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from fachtag.models import DEFAULT_RETENTION_DAYS, DEFAULT_SENSITIVE_RETENTION_DAYS, Event, TimeSlot, Workshop


def upcoming_public_events(*, now=None) -> QuerySet[Event]:
    """Published Fachtag events that have not ended, soonest first."""
    return Event.objects.published().upcoming(now or timezone.now()).filter(kind=Event.Kind.FACHTAG)


def event_with_programme(*, slug: str) -> Event:
    """The public event with its slots and their workshops prefetched: three queries, whatever the size.

    Raises Event.DoesNotExist for drafts and unknown slugs.
    """
    workshops = Workshop.objects.order_by("position", "pk")
    slots = TimeSlot.objects.order_by("starts_at", "pk").prefetch_related(
        Prefetch("workshops", queryset=workshops)
    )
    return Event.objects.public().prefetch_related(Prefetch("slots", queryset=slots)).get(slug=slug)


def retention_periods() -> dict:
    """The periods the privacy notice states, from the settings themselves so that the text cannot drift:
    the defaults, and each public event whose participants' data is still held (one query)."""
    events = Event.objects.public().filter(anonymised_at=None).order_by("starts_at")
    return {
        "sensitive_days": DEFAULT_SENSITIVE_RETENTION_DAYS,
        "days": DEFAULT_RETENTION_DAYS,
        "events": list(events),
    }
