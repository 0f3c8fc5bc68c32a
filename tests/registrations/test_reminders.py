from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import outbox
from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations import services
from registrations.models import Registration
from registrations.tokens import UNSUBSCRIBE_SALT, make_token
from tests.factories import EventFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    return EventFactory(starts_at=now + timedelta(days=10), capacity=5)


def reminders():
    return list(OutboxMessage.objects.filter(kind="reminder").values_list("to", "key"))


def test_reminders_go_out_7_days_and_1_day_before_once_each_however_often_the_beat_runs(event, time_machine):
    confirmed = sign_up(event)
    assert services.send_due_reminders(now=timezone.now()) == 0  # 10 days before: nothing due

    time_machine.move_to(event.starts_at - timedelta(days=7), tick=False)
    assert services.send_due_reminders(now=timezone.now()) == 1
    assert services.send_due_reminders(now=timezone.now()) == 0
    time_machine.move_to(event.starts_at - timedelta(days=1), tick=False)
    services.send_due_reminders(now=timezone.now())
    services.send_due_reminders(now=timezone.now())
    assert sorted(key.rsplit(":", 1)[1] for _to, key in reminders()) == ["1", "7"]
    assert {to for to, _key in reminders()} == {confirmed.email}


def test_only_confirmed_people_who_want_reminders_get_them(event, time_machine):
    wanted = sign_up(event)
    opted_out = sign_up(event)
    Registration.objects.filter(pk=opted_out.pk).update(reminders_opt_out=True)
    cancelled = sign_up(event)
    services.cancel(registration_id=cancelled.pk, now=timezone.now())
    time_machine.move_to(event.starts_at - timedelta(days=7), tick=False)
    services.send_due_reminders(now=timezone.now())
    assert [to for to, _key in reminders()] == [wanted.email]


def test_someone_who_signs_up_after_the_7_day_mark_gets_only_the_1_day_reminder(event, time_machine):
    time_machine.move_to(event.starts_at - timedelta(days=3), tick=False)
    late = sign_up(event)
    assert services.send_due_reminders(now=timezone.now()) == 0
    time_machine.move_to(event.starts_at - timedelta(hours=20), tick=False)
    services.send_due_reminders(now=timezone.now())
    assert reminders() == [(late.email, f"registration:{late.uuid.hex}:reminder:1")]


def test_a_reminder_is_in_her_language_with_a_one_click_unsubscribe(event, time_machine):
    registration = sign_up(event, language="ar")
    time_machine.move_to(event.starts_at - timedelta(days=1), tick=False)
    services.send_due_reminders(now=timezone.now())
    stored = OutboxMessage.objects.get(kind="reminder")
    message = render(stored.kind, language=stored.language, to=stored.to, context=stored.context).as_email()
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/ar/unsubscribe/" in url
    assert 'dir="rtl"' in message.alternatives[0].content
    assert registration.name in message.body


def test_one_click_unsubscribe_stops_reminders_only(client, event):
    registration = sign_up(event)
    url = f"/de/unsubscribe/{make_token(registration, salt=UNSUBSCRIBE_SALT)}/"
    assert client.get(url).status_code == 200
    assert reload(registration).reminders_opt_out is False  # a link scanner's GET changes nothing
    from django.test import Client

    mail_client = Client(enforce_csrf_checks=True)
    assert mail_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert mail_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    registration = reload(registration)
    assert registration.reminders_opt_out is True
    assert registration.status == Registration.Status.CONFIRMED
    assert reload(event).seats_taken == 1


def test_reminders_are_sent_in_batches_over_one_connection(event, time_machine, mailoutbox, monkeypatch):
    for _ in range(5):
        sign_up(event)
    time_machine.move_to(event.starts_at - timedelta(days=1), tick=False)
    services.send_due_reminders(now=timezone.now())
    opened = []
    from django.core.mail.backends.locmem import EmailBackend

    original_open = EmailBackend.open
    monkeypatch.setattr(EmailBackend, "open", lambda self: opened.append(1) or original_open(self))
    ids = list(OutboxMessage.objects.filter(kind="reminder").values_list("pk", flat=True))
    assert outbox.send_batch(message_ids=ids) == {"sent": 5, "skipped": 0, "failed": 0}
    assert len(opened) == 1
    assert outbox.send_batch(message_ids=ids) == {"sent": 0, "skipped": 5, "failed": 0}
