"""Mail that keeps flowing: poison messages fail alone, batches fit their time limit, the transactional lane goes
first, claims of dead workers expire within two minutes, and failed messages can be sent again."""

from datetime import timedelta
from unittest import mock

import pytest
from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from config.redis_client import redis_client
from notifications import outbox, tasks
from notifications.models import OutboxMessage
from registrations import services
from registrations.models import Registration
from tests.factories import EventFactory
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db
CONTEXT = {"name": "Amal", "event_title": "Fachtag", "manage_path": "/de/r/x/", "bookings": []}


def write(count: int, *, prefix: str = "p", lane=OutboxMessage.Lane.TRANSACTIONAL, **context) -> list[int]:
    """count messages (committed, not handed over), in the given lane."""
    with mock.patch("django.db.transaction.on_commit"):
        messages = [
            outbox.enqueue(
                key=f"{prefix}{n}",
                kind="personal_link",
                to=f"{prefix}{n}@example.org",
                language="de",
                context={**CONTEXT, **context},
            )
            for n in range(count)
        ]
    ids = [message.pk for message in messages]
    OutboxMessage.objects.filter(pk__in=ids).update(lane=lane)
    return ids


def test_a_message_that_cannot_be_rendered_fails_with_its_error_and_the_batch_goes_on(mailoutbox):
    good = write(2)
    poison = write(1, prefix="poison", attachments=[{"name": "no-such-attachment", "kwargs": {}}])
    later = write(2, prefix="later")
    assert outbox.send_batch(message_ids=good + poison + later) == {"sent": 4, "skipped": 0, "failed": 1}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        f"{prefix}{n}@example.org" for prefix in ("p", "later") for n in (0, 1)
    )
    failed = OutboxMessage.objects.get(pk=poison[0])
    assert failed.failed_at is not None and failed.claimed_at is None and failed.attempts == 1
    assert "no-such-attachment" in failed.last_error and failed.last_error.startswith("KeyError")
    # Never tried again: the sweep leaves it alone.
    assert poison[0] not in outbox.unsent_ids(now=timezone.now() + timedelta(days=1))


def test_an_attachment_that_raises_is_a_poison_message_too(mailoutbox, monkeypatch):
    ids = write(3)
    real = outbox.render

    def render(kind, **kwargs):
        if kwargs["to"] == "p1@example.org":
            raise ValueError("the PDF could not be made")
        return real(kind, **kwargs)

    monkeypatch.setattr(outbox, "render", render)
    assert tasks.send_batch(ids) == {"sent": 2, "skipped": 0, "failed": 1}
    assert OutboxMessage.objects.get(pk=ids[1]).last_error == "ValueError: the PDF could not be made"


def test_a_file_an_attachment_needs_being_gone_is_not_taken_for_a_network_error(mailoutbox, monkeypatch):
    """FileNotFoundError is an OSError, like a lost connection: while rendering it still marks the message failed,
    instead of stopping the batch for a retry."""
    ids = write(2)
    real = outbox.render

    def render(kind, **kwargs):
        if kwargs["to"] == "p0@example.org":
            raise FileNotFoundError("static/fonts/missing.ttf")
        return real(kind, **kwargs)

    monkeypatch.setattr(outbox, "render", render)
    assert outbox.send_batch(message_ids=ids) == {"sent": 1, "skipped": 0, "failed": 1}
    assert OutboxMessage.objects.get(pk=ids[0]).last_error.startswith("FileNotFoundError")


def test_a_database_error_is_not_blamed_on_the_message(monkeypatch):
    from django.db import OperationalError

    ids = write(1)
    monkeypatch.setattr(
        outbox, "render", mock.Mock(side_effect=OperationalError("server closed the connection"))
    )
    with pytest.raises(OperationalError):
        outbox.send_once(message_id=ids[0])
    message = OutboxMessage.objects.get()
    assert message.failed_at is None and message.claimed_at is not None  # its lease re-opens it


@pytest.mark.parametrize(("per_minute", "size"), [(0, 100), (600, 100), (30, 60), (10, 20), (1, 2)])
def test_a_batch_is_as_large_as_the_relay_lets_a_process_send_in_two_minutes(settings, per_minute, size):
    settings.EMAIL_MAX_PER_MINUTE = per_minute
    assert outbox.batch_size() == size
    # With the relay's pauses, a full batch takes at most BATCH_SECONDS: half the soft time limit.
    if per_minute:
        assert size * 60 / per_minute <= max(outbox.BATCH_SECONDS, 60 / per_minute)
    assert outbox.BATCH_SECONDS * 2 <= settings.CELERY_TASK_SOFT_TIME_LIMIT


def test_a_batch_hands_back_what_it_could_not_send_in_its_time(mailoutbox, monkeypatch):
    ids = write(4)
    # Each message takes 70 s (a slow relay): after two, the batch has used its BATCH_SECONDS.
    monkeypatch.setattr(outbox.time, "monotonic", lambda: len(mailoutbox) * 70.0)
    with mock.patch.object(outbox, "requeue") as requeue:
        assert outbox.send_batch(message_ids=ids) == {"sent": 2, "skipped": 0, "failed": 0}
    requeue.assert_called_once_with(ids[2:])


def test_the_soft_time_limit_releases_the_message_in_flight_and_hands_back_the_rest(mailoutbox, monkeypatch):
    ids = write(4)
    real = outbox.render

    def render(kind, **kwargs):
        if kwargs["to"] == "p1@example.org":
            raise SoftTimeLimitExceeded()  # as Celery raises it, wherever the task is
        return real(kind, **kwargs)

    monkeypatch.setattr(outbox, "render", render)
    with mock.patch.object(outbox, "requeue") as requeue:
        assert tasks.send_batch(ids) == {"sent": 1, "skipped": 0, "failed": 0}
    requeue.assert_called_once_with(ids[2:])
    in_flight = OutboxMessage.objects.get(pk=ids[1])
    assert in_flight.claimed_at is None and in_flight.claimed_by == "" and in_flight.failed_at is None
    assert in_flight.attempts == 1 and in_flight.next_attempt_at > timezone.now()
    # The sweep sends it after the back-off (a message that always hangs ends as failed after MAX_ATTEMPTS).
    assert ids[1] in outbox.unsent_ids(now=timezone.now() + timedelta(minutes=1))
    assert tasks.send_message(ids[1]) == "released"  # the single-message task too: nothing stays claimed
    assert OutboxMessage.objects.get(pk=ids[1]).claimed_at is None


def test_messages_get_their_lane_from_their_kind(django_capture_on_commit_callbacks):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=10))
    with (
        mock.patch("notifications.tasks.send_ready.delay"),
        mock.patch("notifications.tasks.send_batch.delay"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            registration = sign_up(event)
        Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CONFIRMED)
        with django_capture_on_commit_callbacks(execute=True):
            services.send_due_reminders(now=event.starts_at - timedelta(days=1))
    lanes = dict(OutboxMessage.objects.values_list("kind", "lane"))
    assert lanes["reminder"] == OutboxMessage.Lane.BULK
    assert set(lanes) - {"reminder"} and all(
        lane == OutboxMessage.Lane.TRANSACTIONAL for kind, lane in lanes.items() if kind != "reminder"
    )
    assert outbox.lane_for("announcement") == outbox.lane_for("training_reminder") == OutboxMessage.Lane.BULK
    for kind in ("registration_confirmed", "offer_made", "booking_changed", "mediator_invitation"):
        assert outbox.lane_for(kind) == OutboxMessage.Lane.TRANSACTIONAL


def test_a_bulk_batch_sends_each_transactional_message_waiting_before_its_next_one(mailoutbox):
    bulk = write(3, prefix="bulk", lane=OutboxMessage.Lane.BULK)
    urgent = write(2, prefix="her")
    redis_client().rpush(outbox.READY, *urgent)  # handed over while the announcement goes out
    assert tasks.send_batch(bulk) == {"sent": 5, "skipped": 0, "failed": 0}
    assert [m.to[0] for m in mailoutbox] == ["her0@example.org", "her1@example.org"] + [
        f"bulk{n}@example.org" for n in range(3)
    ]
    assert redis_client().llen(outbox.READY) == 0
    # The send_ready run asked for by her messages comes later and finds them sent.
    assert outbox.send_batch(message_ids=urgent) == {"sent": 0, "skipped": 2, "failed": 0}


def test_the_sweep_hands_transactional_messages_over_first_and_bulk_ones_in_batches():
    bulk = write(3, prefix="bulk", lane=OutboxMessage.Lane.BULK)
    urgent = write(2, prefix="her")
    assert outbox.unsent_ids() == urgent + bulk
    with (
        mock.patch("notifications.tasks.send_ready.delay") as ask,
        mock.patch("notifications.tasks.send_batch.delay") as batch,
    ):
        assert tasks.send_unsent_messages() == 5
    assert [int(i) for i in redis_client().lrange(outbox.READY, 0, -1)] == urgent
    ask.assert_called_once_with()
    batch.assert_called_once_with(bulk)


def test_a_claim_names_its_worker_and_expires_after_its_lease(time_machine):
    ids = write(2)
    assert outbox._claim(ids[0]) is not None
    claimed = OutboxMessage.objects.get(pk=ids[0])
    assert claimed.claimed_by == outbox.worker_name() and ":" in claimed.claimed_by
    time_machine.move_to(timezone.now() + outbox.lease() - timedelta(seconds=5))
    assert outbox.unsent_ids() == [ids[1]]  # its worker may still be sending it: left alone
    time_machine.move_to(timezone.now() + timedelta(seconds=10))
    assert outbox.unsent_ids() == ids  # the lease ran out: its worker died, the sweep sends it
    assert OutboxMessage.objects.get(pk=ids[0]).claimed_by == ""


def test_a_dead_workers_claim_is_noticed_within_two_minutes():
    sweep = settings.CELERY_BEAT_SCHEDULE["send-unsent-messages"]
    assert sweep["task"] == "notifications.tasks.send_unsent_messages"
    assert outbox.lease().total_seconds() + sweep["schedule"] <= 120
    # A live worker holds a claim for one rendering and one SMTP conversation, whose steps time out far sooner.
    assert settings.EMAIL_TIMEOUT * 3 < outbox.lease().total_seconds()


def test_failed_messages_can_be_sent_again(mailoutbox, django_capture_on_commit_callbacks):
    ids = write(3)
    OutboxMessage.objects.filter(pk__in=ids[:2]).update(
        failed_at=timezone.now(), attempts=outbox.MAX_ATTEMPTS, last_error="SMTPDataError: 554"
    )
    with mock.patch("notifications.tasks.send_ready.delay", side_effect=tasks.send_ready):
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox.retry_failed() == ids[:2]
    assert sorted(m.to[0] for m in mailoutbox) == ["p0@example.org", "p1@example.org"]
    again = OutboxMessage.objects.filter(pk__in=ids[:2])
    assert all(m.sent_at and not m.failed_at and m.attempts == 1 and not m.last_error for m in again)
    assert outbox.retry_failed() == []


def test_messages_withdrawn_when_her_data_was_deleted_are_never_sent_again(mailoutbox):
    from notifications import selectors
    from registrations.services.privacy import ANONYMOUS_RECIPIENT, WITHDRAWN

    ids = write(2)
    OutboxMessage.objects.filter(pk=ids[0]).update(
        failed_at=timezone.now(), to=ANONYMOUS_RECIPIENT, context={}, last_error=WITHDRAWN
    )
    OutboxMessage.objects.filter(pk=ids[1]).update(failed_at=timezone.now(), last_error="SMTPDataError: 554")
    assert [m.pk for m in selectors.failed_messages()] == [ids[1]]
    with mock.patch.object(outbox, "requeue"):
        assert outbox.retry_failed() == [ids[1]]
    assert OutboxMessage.objects.get(pk=ids[0]).failed_at is not None
