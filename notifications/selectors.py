"""Reads of the outbox: how the mail queue is doing (for the back office and the operators' alerting)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q

from notifications.models import OutboxMessage

# A message still unsent after this long means the worker, the broker or the mail server needs a look.
STUCK_AFTER = timedelta(minutes=15)

UNSENT = Q(sent_at=None, failed_at=None)


@dataclass(frozen=True)
class QueueStatus:
    waiting: int  # unsent and not being sent (new, or waiting for a retry)
    sending: int  # claimed by a worker right now
    sent: int
    failed: int  # given up: refused by the mail server, or too many attempts
    oldest_unsent: datetime | None

    def is_stuck(self, now: datetime) -> bool:
        return self.oldest_unsent is not None and now - self.oldest_unsent > STUCK_AFTER


def queue_status() -> QueueStatus:
    """Messages by state and the oldest unsent one, in one query."""
    return QueueStatus(
        **OutboxMessage.objects.aggregate(
            waiting=Count("pk", filter=UNSENT & Q(claimed_at=None)),
            sending=Count("pk", filter=UNSENT & Q(claimed_at__isnull=False)),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            failed=Count("pk", filter=Q(failed_at__isnull=False)),
            oldest_unsent=Min("created_at", filter=UNSENT),
        )
    )


def failed_messages(*, limit: int = 200):
    """The messages given up on, newest first, with their error: for the back office's mail queue (not those
    withdrawn when her data was deleted: they go to the reserved .invalid domain and are never sent again)."""
    return (
        OutboxMessage.objects.filter(failed_at__isnull=False)
        .exclude(to__iendswith=".invalid")
        .order_by("-failed_at", "-pk")[:limit]
    )
