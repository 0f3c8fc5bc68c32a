"""Writing to the outbox and sending from it: each message leaves once."""

import logging
from datetime import timedelta
from smtplib import SMTPException

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.rendering import render

logger = logging.getLogger(__name__)
TRANSIENT_ERRORS = (SMTPException, ConnectionError, TimeoutError, OSError)
STALE_CLAIM = timedelta(minutes=15)


def enqueue(*, key: str, kind: str, to: str, language: str, context: dict) -> OutboxMessage | None:
    """Write a message in the current transaction; after commit a worker is asked to send it.

    The same key twice writes nothing the second time. If the broker is away, the message waits for
    the periodic sweep: queueing never blocks or breaks the change that caused the message.
    """
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key=key, kind=kind, to=to, language=language, context=context
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _queue(message.pk))
    return message


def _queue(message_id: int) -> None:
    from notifications.tasks import send_message

    try:
        send_message.delay(message_id)
    except Exception:  # the broker is down or slow: the sweep sends it later
        logger.warning("Could not queue outbox message %s; the sweep will send it", message_id, exc_info=True)


def send_once(*, message_id: int, connection=None) -> str:
    """Send one message unless it was sent or is being sent. Safe to run any number of times."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, sent_at=None, failed_at=None, claimed_at=None
    ).update(claimed_at=now)
    if not claimed:
        return "skipped"
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        render(message.kind, language=message.language, to=message.to, context=message.context).send_with(
            connection
        )
    except TRANSIENT_ERRORS as exc:
        OutboxMessage.objects.filter(pk=message_id).update(
            claimed_at=None, attempts=message.attempts + 1, last_error=str(exc)[:1000]
        )
        raise
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), attempts=message.attempts + 1)
    return "sent"


def unsent_ids(*, now=None) -> list[int]:
    """Messages waiting to go out: never claimed, or claimed by a worker that died long ago."""
    now = now or timezone.now()
    OutboxMessage.objects.filter(sent_at=None, failed_at=None, claimed_at__lt=now - STALE_CLAIM).update(
        claimed_at=None
    )
    return list(
        OutboxMessage.objects.filter(sent_at=None, failed_at=None, claimed_at=None)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
