"""The hand-over to the mail worker: one round trip to Redis per message, one task per batch (outbox._queue)."""

from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
import redis

from config.redis_client import redis_client
from notifications import outbox, tasks
from notifications.models import OutboxMessage
from registrations.models import Registration
from tests.factories import EventFactory
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def write(django_capture_on_commit_callbacks):
    """write(n) writes n messages, each in its own committed transaction; returns their ids."""
    written = []

    def write(count=1):
        ids = []
        for _ in range(count):
            with django_capture_on_commit_callbacks(execute=True):
                message = outbox.enqueue(
                    key=f"k{len(written)}",
                    kind="personal_link",
                    to=f"p{len(written)}@example.org",
                    language="de",
                    context={
                        "name": "Amal",
                        "event_title": "Fachtag",
                        "manage_path": "/de/r/x/",
                        "bookings": [],
                    },
                )
            written.append(message.pk)
            ids.append(message.pk)
        return ids

    return write


def ready() -> list[int]:
    return [int(message_id) for message_id in redis_client().lrange(outbox.READY, 0, -1)]


def test_a_message_is_handed_over_only_after_commit(django_capture_on_commit_callbacks):
    with mock.patch("notifications.tasks.send_ready.delay") as ask:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            message = outbox.enqueue(
                key="k", kind="personal_link", to="a@example.org", language="de", context={}
            )
        assert ready() == [] and ask.call_count == 0
        for callback in callbacks:
            callback()
    assert ready() == [message.pk]
    ask.assert_called_once_with()


def test_messages_handed_over_while_a_worker_is_on_its_way_ask_for_none_more(write):
    with mock.patch("notifications.tasks.send_ready.delay") as ask:
        ids = write(3)
    assert ready() == ids  # in the order written
    assert ask.call_count == 1


def test_a_run_takes_what_waits_and_the_next_message_asks_again(write):
    with mock.patch("notifications.tasks.send_ready.delay") as ask:
        ids = write(3)
        assert outbox.take_ready() == (ids, False)
        assert ready() == []
        later = write(1)
    assert ask.call_count == 2
    assert outbox.take_ready() == (later, False)


def test_a_run_takes_one_batch_and_asks_for_another_while_more_wait(write, mailoutbox, monkeypatch):
    monkeypatch.setattr(outbox, "BATCH_SIZE", 2)
    with mock.patch("notifications.tasks.send_ready.delay") as ask:
        ids = write(5)
        assert tasks.send_ready() == {"sent": 2, "skipped": 0, "failed": 0}
        assert ask.call_count == 2  # the first message's, and this run's for the three left
        assert ready() == ids[2:]
        tasks.send_ready()
        tasks.send_ready()
    assert sorted(m.to[0] for m in mailoutbox) == [f"p{n}@example.org" for n in range(5)]
    assert ready() == []


def test_each_message_goes_out_once_and_a_batch_over_one_connection(write, mailoutbox, monkeypatch):
    opened = []
    real = outbox.get_connection
    monkeypatch.setattr(outbox, "get_connection", lambda: opened.append(1) or real())
    with mock.patch("notifications.tasks.send_ready.delay"):
        ids = write(3)
        assert tasks.send_ready() == {"sent": 3, "skipped": 0, "failed": 0}
        assert tasks.send_ready() == {}  # a run asked for by nobody, or delivered twice: nothing to do
        redis_client().rpush(outbox.READY, *ids)  # the same ids once more (e.g. the sweep got there first)
        assert tasks.send_ready() == {"sent": 0, "skipped": 3, "failed": 0}
    assert len(mailoutbox) == 3 and len(opened) == 2
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 3


def test_a_transient_smtp_error_hands_the_batch_to_send_batch_after_the_back_off(write, mailoutbox):
    with mock.patch("notifications.tasks.send_ready.delay"):
        ids = write(2)
    failing = mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=SMTPServerDisconnected("x")
    )
    with failing, mock.patch("notifications.tasks.send_batch.apply_async") as later:
        assert tasks.send_ready() == {}
    (task_args,), options = later.call_args
    assert task_args == (ids,) and 30 <= options["countdown"] <= 36  # the first back-off, 30 s, plus jitter
    first, second = OutboxMessage.objects.order_by("pk")
    assert first.claimed_at is None and first.attempts == 1 and first.sent_at is None
    assert second.attempts == 0 and second.sent_at is None
    tasks.send_batch(ids)  # as the worker runs it when the back-off is over
    assert len(mailoutbox) == 2


def test_without_redis_a_sign_up_is_kept_and_the_sweep_sends_its_mail(mailoutbox):
    gone = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    with mock.patch("notifications.outbox.redis_client", return_value=gone):
        registration = sign_up(EventFactory())
    assert Registration.objects.filter(pk=registration.pk).exists()
    assert outbox.unsent_ids() == [OutboxMessage.objects.get().pk]
    # Redis is back: the sweep hands her confirmation over like a new one (transactional lane, READY list).
    with mock.patch("notifications.tasks.send_ready.delay", side_effect=tasks.send_ready):
        tasks.send_unsent_messages()
    assert [m.to for m in mailoutbox] == [[registration.email]]


def test_a_broker_that_refuses_the_task_leaves_no_mark_so_the_next_message_asks_again(write):
    with mock.patch(
        "notifications.tasks.send_ready.delay", side_effect=ConnectionError("broker down")
    ) as ask:
        first = write(1)
        assert not redis_client().exists(outbox.ASKED)
        second = write(1)
    assert ask.call_count == 2
    assert ready() == first + second


def test_the_quick_start_without_redis_gives_each_message_its_own_task(write, settings):
    settings.REDIS_URL = ""
    redis_client.cache_clear()
    try:
        with mock.patch("notifications.tasks.send_message.delay") as send:
            ids = write(2)
    finally:
        redis_client.cache_clear()
    assert [call.args for call in send.call_args_list] == [(ids[0],), (ids[1],)]
