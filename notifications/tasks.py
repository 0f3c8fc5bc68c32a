"""Celery tasks: small, by id, safe to run twice (the outbox claim makes "once" true)."""

from celery import shared_task

from notifications import outbox


@shared_task(
    acks_late=True,
    autoretry_for=outbox.TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=outbox.MAX_ATTEMPTS,
)
def send_message(message_id: int) -> str:
    """Send one outbox message."""
    return outbox.send_once(message_id=message_id)


@shared_task(
    acks_late=True,
    autoretry_for=outbox.TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=outbox.MAX_ATTEMPTS,
)
def send_batch(message_ids: list[int]) -> dict:
    """Send a batch (e.g. reminders) over one SMTP connection."""
    return outbox.send_batch(message_ids=message_ids)


@shared_task
def send_unsent_messages() -> int:
    """Periodic sweep: queue, in batches, whatever is still unsent (e.g. Redis was down when it was written)."""
    ids = outbox.unsent_ids()
    for start in range(0, len(ids), outbox.BATCH_SIZE):
        send_batch.delay(ids[start : start + outbox.BATCH_SIZE])
    return len(ids)
