"""A Celery worker keeps its database connection between tasks, as the web server does between requests
(CONN_MAX_AGE), and opens a new one when the old one is gone (health checks).

Celery's Django fix-up alone would close the connection after every task: a new PostgreSQL backend for every
mail, which during a sign-up rush took CPU from the web server (config/celery.py, CELERY_DB_REUSE_MAX).
"""

import pytest
from django.db import connection

from notifications.models import OutboxMessage
from notifications.tasks import send_message
from tests.integration.conftest import start_worker_process, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
NAME = "reuse-test-worker"


def messages(first: int, count: int) -> list[int]:
    return [
        OutboxMessage.objects.create(
            key=f"reuse-{n}",
            kind="personal_link",
            to=f"reuse{n}@example.org",
            language="de",
            context={"name": f"Person {n}", "event_title": "Fachtag", "manage_path": "/de/r/x/"},
        ).pk
        for n in range(first, first + count)
    ]


def sent(ids: list[int]) -> bool:
    return OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=False).count() == len(ids)


def worker_sessions() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [NAME])
        return [pid for (pid,) in cursor.fetchall()]


def test_a_worker_sends_many_mails_over_one_database_connection_and_reconnects_when_it_is_gone(smtp_sink):
    worker = start_worker_process(smtp_sink.port, application_name=NAME)
    try:
        first = messages(0, 3)
        for pk in first:
            send_message.delay(pk)
        assert wait_until(lambda: sent(first), timeout=60)
        [session] = worker_sessions()  # still open after its tasks: reused, not one per task

        more = messages(3, 20)
        for pk in more:
            send_message.delay(pk)
        assert wait_until(lambda: sent(more), timeout=60)
        assert worker_sessions() == [session]

        with connection.cursor() as cursor:  # e.g. a database restart: the worker's connection is dropped
            cursor.execute("SELECT pg_terminate_backend(%s)", [session])
        assert wait_until(lambda: not worker_sessions())
        last = messages(23, 2)
        for pk in last:
            send_message.delay(pk)
        assert wait_until(lambda: sent(last), timeout=60)  # the health check found it gone and reconnected
        assert len(worker_sessions()) == 1 and worker_sessions() != [session]
    finally:
        worker.terminate()
        worker.wait(20)
    assert len(smtp_sink.messages) == 25
