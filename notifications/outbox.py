"""Writing to the outbox and sending from it: each message leaves once.

Sending claims the row first (a conditional UPDATE only one worker can win), sends outside any
transaction, then marks it sent. The one path to a duplicate: a worker that dies after the mail server
accepted a message but before the row is marked sent; its claim is re-opened after STALE_CLAIM and the
message goes out again. We accept that over losing a confirmation. Transient SMTP trouble releases the claim for a later attempt with
back-off; a permanent refusal (5xx) or too many attempts marks the message failed, for organisers to see.
"""

import logging
import random
import time
from datetime import timedelta
from smtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.redis_client import redis_client
from notifications.models import OutboxMessage
from notifications.rendering import render

logger = logging.getLogger(__name__)
TRANSIENT_ERRORS = (SMTPException, ConnectionError, TimeoutError, OSError)
STALE_CLAIM = timedelta(minutes=15)
MAX_ATTEMPTS = 8
BATCH_SIZE = 100

# The hand-over to the mail worker (see _queue): the ids of messages written and committed, in order, and
# the mark that a worker has been asked to take them. A request for a worker that got lost (its task
# never ran) is made again by the first message after ASKED_SECONDS; the sweep sends anything left over.
READY = "outbox:ready"
ASKED = "outbox:asked"
ASKED_SECONDS = 60


def enqueue(
    *, key: str, kind: str, to: str, language: str, context: dict, new_key: bool = False
) -> OutboxMessage | None:
    """Write a message in the current transaction; after commit it is handed over to a worker (_queue).

    The same key twice writes nothing the second time. A caller whose key cannot exist yet (it holds
    the id of a row written in this transaction) says new_key=True: the message is written without the
    savepoint that catches a duplicate. If the broker is away, the message waits for the periodic sweep:
    queueing never blocks or breaks the change that caused the message.
    """
    fields = {"key": key, "kind": kind, "to": to, "language": language, "context": context}
    if new_key:
        message = OutboxMessage.objects.create(**fields)
    else:
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(**fields)
        except IntegrityError:
            return None
    transaction.on_commit(lambda: _queue(message.pk))
    return message


def enqueue_many(messages: list[OutboxMessage]) -> list[int]:
    """Write many messages at once (keys already present are skipped); after commit they are sent in
    batches, each over one SMTP connection. Returns the ids written now."""
    keys = [message.key for message in messages]
    existing = set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True))
    OutboxMessage.objects.bulk_create([m for m in messages if m.key not in existing], ignore_conflicts=True)
    ids = list(
        OutboxMessage.objects.filter(key__in=[k for k in keys if k not in existing]).values_list(
            "pk", flat=True
        )
    )
    transaction.on_commit(lambda: queue_in_batches(ids))
    return ids


def queue_in_batches(message_ids: list[int]) -> None:
    """Ask a worker to send these messages, BATCH_SIZE per task (each task over one SMTP connection)."""
    for start in range(0, len(message_ids), BATCH_SIZE):
        _queue_batch(message_ids[start : start + BATCH_SIZE])


def _queue(message_id: int) -> None:
    """Hand a committed message over to a worker.

    Asking Celery for a task per message cost the web server more CPU than writing the message (≈ 1.5 ms
    of a sign-up's ≈ 20 ms, `bench/rush`). So the message's id joins the READY list in Redis and only the
    first message since a worker last looked asks for one (send_ready): one round trip to Redis per
    message, one task per batch, and each batch goes out over one SMTP connection. Without Redis (the
    quick start) each message gets its own task, which runs at once.
    """
    from notifications.tasks import send_message, send_ready

    client = redis_client()
    try:
        if client is None:
            send_message.delay(message_id)
            return
        pipe = client.pipeline()  # MULTI/EXEC: listed and, if no worker has been asked yet, marked
        pipe.rpush(READY, message_id)
        pipe.set(ASKED, 1, nx=True, ex=ASKED_SECONDS)
        if pipe.execute()[1]:
            try:
                send_ready.delay()
            except Exception:
                client.delete(ASKED)  # so that the next message asks again
                raise
    except Exception:  # Redis or the broker is down or slow: the sweep sends it later
        logger.warning("Could not queue outbox message %s; the sweep will send it", message_id, exc_info=True)


def take_ready() -> tuple[list[int], bool]:
    """(up to BATCH_SIZE ids handed over and not yet taken, oldest first; whether more are waiting).

    The mark is removed first: every message handed over from then on asks for another run, and every
    one handed over before is in the list now, so none is left without a worker on its way.
    """
    client = redis_client()
    client.delete(ASKED)
    pipe = client.pipeline()
    pipe.lpop(READY, BATCH_SIZE)
    pipe.llen(READY)
    taken, left = pipe.execute()
    return [int(message_id) for message_id in taken or []], left > 0


def _queue_batch(message_ids: list[int]) -> None:
    from notifications.tasks import send_batch

    try:
        send_batch.delay(message_ids)
    except Exception:
        logger.warning("Could not queue a batch of %d messages; the sweep will send them", len(message_ids))


def _claim(message_id: int) -> OutboxMessage | None:
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, sent_at=None, failed_at=None, claimed_at=None
    ).update(claimed_at=now)
    return OutboxMessage.objects.get(pk=message_id) if claimed else None


def is_permanent(error: Exception) -> bool:
    """5xx answers are final (unknown mailbox, refused address); 4xx and lost connections are worth a retry."""
    if isinstance(error, SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, SMTPResponseException) and error.smtp_code >= 500


_last_sent_at = 0.0  # time.monotonic() of this process's last send, for _keep_pace()


def _keep_pace() -> None:
    """At most EMAIL_MAX_PER_MINUTE messages a minute from this worker process, for a relay that limits
    its senders (Exchange Online answers 432 beyond its limit); 0 sends as fast as the relay accepts."""
    global _last_sent_at
    per_minute = settings.EMAIL_MAX_PER_MINUTE
    if per_minute > 0:
        wait = _last_sent_at + 60 / per_minute - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    _last_sent_at = time.monotonic()


def send_once(*, message_id: int, connection=None) -> str:
    """Send one message unless it was sent, failed or is being sent. Safe to run any number of times.

    Returns "sent", "skipped" or "failed"; raises the SMTP error after releasing the claim when a later
    attempt may succeed.
    """
    message = _claim(message_id)
    if message is None:
        return "skipped"
    attempts = message.attempts + 1
    _keep_pace()
    try:
        render(message.kind, language=message.language, to=message.to, context=message.context).send_with(
            connection
        )
    except TRANSIENT_ERRORS as exc:
        if is_permanent(exc) or attempts >= MAX_ATTEMPTS:
            _mark_failed(message_id, attempts, exc)
            return "failed"
        OutboxMessage.objects.filter(pk=message_id).update(
            claimed_at=None,
            attempts=attempts,
            last_error=str(exc)[:1000],
            next_attempt_at=timezone.now() + backoff(attempts),
        )
        raise
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), attempts=attempts)
    return "sent"


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … at most 10 min: well below the broker's visibility timeout."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 600))


def seconds_until_retry(message_ids: list[int]) -> float:
    """When a retry of these messages may run: the earliest recorded next attempt, plus a little jitter
    so that many failed sends do not hit the mail server again in the same second."""
    pending = OutboxMessage.objects.filter(pk__in=message_ids, sent_at=None, failed_at=None)
    times = [t for t in pending.values_list("next_attempt_at", flat=True) if t]
    wait = max((min(times) - timezone.now()).total_seconds(), 0) if times else 0
    return wait + random.uniform(0, min(wait * 0.2, 30))  # noqa: S311 - jitter, not security


def _mark_failed(message_id: int, attempts: int, error: Exception) -> None:
    logger.error("Outbox message %s failed for good: %s", message_id, error)
    OutboxMessage.objects.filter(pk=message_id).update(
        failed_at=timezone.now(), claimed_at=None, attempts=attempts, last_error=str(error)[:1000]
    )


def send_batch(*, message_ids: list[int]) -> dict:
    """Send many messages over one SMTP connection. A transient error stops the batch and is raised, so
    the task is retried; what was sent stays sent, what was not is sent by the retry (or the sweep)."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    with get_connection() as connection:
        for message_id in message_ids:
            counts[send_once(message_id=message_id, connection=connection)] += 1
    return counts


def unsent_ids(*, now=None) -> list[int]:
    """Messages waiting to go out: never claimed or released after a pause, or claimed by a worker that died."""
    now = now or timezone.now()
    OutboxMessage.objects.filter(sent_at=None, failed_at=None, claimed_at__lt=now - STALE_CLAIM).update(
        claimed_at=None
    )
    return list(
        OutboxMessage.objects.filter(sent_at=None, failed_at=None, claimed_at=None)
        .exclude(next_attempt_at__gt=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
