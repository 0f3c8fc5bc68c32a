"""Real parts: a Celery worker on the test Redis, and an SMTP server on localhost that keeps what it receives."""

import email
import socket
import threading
from email import policy

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
    """A real Celery worker (a thread, solo pool) consuming from the test Redis."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.conf.task_always_eager = False
    with start_worker(
        app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10
    ) as worker:
        yield worker


def wait_until(condition, timeout: float = 20.0, interval: float = 0.05) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
