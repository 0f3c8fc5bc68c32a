"""Periodic sweeps, each idempotent: a missed or doubled beat run is harmless."""

from celery import shared_task
from django.utils import timezone

from registrations import services
from registrations.services import privacy


@shared_task
def expire_offers() -> int:
    """Offers past their deadline lapse; the places go to the next person."""
    return services.expire_offers(now=timezone.now())


@shared_task
def release_unconfirmed() -> int:
    """Places held for e-mail addresses not confirmed in time are released."""
    return services.release_unconfirmed(now=timezone.now())


@shared_task
def promote_waiting_lists() -> None:
    """Places freed outside the services (a capacity raised in the admin) are offered to the waiting lists."""
    services.promote_all(now=timezone.now())


@shared_task
def send_due_reminders() -> int:
    """Reminders before the event, one per person and reminder (idempotent: chosen by state)."""
    return services.send_due_reminders(now=timezone.now())


@shared_task
def anonymise_due_events() -> dict:
    """Daily: every event past a retention period gets one task per step (see docs/privacy.md)."""
    due = privacy.due_events(now=timezone.now())
    for event_id in due.sensitive:
        delete_sensitive_event_data.delay(event_id)
    for event_id in due.anonymise:
        anonymise_event.delay(event_id)
    return {"sensitive": len(due.sensitive), "anonymise": len(due.anonymise)}


@shared_task
def delete_sensitive_event_data(event_id: int) -> int:
    """Accessibility, childcare and interpreting details of one event's participants are deleted (idempotent)."""
    return privacy.delete_sensitive_event_data(event_id=event_id, now=timezone.now())


@shared_task
def anonymise_event(event_id: int) -> int:
    """One event's participants are anonymised; only the figures stay (idempotent)."""
    return privacy.anonymise_event(event_id=event_id, now=timezone.now())
