"""Throwaway services for benchmarks: PostgreSQL, Redis (from tests/services.py) and a counting SMTP sink."""

import os
import shutil
import socket
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import services  # noqa: E402
from tests.services import celery_worker_command  # noqa: E402,F401 - the benchmarks start workers alike


class CountingSink:
    """SMTP handler that only counts what it accepts (and remembers when the last one came)."""

    def __init__(self):
        self.reset()
        self.lock = threading.Lock()

    def reset(self) -> None:
        self.count, self.first_at, self.last_at = 0, None, None

    async def handle_DATA(self, server, session, envelope):
        import time

        with self.lock:
            self.count += 1
            self.last_at = time.monotonic()
            self.first_at = self.first_at or self.last_at
        return "250 OK"

    def rate(self) -> float:
        """Mails per second from the first to the last accepted (worker start-up left out)."""
        return (self.count - 1) / (self.last_at - self.first_at) if self.count > 1 else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(*, database: str = "bench") -> dict:
    """Start PostgreSQL, Redis and an SMTP sink; set the environment for Django; return handles."""
    import psycopg
    from aiosmtpd.controller import Controller

    pg_url = services.start_postgres()
    admin_url = pg_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    sink, smtp_port = CountingSink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "bench-only-secret-key-not-for-production",
            "HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": pg_url.rsplit("/", 1)[0] + f"/{database}",
            "REDIS_URL": services.start_redis(),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "LOG_LEVEL": "WARNING",
        }
    )
    return {"sink": sink, "controller": controller}


def stop(handles: dict) -> None:
    handles["controller"].stop()
    services.stop_redis()
    services.stop_postgres()
    if "var_dir" in handles:  # the scratch directory of a Django set up for a benchmark
        shutil.rmtree(handles["var_dir"], ignore_errors=True)


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) from /proc, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
