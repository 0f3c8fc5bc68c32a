"""A worker killed with SIGKILL in the middle of 1,000 reminders: after a restart every mail arrives exactly once."""

import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import outbox
from notifications.models import OutboxMessage
from notifications.tasks import send_batch
from registrations import services
from registrations.models import Registration
from tests.factories import EventFactory
from tests.integration.conftest import start_worker_process, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
PEOPLE = 1000


def test_a_worker_killed_mid_batch_leaves_nothing_sent_twice_and_nothing_unsent(smtp_sink):
    event = EventFactory(capacity=PEOPLE, starts_at=timezone.now() + timedelta(days=10))
    people = Registration.objects.bulk_create(  # registered (and confirmed) long ago
        Registration(
            event=event,
            name=f"Person {n}",
            email=f"k{n}@example.org",
            language="ar",
            status=Registration.Status.CONFIRMED,
            privacy_consent_at=timezone.now(),
            privacy_notice_version="2026-11-26",
        )
        for n in range(PEOPLE)
    )
    services.send_due_reminders(now=event.starts_at - timedelta(days=1))
    total = OutboxMessage.objects.filter(sent_at=None).count()
    assert total == PEOPLE  # a reminder each

    smtp_sink.hold_at = total // 2  # the worker will be in the middle of an SMTP conversation
    first = start_worker_process(smtp_sink.port)
    try:
        assert smtp_sink.holding.wait(60), "the worker never got half way"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        smtp_sink.release.set()
        if first.poll() is None:
            first.kill()

    second = start_worker_process(smtp_sink.port)
    try:
        # The sweep re-opens the claim of the killed worker once it is stale, and queues what is unsent.
        later = timezone.now() + outbox.STALE_CLAIM + timedelta(minutes=1)
        assert wait_until(lambda: OutboxMessage.objects.filter(sent_at=None).count() <= 1, timeout=90)
        for start in range(0, total, outbox.BATCH_SIZE):
            ids = outbox.unsent_ids(now=later)[start : start + outbox.BATCH_SIZE]
            if ids:
                send_batch.delay(ids)
        assert wait_until(lambda: not OutboxMessage.objects.filter(sent_at=None).exists(), timeout=60)
    finally:
        second.terminate()
        second.wait(20)

    received = sorted((m["To"], "List-Unsubscribe" in m) for m in smtp_sink.messages)
    assert received == sorted((p.email, True) for p in people)  # a reminder each, exactly once
