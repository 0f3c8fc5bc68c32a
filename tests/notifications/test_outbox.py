from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notifications import outbox
from notifications.models import OutboxMessage
from notifications.rendering import render
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


def test_a_key_that_cannot_exist_yet_is_written_without_a_savepoint():
    with CaptureQueriesContext(connection) as checked:
        message(key="checked")
    with CaptureQueriesContext(connection) as new:
        message(key="registration:abc:personal_link:17", new_key=True)
    assert [query["sql"].split()[0] for query in checked] == ["SAVEPOINT", "INSERT", "RELEASE"]
    assert [query["sql"].split()[0] for query in new] == ["INSERT"]
    assert OutboxMessage.objects.count() == 2


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


def test_a_refused_address_fails_for_good_without_retry(mailoutbox):
    from smtplib import SMTPRecipientsRefused

    created = message()
    refused = SMTPRecipientsRefused({"amal@example.org": (550, b"no such user")})
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused):
        assert outbox.send_once(message_id=created.pk) == "failed"
    created.refresh_from_db()
    assert created.failed_at and "no such user" in created.last_error
    assert outbox.send_once(message_id=created.pk) == "skipped"
    assert outbox.unsent_ids() == []
    assert mailoutbox == []


def test_a_temporary_refusal_waits_for_its_back_off_and_gives_up_after_the_limit(time_machine):
    from smtplib import SMTPResponseException

    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    created = message()
    busy = SMTPResponseException(421, b"try later")
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=busy):
        with pytest.raises(SMTPResponseException):
            outbox.send_once(message_id=created.pk)
        assert outbox.unsent_ids() == []  # not before its back-off
        time_machine.shift(outbox.backoff(1))
        assert outbox.unsent_ids() == [created.pk]
        for _ in range(outbox.MAX_ATTEMPTS - 2):
            with pytest.raises(SMTPResponseException):
                outbox.send_once(message_id=created.pk)
        assert outbox.send_once(message_id=created.pk) == "failed"
    created.refresh_from_db()
    assert created.attempts == outbox.MAX_ATTEMPTS and created.failed_at


def test_backoff_grows_and_stays_far_below_the_visibility_timeout():
    from django.conf import settings

    delays = [outbox.backoff(n).total_seconds() for n in range(1, outbox.MAX_ATTEMPTS + 1)]
    assert delays == sorted(delays) and delays[0] == 30
    assert max(delays) * 2 < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_celery_settings_make_a_killed_worker_redeliver_instead_of_losing_tasks():
    from django.conf import settings

    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_TIME_LIMIT < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_a_sending_limit_spaces_the_messages_of_a_batch(settings, mailoutbox, monkeypatch):
    """MAIL-05: EMAIL_MAX_PER_MINUTE = 600 means one message every 0.1 s from this process."""
    waits = []
    monkeypatch.setattr(outbox.time, "sleep", waits.append)
    ids = [message(key=f"paced-{number}").pk for number in range(4)]
    settings.EMAIL_MAX_PER_MINUTE = 0
    outbox.send_batch(message_ids=ids[:1])
    assert waits == []  # no limit: no pause
    settings.EMAIL_MAX_PER_MINUTE = 600
    assert outbox.send_batch(message_ids=ids[1:]) == {"sent": 3, "skipped": 0, "failed": 0}
    assert len(mailoutbox) == 4
    assert len(waits) >= 2 and all(0 < wait <= 0.1 for wait in waits)


def test_a_relay_refusing_too_many_connections_is_a_temporary_refusal():
    from smtplib import SMTPResponseException

    assert not outbox.is_permanent(SMTPResponseException(432, b"4.3.2 Concurrent connections limit exceeded"))
    assert outbox.is_permanent(SMTPResponseException(550, b"5.1.1 User unknown"))
