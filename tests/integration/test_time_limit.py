"""A relay that hangs in the middle of a batch: the task's soft time limit releases the message in flight and
hands the rest back, so nothing waits for a lease (a real worker process, prefork pool, as in production)."""

import os
import signal

import pytest
from django.utils import timezone

from notifications import outbox
from notifications.models import OutboxMessage
from notifications.tasks import send_batch
from tests.integration.conftest import start_worker_process, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_soft_time_limit_releases_the_claim_and_the_rest_goes_out(smtp_sink):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            key=f"hang-{n}",
            kind="personal_link",
            lane=OutboxMessage.Lane.BULK,
            to=f"p{n}@example.org",
            language="de",
            context={"name": "Amal", "event_title": "Fachtag", "manage_path": "/de/r/x/", "bookings": []},
        )
        for n in range(6)
    )
    ids = list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True))
    smtp_sink.hold_at = 2  # the relay hangs on the second message (longer than the task may run)
    worker = start_worker_process(smtp_sink.port, options=("--pool=prefork", "--concurrency=1"))
    try:
        send_batch.apply_async((ids,), soft_time_limit=3, time_limit=30)
        assert smtp_sink.holding.wait(30)
        in_flight = OutboxMessage.objects.get(pk=ids[1])
        assert in_flight.claimed_at is not None
        # The limit strikes mid-conversation: the claim is released at once (not after the lease), an attempt
        # counted, and the four messages after it are handed back and sent by the worker.
        assert wait_until(
            lambda: OutboxMessage.objects.filter(sent_at__isnull=False).count() == 5, timeout=30
        )
        in_flight.refresh_from_db()
        assert in_flight.claimed_at is None and in_flight.sent_at is None and in_flight.failed_at is None
        assert in_flight.attempts == 1 and "Time limit" in in_flight.last_error
        assert in_flight.next_attempt_at > timezone.now()  # the sweep sends it after the back-off
        assert in_flight.pk in outbox.unsent_ids(now=in_flight.next_attempt_at)
    finally:
        smtp_sink.release.set()
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(20)
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(f"p{n}@example.org" for n in (0, 2, 3, 4, 5))
