"""Reminder throughput: N registrations, their reminders, one Celery worker, a local SMTP sink.

    .venv/bin/python bench/reminders.py [--people 5000]

Starts its own PostgreSQL, Redis and SMTP sink, loads N confirmed registrations, writes their
reminders (as the beat task does) and times one `celery -A config worker --pool=solo` process until
the sink has accepted them all. It runs twice: once as production sends (batches of 100 over one SMTP
connection) and once with one task and one connection per mail, and reports the ratio, the mails per
second, and the worker's peak memory.
"""

import argparse
import subprocess
import time
from datetime import timedelta

from _stack import ROOT, celery_worker_command, peak_rss_mb, start, stop


def load(people: int):
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from fachtag.models import Event
    from registrations.models import Registration

    call_command("migrate", verbosity=0)
    now = timezone.now()
    event = Event.objects.create(
        slug="bench",
        title="Bench",
        title_de="Bench",
        venue_name="Rathaus",
        venue_address="Markt 1",
        starts_at=now + timedelta(days=20),
        ends_at=now + timedelta(days=20, hours=8),
        capacity=people,
        status=Event.Status.PUBLISHED,
    )
    languages = ["de", "ar", "uk", "fa", "tr", "ru", "en"]
    Registration.objects.bulk_create(
        Registration(
            event=event,
            status="confirmed",
            name=f"Person {n}",
            email=f"p{n}@example.org",
            language=languages[n % len(languages)],
            privacy_consent_at=now,
            privacy_notice_version="bench",
        )
        for n in range(people)
    )
    Event.objects.filter(pk=event.pk).update(seats_taken=people)
    return event


def write_reminders(event, *, batched: bool) -> list[int]:
    from notifications.models import OutboxMessage
    from registrations import services
    from registrations.models import Registration

    OutboxMessage.objects.all().delete()
    Registration.objects.update(last_reminder_days=None)
    if batched:
        services.send_due_reminders(now=event.starts_at - timedelta(days=1))
    else:
        from unittest import mock

        # The same messages, but each queued as its own task (one SMTP connection per mail).
        from notifications.tasks import send_message

        with mock.patch(
            "notifications.outbox._queue_batch", lambda ids: [send_message.delay(i) for i in ids]
        ):
            services.send_due_reminders(now=event.starts_at - timedelta(days=1))
    return list(OutboxMessage.objects.values_list("pk", flat=True))


def run_worker_until(sink, expected: int) -> tuple[float, float]:
    """Start one worker; return (mails per second once sending began, the worker's peak memory)."""
    worker = subprocess.Popen(
        celery_worker_command("--pool=solo"),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()
    try:
        while sink.count < expected:
            if time.monotonic() - started > 600:
                raise SystemExit(f"timed out with {sink.count}/{expected} mails")
            time.sleep(0.05)
        return sink.rate(), peak_rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    people = parser.parse_args().people
    handles = start()
    try:
        event = load(people)
        results = {}
        for batched in (True, False):
            sink = handles["sink"]
            sink.reset()
            ids = write_reminders(event, batched=batched)
            assert len(ids) == people, len(ids)
            results[batched] = run_worker_until(sink, people)
        (fast, memory), (slow, memory_single) = results[True], results[False]
        print(f"reminders: {people}, one worker (solo pool), local SMTP sink")
        print(
            f"batched (100 per SMTP connection): {fast:7.1f} mails/s, {people / fast:6.1f} s, peak RSS {memory:.0f} MiB"
        )
        print(
            f"one connection per mail:           {slow:7.1f} mails/s, {people / slow:6.1f} s, peak RSS {memory_single:.0f} MiB"
        )
        print(f"ratio batched / per mail: {fast / slow:.2f}x")
    finally:
        stop(handles)


if __name__ == "__main__":
    main()
