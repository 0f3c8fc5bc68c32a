"""Celery tasks: small, by id, safe to run twice (the outbox claim makes "once" true).

Retries follow the back-off the outbox recorded for the message (exponential with jitter, at most
10 minutes, far below the broker's visibility timeout); the sweep respects the same time.
"""

from celery import shared_task

from notifications import outbox


@shared_task(bind=True, acks_late=True, max_retries=outbox.MAX_ATTEMPTS)
def send_message(self, message_id: int) -> str:
    """Send one outbox message."""
    try:
        return outbox.send_once(message_id=message_id)
    except outbox.TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=outbox.seconds_until_retry([message_id])) from exc


@shared_task(bind=True, acks_late=True, max_retries=outbox.MAX_ATTEMPTS)
def send_batch(self, message_ids: list[int]) -> dict:
    """Send a batch (e.g. reminders) over one SMTP connection."""
    try:
        return outbox.send_batch(message_ids=message_ids)
    except outbox.TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=outbox.seconds_until_retry(message_ids)) from exc


@shared_task
def send_unsent_messages() -> int:
    """Periodic sweep: queue, in batches, whatever is still unsent (e.g. Redis was down when it was written)."""
    ids = outbox.unsent_ids()
    outbox.queue_in_batches(ids)
    return len(ids)
