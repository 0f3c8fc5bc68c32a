from celery import shared_task
from django.utils import timezone

from mediators import services


@shared_task
def send_session_reminders() -> int:
    """A reminder before each training session (chosen by state: running twice sends nothing twice)."""
    return services.send_session_reminders(now=timezone.now())
