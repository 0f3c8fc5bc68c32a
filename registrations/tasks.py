"""Periodic sweeps, each idempotent: a missed or doubled beat run is harmless."""

from celery import shared_task
from django.utils import timezone

from registrations import services


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
