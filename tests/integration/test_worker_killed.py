"""The crash drill: a worker's process group SIGKILLed in the middle of 400 reminders and 20 confirmations; a
new worker (with its beat) sends every message within two minutes, none twice, without anyone's help.

The dead worker's claim is re-opened by the sweep once its lease has run out. Production's lease (90 s) and
sweep (every 30 s) notice it within two minutes (tests/notifications/test_mail_flow.py checks those settings);
here both are short (OUTBOX_LEASE_SECONDS=10, OUTBOX_SWEEP_SECONDS=5) so that the drill takes seconds of the
suite, not minutes: the path is the same.
"""

import os
import re
import signal
import tempfile
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import OutboxMessage
from registrations import services
from registrations.models import Registration
from tests.factories import EventFactory
from tests.integration.conftest import start_worker_process, wait_until
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db(transaction=True)
PEOPLE = 400
SIGN_UPS = 20
SHORT = {"OUTBOX_LEASE_SECONDS": "10", "OUTBOX_SWEEP_SECONDS": "5"}
WORKER = ("--pool=prefork", "--concurrency=1")  # a parent and its pool child, as production runs it


def _kill_group(worker) -> None:
    try:
        os.killpg(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.wait(10)


def test_a_worker_killed_mid_batch_leaves_nothing_sent_twice_and_nothing_unsent(smtp_sink):
    event = EventFactory(capacity=PEOPLE + SIGN_UPS, starts_at=timezone.now() + timedelta(days=10))
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
    services.send_due_reminders(now=event.starts_at - timedelta(days=1))  # bulk: send_batch tasks
    assert OutboxMessage.objects.filter(sent_at=None, lane=OutboxMessage.Lane.BULK).count() == PEOPLE

    smtp_sink.hold_at = PEOPLE // 2  # the worker will be in the middle of an SMTP conversation
    first = start_worker_process(smtp_sink.port, options=WORKER, env=SHORT)
    try:
        assert wait_until(lambda: smtp_sink.attempts >= 10, timeout=60), "the worker never started sending"
        # Sign-ups while the reminders go out: their confirmations are handed over through READY.
        newcomers = [sign_up(event, email=f"new{n}@example.org") for n in range(SIGN_UPS)]
        assert smtp_sink.holding.wait(60), "the worker never got half way"
        _kill_group(first)
    finally:
        smtp_sink.release.set()  # the held message is answered 451: it was not delivered
        if first.poll() is None:
            _kill_group(first)
    killed_at = time.monotonic()
    held = OutboxMessage.objects.filter(sent_at=None, claimed_at__isnull=False)
    assert held.count() == 1 and re.fullmatch(r".+:\d+", held.get().claimed_by)  # the dead worker's name

    with tempfile.TemporaryDirectory() as beat_dir:
        second = start_worker_process(
            smtp_sink.port, options=(*WORKER, "--beat", f"--schedule={beat_dir}/beat"), env=SHORT
        )
        try:
            assert wait_until(lambda: not OutboxMessage.objects.filter(sent_at=None).exists(), timeout=120), (
                OutboxMessage.objects.filter(sent_at=None).count()
            )
            took = time.monotonic() - killed_at
        finally:
            second.terminate()
            second.wait(20)
            if second.poll() is None:
                _kill_group(second)

    assert took < 120
    received = sorted(m["To"] for m in smtp_sink.messages)
    assert received == sorted(OutboxMessage.objects.values_list("to", flat=True))  # each exactly once
    assert {p.email for p in people} | {r.email for r in newcomers} == set(received)
    reminders = [m["To"] for m in smtp_sink.messages if "List-Unsubscribe" in m]
    assert sorted(reminders) == sorted(p.email for p in people)
    assert not OutboxMessage.objects.filter(failed_at__isnull=False).exists()
