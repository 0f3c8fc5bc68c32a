"""Q-09: how the mail queue is doing, for organisers (back office) and operators (an error in the log)."""

import logging
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from notifications import selectors, tasks
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def message(number: int, *, minutes_ago: int = 0, **state) -> OutboxMessage:
    row = OutboxMessage.objects.create(
        key=f"k{number}", kind="personal_link", to=f"p{number}@example.org", language="de", **state
    )
    OutboxMessage.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return row


@pytest.fixture
def queue():
    now = timezone.now()
    message(1, minutes_ago=3)  # waiting
    message(2, minutes_ago=1, next_attempt_at=now + timedelta(minutes=1))  # waiting for a retry
    message(3, minutes_ago=4, claimed_at=now)  # being sent
    for number in (4, 5, 6):
        message(number, minutes_ago=600, sent_at=now)  # old, but sent
    message(7, minutes_ago=900, failed_at=now)  # old, but given up
    return now


def test_the_status_counts_each_state_and_names_the_oldest_unsent_message(queue):
    status = selectors.queue_status()
    assert (status.waiting, status.sending, status.sent, status.failed) == (2, 1, 3, 1)
    assert status.oldest_unsent == OutboxMessage.objects.get(key="k3").created_at
    assert not status.is_stuck(queue)
    assert status.is_stuck(queue + timedelta(minutes=12))  # 4 + 12 minutes > 15


def test_a_stuck_queue_logs_an_error_for_the_operators_and_a_moving_one_does_not(queue, caplog):
    with caplog.at_level(logging.ERROR, logger="notifications.tasks"):
        assert tasks.check_queue() is False
        assert not caplog.records
        message(8, minutes_ago=16)
        assert tasks.check_queue() is True
    assert "Mail queue stuck: 3 waiting, 1 being sent, 1 failed" in caplog.records[0].getMessage()
    assert "@" not in caplog.records[0].getMessage()  # no addresses in the log


def test_the_back_office_start_page_shows_the_queue_and_warns_when_it_is_stuck(client, queue):
    staff = get_user_model().objects.create_user(email="orga@example.org", password="x" * 12, is_staff=True)
    client.force_login(staff)
    content = client.get("/staff/").content.decode()
    assert "E-Mail-Versand" in content and "kern-alert--danger" not in content
    figures = [int(n) for n in re.findall(r'__value">(\d+)</dd>', content)]
    assert figures == [2, 1, 3, 1]
    stuck = message(8, minutes_ago=20)
    content = client.get("/staff/").content.decode()
    since = timezone.localtime(OutboxMessage.objects.get(pk=stuck.pk).created_at).strftime("%d.%m.%Y %H:%M")
    assert "kern-alert--danger" in content and f"wartet seit {since}" in content
