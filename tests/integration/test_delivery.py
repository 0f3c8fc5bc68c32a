"""Delivery with real services: Redis as broker, a Celery worker, and an SMTP server on localhost."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from notifications import tasks as notification_tasks
from notifications.models import OutboxMessage
from registrations import services
from registrations import tasks as registration_tasks
from registrations.models import Registration
from tests.calendar_support import StrictClient
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.integration.conftest import wait_until
from tests.registrations.test_signup_views import valid_post

pytestmark = pytest.mark.django_db(transaction=True)


def invite_of(message) -> Calendar:
    part = next(
        p
        for p in message.walk()
        if p.get_content_type() == "text/calendar" and p.get_content_disposition() is None
    )
    return Calendar.from_ical(part.get_payload(decode=True))


@pytest.fixture
def event():
    event = EventFactory(slug="fachtag", title_de="Fachtag Arbeit", title_ar="يوم العمل", capacity=50)
    return event


@pytest.fixture
def workshops(event):
    slot = TimeSlotFactory(event=event)
    return WorkshopFactory(slot=slot, title_ar="البحث عن عمل"), WorkshopFactory(
        slot=slot, title_ar="الاعتراف"
    )


def test_arabic_sign_up_gets_exactly_one_arabic_confirmation_with_an_invite(
    client, event, workshops, smtp_sink, celery_worker
):
    response = valid_post(client, event, workshops[0], language="ar", email="amal@example.org")
    assert response.status_code == 302
    assert wait_until(lambda: smtp_sink.received_by("amal@example.org"))
    time.sleep(0.5)  # nothing else may follow
    [mail] = smtp_sink.received_by("amal@example.org")
    assert "يوم العمل" in mail["Subject"]
    html = mail.get_body(("html",)).get_content()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "البحث عن عمل" in mail.get_body(("plain",)).get_content()
    calendar = invite_of(mail)
    registration = Registration.objects.get()
    (day,) = calendar.walk("VEVENT")  # one UID per message
    assert str(day["UID"]) == f"fachtag-{registration.uuid.hex}-day@127.0.0.1"
    assert day["DTSTART"].dt == event.starts_at
    assert "البحث عن عمل" in str(day["DESCRIPTION"])
    assert OutboxMessage.objects.get().sent_at is not None


def test_sign_ups_made_while_the_worker_is_busy_go_out_once_each_over_one_connection(
    event, smtp_sink, request
):
    from tests.registrations.helpers import sign_up

    addresses = [f"rush{n}@example.org" for n in range(20)]
    for address in addresses:  # the worker is not running yet: as if it were busy with earlier ones
        sign_up(event, email=address)
    request.getfixturevalue("celery_worker")
    assert wait_until(lambda: len(smtp_sink.messages) == len(addresses))
    time.sleep(0.5)  # nothing else may follow
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(addresses)
    assert smtp_sink.connections == 1
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0


def test_change_and_cancel_update_the_same_calendar_entries(event, workshops, smtp_sink, celery_worker):
    from tests.registrations.helpers import sign_up

    registration = sign_up(event, workshops[0], email="olena@example.org", language="uk")
    assert wait_until(lambda: len(smtp_sink.received_by("olena@example.org")) == 1)
    services.change_workshop(
        registration_id=registration.pk,
        slot_id=workshops[0].slot_id,
        workshop_id=workshops[1].pk,
        waitlist_ok=False,
        now=timezone.now(),
    )
    assert wait_until(lambda: len(smtp_sink.received_by("olena@example.org")) == 2)
    services.cancel(registration_id=registration.pk, now=timezone.now())
    assert wait_until(lambda: len(smtp_sink.received_by("olena@example.org")) == 3)
    mails = smtp_sink.received_by("olena@example.org")
    confirmed, changed, cancelled = (invite_of(m) for m in mails)
    (uid,) = {str(e["UID"]) for e in confirmed.walk("VEVENT")}
    assert [(str(e["UID"]), int(e["SEQUENCE"])) for e in changed.walk("VEVENT")] == [(uid, 1)]
    assert cancelled["METHOD"] == "CANCEL" and [str(e["UID"]) for e in cancelled.walk("VEVENT")] == [uid]
    # As received over SMTP, a strict client (body part only) ends with her calendar empty again.
    client = StrictClient()
    client.apply(mails[1])
    assert workshops[1].title_de in str(client.entries[uid]["DESCRIPTION"])
    client.apply(mails[0])  # late and older: ignored
    assert workshops[0].title_de not in str(client.entries[uid]["DESCRIPTION"])
    client.apply(mails[2])
    assert client.entries == {}


def test_reminders_with_the_beat_run_twice_arrive_once_each(event, smtp_sink, celery_worker, time_machine):
    from tests.registrations.helpers import sign_up

    people = [sign_up(event, email=f"r{n}@example.org") for n in range(12)]
    time_machine.move_to(event.starts_at - timedelta(days=1), tick=True)
    registration_tasks.send_due_reminders()
    registration_tasks.send_due_reminders()
    expected = {p.email for p in people}
    reminders = lambda: [m for m in smtp_sink.messages if "List-Unsubscribe" in m]  # noqa: E731
    assert wait_until(lambda: len(reminders()) >= len(expected))
    time.sleep(0.5)
    assert sorted(m["To"] for m in reminders()) == sorted(expected)


def test_a_redis_outage_never_blocks_sign_ups_and_the_mails_follow_when_it_returns(
    client, event, smtp_sink, celery_worker
):
    from tests import services as test_services

    restart = test_services.redis_outage()
    try:
        for number in range(3):
            started = time.monotonic()
            response = valid_post(client, event, email=f"outage{number}@example.org")
            assert response.status_code == 302
            assert time.monotonic() - started < 3
    finally:
        restart()
    assert Registration.objects.count() == 3
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 3
    notification_tasks.send_unsent_messages.delay()
    assert wait_until(lambda: len(smtp_sink.messages) == 3, timeout=30)
    time.sleep(0.5)
    assert sorted(m["To"] for m in smtp_sink.messages) == [f"outage{n}@example.org" for n in range(3)]


def test_a_refusing_mail_server_is_retried_and_the_mail_arrives_once(
    event, smtp_sink, celery_worker, monkeypatch
):
    from tests.registrations.helpers import sign_up

    monkeypatch.setattr("notifications.outbox.backoff", lambda attempts: timedelta(milliseconds=300))
    smtp_sink.refuse_next = 2
    sign_up(event, email="patient@example.org")
    assert wait_until(lambda: smtp_sink.received_by("patient@example.org"), timeout=30)
    time.sleep(1)
    assert len(smtp_sink.received_by("patient@example.org")) == 1
    message = OutboxMessage.objects.get()
    assert message.attempts == 3 and message.sent_at
