"""Writing to the outbox and sending from it: each message leaves once, the urgent ones first, and a message
that cannot be sent never blocks the others.

**Once.** Sending claims the row first (a conditional UPDATE only one worker can win; the claim names the
worker, host:pid, and its time starts a lease of OUTBOX_LEASE_SECONDS, 90 s), sends outside any transaction, then marks it sent. A
claim covers one message only: a batch claims each message just before it goes out (after the pause for the
relay's limit), so a live worker holds at most one claim per process, for the length of one rendering and one
SMTP conversation (EMAIL_TIMEOUT bounds each step of it), far less than the lease. The sweep (every
OUTBOX_SWEEP_SECONDS, 30 s) re-opens claims older than the lease: a worker that died is noticed within the
lease and one sweep (two minutes). The one path to a duplicate: a worker that dies (or stalls longer than the lease) after the relay
accepted a message but before the row is marked sent; the re-opened message goes out again. We accept that
over losing a confirmation.

**Failures.** Transient SMTP trouble releases the claim for a later attempt with back-off; a permanent refusal
(5xx) or too many attempts marks the message failed. A message that cannot be rendered or attached (a template
error, a PDF that fails, an attachment factory that no longer exists: any other exception) is a poison message:
it is marked failed at once with its error, and the batch goes on. Failed messages are listed with their error
in the back office's mail queue (/staff/mail/), where an administrator can send them again (retry_failed).
A database error is not the message's fault: it is raised and the lease re-opens the claim.

**Time limits.** A batch holds at most batch_size() messages, sized from EMAIL_MAX_PER_MINUTE so that it takes
about BATCH_SECONDS (half the task's 240 s soft limit), and stops taking messages after BATCH_SECONDS whatever
the relay does, handing the rest back (requeue). If the soft time limit strikes anyway (a relay that hangs),
the message in flight is released (with an attempt counted, so a message that always hangs ends as failed)
and the rest of the batch is handed back: no claim waits for its lease. The hanging connection is dropped,
not closed with a QUIT that would wait for the relay again.

**Two lanes, one queue.** Each row has a lane from its kind (BULK_KINDS: reminders, announcements; all the
others, which someone waits for, are transactional). Transactional messages are handed over through the READY
list in Redis (see _queue); bulk ones as send_batch tasks. Every send_batch run takes the transactional message waiting
first in READY, if any, before each of its own messages (take_urgent); send_ready runs take READY in batches. So with a worker busy on
an announcement to 2,000 people, her confirmation waits for one message's pause, not for the announcement
(bench/lanes.py). This needs no second Celery queue (a second queue would still wait for a worker process to
finish its bulk batch); the worker consumes the default queue, as docker-compose.yml runs it. The sweep
re-queues in the same way, transactional first.
"""

import logging
import os
import random
import socket
import time
from datetime import timedelta
from smtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException

from billiard.exceptions import SoftTimeLimitExceeded
from celery import current_app
from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from config.redis_client import redis_client
from notifications.models import OutboxMessage
from notifications.rendering import render

logger = logging.getLogger(__name__)
TRANSIENT_ERRORS = (SMTPException, ConnectionError, TimeoutError, OSError)
MAX_ATTEMPTS = 8
BATCH_SIZE = 100  # at most, over one SMTP connection
# A batch stops taking messages after this long and hands the rest back: half the task's soft time limit.
BATCH_SECONDS = 120
Lane = OutboxMessage.Lane
BULK_KINDS = frozenset({"reminder", "announcement", "training_reminder"})
# Messages withdrawn when her data was deleted go to an address under the reserved top-level domain .invalid
# (RFC 2606; registrations.services.privacy): never sent again.
WITHDRAWN_TO = ".invalid"


def lease() -> timedelta:
    """How long a claim holds without its message being marked sent, failed or released (OUTBOX_LEASE_SECONDS)."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def lane_for(kind: str) -> int:
    return Lane.BULK if kind in BULK_KINDS else Lane.TRANSACTIONAL


def batch_size() -> int:
    """Messages per batch: as many as the relay's limit lets one worker process send in BATCH_SECONDS."""
    per_minute = settings.EMAIL_MAX_PER_MINUTE
    if per_minute <= 0:
        return BATCH_SIZE
    return max(1, min(BATCH_SIZE, int(per_minute * BATCH_SECONDS / 60)))


# The hand-over to the mail worker (see _queue): the ids of transactional messages written and committed, in
# order, and the mark that a worker has been asked to take them. A request for a worker that got lost (its task
# never ran) is made again by the first message after ASKED_SECONDS; the sweep sends anything left over.
READY = "outbox:ready"
# The tasks that send (notifications/tasks.py, which uses this module), by their Celery names: looked up in
# Celery's registry when a message is handed over, so that this module does not import them back.
SEND_MESSAGE = "notifications.tasks.send_message"
SEND_READY = "notifications.tasks.send_ready"
SEND_BATCH = "notifications.tasks.send_batch"
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
    lane = lane_for(kind)
    fields = {"key": key, "kind": kind, "lane": lane, "to": to, "language": language, "context": context}
    if new_key:
        message = OutboxMessage.objects.create(**fields)
    else:
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(**fields)
        except IntegrityError:
            return None
    if lane == Lane.BULK:
        transaction.on_commit(lambda: queue_in_batches([message.pk]))
    else:
        transaction.on_commit(lambda: _queue(message.pk))
    return message


def enqueue_many(messages: list[OutboxMessage]) -> list[int]:
    """Write many messages at once (keys already present are skipped); after commit they are sent in
    batches, each over one SMTP connection. Returns the ids written now."""
    keys = [message.key for message in messages]
    existing = set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True))
    for message in messages:
        message.lane = lane_for(message.kind)
    OutboxMessage.objects.bulk_create([m for m in messages if m.key not in existing], ignore_conflicts=True)
    ids = list(
        OutboxMessage.objects.filter(key__in=[k for k in keys if k not in existing]).values_list(
            "pk", flat=True
        )
    )
    transaction.on_commit(lambda: queue_in_batches(ids))
    return ids


def queue_in_batches(message_ids: list[int]) -> None:
    """Ask a worker to send these messages, batch_size() per task (each task over one SMTP connection)."""
    size = batch_size()
    for start in range(0, len(message_ids), size):
        _queue_batch(message_ids[start : start + size])


def requeue(message_ids: list[int]) -> None:
    """Hand these messages over again (the sweep, a batch that ran out of time, messages sent again by an
    administrator): transactional ones through READY, which every running batch takes first; bulk ones in batches."""
    if not message_ids:
        return
    lanes = dict(OutboxMessage.objects.filter(pk__in=message_ids).values_list("pk", "lane"))
    urgent = [pk for pk in message_ids if lanes.get(pk) == Lane.TRANSACTIONAL]
    if urgent and redis_client() is not None:
        for pk in urgent:
            _queue(pk)
    else:
        queue_in_batches(urgent)
    queue_in_batches([pk for pk in message_ids if lanes.get(pk) == Lane.BULK])


def _queue(message_id: int) -> None:
    """Hand a committed transactional message over to a worker.

    Asking Celery for a task per message cost the web server more CPU than writing the message (measured in
    bench/README.md, "Figures the code relies on"). So the message's id joins the READY list in Redis and
    only the first message since a worker last looked asks for one (send_ready): one round trip to Redis per
    message, one task per batch, and each batch goes out over one SMTP connection. A batch of bulk messages
    running meanwhile takes it first (take_urgent). Without Redis (the quick start) each message gets its own
    task, which runs at once.
    """
    client = redis_client()
    try:
        if client is None:
            current_app.tasks[SEND_MESSAGE].delay(message_id)
            return
        pipe = client.pipeline()  # MULTI/EXEC: listed and, if no worker has been asked yet, marked
        pipe.rpush(READY, message_id)
        pipe.set(ASKED, 1, nx=True, ex=ASKED_SECONDS)
        if pipe.execute()[1]:
            try:
                current_app.tasks[SEND_READY].delay()
            except Exception:
                client.delete(ASKED)  # so that the next message asks again
                raise
    except Exception:  # Redis or the broker is down or slow: the sweep sends it later
        logger.warning("Could not queue outbox message %s; the sweep will send it", message_id, exc_info=True)


def take_ready() -> tuple[list[int], bool]:
    """(up to batch_size() ids handed over and not yet taken, oldest first; whether more are waiting).

    The mark is removed first: every message handed over from then on asks for another run, and every
    one handed over before is in the list now, so none is left without a worker on its way.
    """
    client = redis_client()
    client.delete(ASKED)
    pipe = client.pipeline()
    pipe.lpop(READY, batch_size())
    pipe.llen(READY)
    taken, left = pipe.execute()
    return [int(message_id) for message_id in taken or []], left > 0


def take_urgent() -> list[int]:
    """The oldest transactional message handed over and not yet taken (or none), for a bulk batch to send
    before its next message. One at a time, so that two busy worker processes share them; the mark stays
    (the send_ready run that was asked for still comes and takes whatever is left)."""
    client = redis_client()
    if client is None:
        return []
    try:
        taken = client.lpop(READY)
    except Exception:  # Redis is away: the bulk batch goes on, the sweep sends what waits
        logger.warning("Could not look for waiting transactional messages", exc_info=True)
        return []
    return [int(taken)] if taken is not None else []


def _queue_batch(message_ids: list[int]) -> None:
    try:
        current_app.tasks[SEND_BATCH].delay(message_ids)
    except Exception:
        logger.warning("Could not queue a batch of %d messages; the sweep will send them", len(message_ids))


def worker_name() -> str:
    """Who holds a claim: host and process (a Celery worker's processes share its host name)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _claim(message_id: int) -> OutboxMessage | None:
    claimed = OutboxMessage.objects.filter(
        pk=message_id, sent_at=None, failed_at=None, claimed_at=None
    ).update(claimed_at=timezone.now(), claimed_by=worker_name())
    return OutboxMessage.objects.get(pk=message_id) if claimed else None


def is_permanent(error: Exception) -> bool:
    """5xx answers are final (unknown mailbox, refused address); 4xx and lost connections are worth a retry."""
    if isinstance(error, SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, SMTPResponseException) and error.smtp_code >= 500


_last_sent_at = 0.0  # time.monotonic() of this process's last claimed message, for _keep_pace()


def _keep_pace() -> None:
    """At most EMAIL_MAX_PER_MINUTE messages a minute from this worker process, for a relay that limits
    its senders (Exchange Online answers 432 beyond its limit); 0 sends as fast as the relay accepts.
    The pause comes before the claim (it does not count against the lease); only a message actually
    claimed takes the next slot, so messages skipped (sent already) pause at most once."""
    per_minute = settings.EMAIL_MAX_PER_MINUTE
    if per_minute > 0:
        wait = _last_sent_at + 60 / per_minute - time.monotonic()
        if wait > 0:
            time.sleep(wait)


def _took_a_slot() -> None:
    global _last_sent_at
    _last_sent_at = time.monotonic()


def send_once(*, message_id: int, connection=None) -> str:
    """Send one message unless it was sent, failed or is being sent. Safe to run any number of times.

    Returns "sent", "skipped" or "failed"; raises the SMTP error after releasing the claim when a later
    attempt may succeed. A message that cannot be rendered or attached fails at once ("failed").
    SoftTimeLimitExceeded releases the claim (an attempt counted) and is raised.
    """
    _keep_pace()
    message = _claim(message_id)
    if message is None:
        return "skipped"
    _took_a_slot()
    attempts = message.attempts + 1
    try:
        try:  # rendering, attachments, calendar parts: any error but the database's is the message's own
            email = render(
                message.kind, language=message.language, to=message.to, context=message.context
            ).as_email()
        except (SoftTimeLimitExceeded, DatabaseError):
            raise
        # A poison message (even an OSError here: a file an attachment needs is gone).
        except Exception as exc:
            _mark_failed(message_id, attempts, exc)
            return "failed"
        (connection or get_connection()).send_messages([email])
    except SoftTimeLimitExceeded:
        _release(message_id, attempts, "Time limit reached while sending", failed=attempts >= MAX_ATTEMPTS)
        raise
    except TRANSIENT_ERRORS as exc:
        if is_permanent(exc) or attempts >= MAX_ATTEMPTS:
            _mark_failed(message_id, attempts, exc)
            return "failed"
        _release(message_id, attempts, str(exc))
        raise
    except DatabaseError:
        raise  # not the message's fault (an attachment reading the database): its lease re-opens the claim
    except Exception as exc:  # the message cannot be put on the wire (e.g. a header that will not encode)
        _mark_failed(message_id, attempts, exc)
        return "failed"
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), attempts=attempts)
    return "sent"


def _release(message_id: int, attempts: int, error: str, *, failed: bool = False) -> None:
    """Give the claim back for a later attempt after the back-off (or give up, after the last attempt)."""
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message_id, sent_at=None).update(
        claimed_at=None,
        claimed_by="",
        attempts=attempts,
        last_error=error[:1000],
        next_attempt_at=now + backoff(attempts),
        failed_at=now if failed else None,
    )


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
    # The error's type and text (a template or attachment error names no personal data; an SMTP refusal
    # may name the address, which the log line leaves out).
    logger.error("Outbox message %s failed for good: %s", message_id, type(error).__name__)
    OutboxMessage.objects.filter(pk=message_id).update(
        failed_at=timezone.now(),
        claimed_at=None,
        claimed_by="",
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:1000],
    )


def send_batch(*, message_ids: list[int], take_urgent_first: bool = False) -> dict:
    """Send many messages over one SMTP connection, transactional messages waiting in READY before each of
    them when take_urgent_first (a bulk batch). A transient error stops the batch and is raised, so the task is
    retried; what was sent stays sent, what was not is sent by the retry (or the sweep). After BATCH_SECONDS,
    or when the soft time limit strikes, the rest is handed back (requeue) and the batch ends."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    pending = list(message_ids)
    urgent: list[int] = []  # taken from READY and not yet sent: handed back if the batch stops
    started = time.monotonic()
    connection = get_connection()
    hung = False
    try:
        connection.open()
        while pending or urgent:
            if time.monotonic() - started > BATCH_SECONDS:
                break
            if take_urgent_first and not urgent:
                _keep_pace()  # so that a message handed over during the pause goes next
                urgent = take_urgent()
            message_id = (urgent or pending).pop(0)  # in flight: send_once releases it if need be
            counts[send_once(message_id=message_id, connection=connection)] += 1
    except SoftTimeLimitExceeded:
        hung = True
        logger.warning(
            "A mail batch reached its time limit; %d messages handed back", len(pending) + len(urgent)
        )
    except TRANSIENT_ERRORS:
        _close(connection, abort=True)
        requeue(urgent)
        raise
    _close(connection, abort=hung)
    requeue(urgent + pending)
    return counts


def _close(connection, *, abort: bool) -> None:
    """Close the SMTP connection: politely (QUIT), or, when the relay hangs or failed, by dropping the socket
    (a QUIT would wait for the hanging relay again)."""
    try:
        if abort and getattr(connection, "connection", None) is not None:
            connection.connection.close()
            connection.connection = None
        connection.close()
    except Exception:  # noqa: BLE001 - a connection that will not close cleanly is dropped all the same
        logger.warning("The SMTP connection did not close cleanly", exc_info=True)


def retry_failed(message_ids: list[int] | None = None) -> list[int]:
    """Send failed messages again (these, or all of them), with a fresh count of attempts. Returns the ids.
    Messages withdrawn when her data was deleted or anonymised (sent to the reserved .invalid domain, their
    contents emptied) stay withdrawn."""
    failed = OutboxMessage.objects.filter(failed_at__isnull=False, sent_at=None).exclude(
        to__iendswith=WITHDRAWN_TO
    )
    if message_ids is not None:
        failed = failed.filter(pk__in=message_ids)
    ids = list(failed.order_by("lane", "pk").values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=ids).update(
        failed_at=None, claimed_at=None, claimed_by="", attempts=0, next_attempt_at=None, last_error=""
    )
    transaction.on_commit(lambda: requeue(ids))
    return ids


def reopen_expired_claims(*, now=None) -> int:
    """Re-open the claims whose lease ran out (their worker died or hangs): the sweep sends them again."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(sent_at=None, failed_at=None, claimed_at__lt=now - lease()).update(
        claimed_at=None, claimed_by=""
    )


def unsent_ids(*, now=None) -> list[int]:
    """Messages waiting to go out, transactional first: never claimed or released after a pause, or claimed
    by a worker whose lease ran out."""
    now = now or timezone.now()
    reopen_expired_claims(now=now)
    return list(
        OutboxMessage.objects.filter(sent_at=None, failed_at=None, claimed_at=None)
        .exclude(next_attempt_at__gt=now)
        .order_by("lane", "pk")
        .values_list("pk", flat=True)[:5000]
    )
