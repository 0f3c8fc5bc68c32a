"""Celery tasks: small, by id (send_ready takes its ids from the hand-over list in Redis, see outbox._queue),
safe to run twice (the outbox claim makes "once" true).

Retries follow the back-off the outbox recorded for the message (exponential with jitter, at most
10 minutes, far below the broker's visibility timeout); the sweep respects the same time.
"""

import logging

from billiard.exceptions import SoftTimeLimitExceeded
from celery import shared_task
from django.utils import timezone

from notifications import outbox, selectors

logger = logging.getLogger(__name__)


@shared_task(name=outbox.SEND_MESSAGE, bind=True, acks_late=True, max_retries=outbox.MAX_ATTEMPTS)
def send_message(self, message_id: int) -> str:
    """Send one outbox message."""
    try:
        return outbox.send_once(message_id=message_id)
    except SoftTimeLimitExceeded:  # its claim is released; the sweep sends it after the back-off
        return "released"
    except outbox.TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=outbox.seconds_until_retry([message_id])) from exc


@shared_task(name=outbox.SEND_READY, acks_late=True)
def send_ready() -> dict:
    """Send a batch of the messages handed over since the last run (outbox._queue), over one SMTP
    connection; another run is asked for at once if more are waiting. A transient SMTP error hands the
    batch to send_batch, which tries it again after the back-off."""
    message_ids, more = outbox.take_ready()
    if more:
        try:
            send_ready.delay()
        except Exception:  # the broker is away: the next message asks again, the sweep sends the rest
            logger.warning("Could not ask for another run of send_ready; the sweep sends what waits")
    if not message_ids:
        return {}
    try:
        return outbox.send_batch(message_ids=message_ids)
    except outbox.TRANSIENT_ERRORS:
        send_batch.apply_async((message_ids,), countdown=outbox.seconds_until_retry(message_ids))
        return {}


@shared_task(name=outbox.SEND_BATCH, bind=True, acks_late=True, max_retries=outbox.MAX_ATTEMPTS)
def send_batch(self, message_ids: list[int]) -> dict:
    """Send a batch (e.g. reminders) over one SMTP connection, each waiting transactional message first."""
    try:
        return outbox.send_batch(message_ids=message_ids, take_urgent_first=True)
    except outbox.TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=outbox.seconds_until_retry(message_ids)) from exc


@shared_task
def send_unsent_messages() -> int:
    """Periodic sweep (every OUTBOX_SWEEP_SECONDS): re-open the claims whose lease ran out (a dead worker's) and
    queue whatever is still unsent (e.g. Redis was down when it was written), transactional first."""
    ids = outbox.unsent_ids()
    outbox.requeue(ids)
    return len(ids)


@shared_task
def check_queue() -> bool:
    """Periodic: an error in the log (for the operators' alerting) while a message has waited longer than
    selectors.STUCK_AFTER. Returns whether the queue is stuck."""
    status = selectors.queue_status()
    stuck = status.is_stuck(timezone.now())
    if stuck:
        logger.error(
            "Mail queue stuck: %d waiting, %d being sent, %d failed; the oldest unsent message is from %s",
            status.waiting,
            status.sending,
            status.failed,
            status.oldest_unsent.isoformat(),
        )
    return stuck
