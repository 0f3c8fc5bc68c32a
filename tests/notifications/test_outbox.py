from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.db import transaction

from notifications import outbox
from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations.models import Registration
from tests.factories import EventFactory
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db


def message(**fields):
    defaults = {
        "key": "k1",
        "kind": "personal_link",
        "to": "amal@example.org",
        "language": "ar",
        "context": {"name": "أمل", "event_title": "يوم العمل", "manage_path": "/ar/r/x/", "bookings": []},
    }
    return outbox.enqueue(**{**defaults, **fields})


def test_the_same_key_writes_one_message():
    assert message() is not None
    assert message() is None
    assert OutboxMessage.objects.count() == 1


def test_sending_twice_sends_once(mailoutbox):
    created = message()
    assert outbox.send_once(message_id=created.pk) == "sent"
    assert outbox.send_once(message_id=created.pk) == "skipped"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["amal@example.org"]


def test_a_transient_smtp_error_releases_the_claim_for_the_retry(mailoutbox):
    created = message()
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=SMTPServerDisconnected("x")
    ):
        with pytest.raises(SMTPServerDisconnected):
            outbox.send_once(message_id=created.pk)
    created.refresh_from_db()
    assert created.claimed_at is None and created.sent_at is None and created.attempts == 1
    assert outbox.send_once(message_id=created.pk) == "sent"
    assert len(mailoutbox) == 1


def test_messages_are_queued_only_after_commit(django_capture_on_commit_callbacks):
    with mock.patch("notifications.tasks.send_message.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            created = message()
        assert delay.call_count == 0
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(created.pk)


def test_a_broker_outage_never_breaks_the_change_that_caused_the_message(django_capture_on_commit_callbacks):
    with mock.patch("notifications.tasks.send_message.delay", side_effect=ConnectionError("redis down")):
        with django_capture_on_commit_callbacks(execute=True):
            registration = sign_up(EventFactory())
    assert Registration.objects.filter(pk=registration.pk).exists()
    assert outbox.unsent_ids() == [OutboxMessage.objects.get().pk]


def test_a_rolled_back_change_leaves_no_message():
    with pytest.raises(RuntimeError), transaction.atomic():
        message()
        raise RuntimeError
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("language", ["de", "ar"])
def test_registration_messages_render_in_the_recipients_language(language):
    registration = sign_up(EventFactory(title_de="Fachtag Arbeit", title_ar="يوم العمل"), language=language)
    stored = OutboxMessage.objects.get(to=registration.email)
    rendered = render(stored.kind, language=stored.language, to=stored.to, context=stored.context)
    assert registration.name in rendered.text
    assert f'lang="{language}"' in rendered.html
    assert ('dir="rtl"' in rendered.html) == (language == "ar")
    assert ("يوم العمل" if language == "ar" else "Fachtag Arbeit") in rendered.subject
    assert "/r/" in rendered.text
