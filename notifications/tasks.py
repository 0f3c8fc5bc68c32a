from celery import shared_task

from notifications import outbox


@shared_task(
    acks_late=True,
    autoretry_for=outbox.TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def send_message(message_id: int) -> str:
    """Send one outbox message. Safe to run any number of times."""
    return outbox.send_once(message_id=message_id)


@shared_task
def send_unsent_messages() -> int:
    """Periodic sweep: queue whatever is still unsent (e.g. Redis was down when it was written)."""
    ids = outbox.unsent_ids()
    for message_id in ids:
        send_message.delay(message_id)
    return len(ids)
