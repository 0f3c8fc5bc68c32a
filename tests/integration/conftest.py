"""Real parts: a Celery worker on the test Redis, and an SMTP server on localhost that keeps what it receives."""

import email
import os
import socket
import subprocess
import threading
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller


class Sink:
    """An SMTP server's handler: stores every accepted message; can refuse or hold messages on request."""

    def __init__(self):
        self.messages = []
        self.refuse_next = 0  # answer this many messages with 451 (try again later)
        self.hold_at = None  # hold the message with this number until `release` is set, then answer 451
        self.holding = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.attempts = 0
        self.connections = 0  # SMTP sessions (each client greets once per connection)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.connections += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        with self.lock:
            self.attempts += 1
            number = self.attempts
            if self.refuse_next > 0:
                self.refuse_next -= 1
                return "451 4.3.0 Try again later"
        if self.hold_at == number:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            return "451 4.3.0 Connection lost"
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def received_by(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    """A local SMTP server; Django sends to it for real (SMTP conversation, then parsed back)."""
    sink = Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    sink.port = port
    yield sink
    sink.release.set()
    controller.stop()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (a thread, solo pool) consuming from the test Redis.

    A worker keeps its database connection between tasks (config/celery.py); this one is a thread of the
    test process, whose connection would outlive it and keep the test database busy, so it closes it after
    each task, as a worker process does when it exits (tests/integration/test_worker_connections.py)."""
    from celery import signals
    from celery.contrib.testing.worker import start_worker
    from django.db import connections

    from config.celery import app

    def close_connections(**kwargs):
        connections.close_all()

    app.conf.task_always_eager = False
    signals.task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(
            app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10
        ) as worker:
            yield worker
    finally:
        signals.task_postrun.disconnect(close_connections)


def start_worker_process(
    smtp_port: int, *, application_name: str = "", options: tuple = ("--pool=solo",), env: dict | None = None
) -> subprocess.Popen:
    """A real `celery -A config worker` process (solo pool unless options say otherwise) on the test database,
    Redis and SMTP server, with the production settings' database connection handling (CONN_MAX_AGE, health
    checks). It leads its own process group (pool children, an embedded beat): os.killpg(worker.pid, …)."""
    from django.db import connection

    from tests.services import celery_worker_command

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"{url}?application_name={application_name}" if application_name else url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        **(env or {}),
    }
    return subprocess.Popen(
        celery_worker_command(*options),
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_until(condition, timeout: float = 20.0, interval: float = 0.05) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
