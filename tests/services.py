"""Start a throwaway PostgreSQL and Redis for the test run, before Django reads its settings.

Loaded early with `-p tests.services` (pytest-django imports the settings in its own
`pytest_load_initial_conftests`, before any conftest.py). Servers listen on free loopback ports in
temporary directories and are stopped at the end. A missing server binary fails the run: tests are
never skipped, and never silently moved to SQLite. `make test` installs the binaries when missing.
Radicale (a CalDAV server from the test dependencies) is started the same way, but only when a test first
asks for it (the `caldav` fixture).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

_started: dict[str, object] = {}


def celery_worker_command(*options: str) -> list[str]:
    """`celery -A config worker` as the integration tests and the benchmarks start it: warnings only, and
    none of the cluster chatter a single worker does not need. `options` choose the pool."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel=WARNING",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        *options,
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise pytest.UsageError("PostgreSQL is not installed (no initdb). Run `make test`, which installs it.")


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres system user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def start_postgres() -> str:
    bindir = _pg_bindir()
    base = Path(tempfile.mkdtemp(prefix="fachtag-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", _free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        ),
        **quiet,
    )
    # Two pytest workers may run a 200-connection race (tests/registrations/test_concurrency.py) at once.
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -k {base} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=600"
    )
    subprocess.run(
        _as_postgres(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-o", options, "-w", "start"]
        ),
        **quiet,
    )
    _started["pg"] = (bindir, base, data)
    return f"postgres://postgres@127.0.0.1:{port}/fachtag"


def stop_postgres() -> None:
    bindir, base, data = _started.pop("pg")
    subprocess.run(
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    shutil.rmtree(base, ignore_errors=True)


def _redis_server(base: Path, port: int) -> subprocess.Popen:
    binary = shutil.which("redis-server")
    if not binary:
        raise pytest.UsageError(
            "Redis is not installed (no redis-server). Run `make test`, which installs it."
        )
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(base),
            "--maxmemory-policy",
            "noeviction",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _started["redis"] = (process, base, port)
    wait_for_redis(port)
    return process


def start_redis() -> str:
    base, port = Path(tempfile.mkdtemp(prefix="fachtag-redis-")), _free_port()
    _redis_server(base, port)
    return f"redis://127.0.0.1:{port}/0"


def wait_for_redis(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"redis-server on port {port} did not answer PING")


def stop_redis(*, keep_dir: bool = False) -> None:
    process, base, port = _started.pop("redis")
    process.terminate()
    process.wait(timeout=10)
    if keep_dir:
        _started["redis-stopped"] = (base, port)
    else:
        shutil.rmtree(base, ignore_errors=True)


def redis_outage():
    """Stop the test Redis now; call the returned function to start it again on the same port (outage drills)."""
    stop_redis(keep_dir=True)

    def restart() -> None:
        _redis_server(*_started.pop("redis-stopped"))

    return restart


def start_radicale() -> str:
    """A Radicale CalDAV server (from the test dependencies) on a free loopback port with a throwaway
    storage, no authentication (any user name is accepted) and owner-only rights. Returns its base URL.
    Started lazily by the `caldav` fixture (tests/conftest.py): only runs that store invites pay for it."""
    base, port = Path(tempfile.mkdtemp(prefix="fachtag-radicale-")), _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--config",
            "",  # no configuration file from the machine: only what is given here
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "none",
            "--rights-type",
            "owner_only",
            "--storage-filesystem-folder",
            str(base / "collections"),
            "--logging-level",
            "error",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _started["radicale"] = (process, base)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("Radicale stopped at once; run it by hand to see why")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"Radicale on port {port} did not answer")


def stop_radicale() -> None:
    process, base = _started.pop("radicale")
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(base, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # The controller started PostgreSQL (each worker gets its own test database in it); Redis is
        # per worker: tests clear it, stop it and run Celery workers on it, which must not cross.
        os.environ["REDIS_URL"] = start_redis()
        return
    # The test servers speak plain HTTP on loopback; production keeps HTTPS on (see config/settings.py).
    os.environ["HTTPS"] = "false"
    os.environ["DATABASE_URL"] = start_postgres()
    os.environ["REDIS_URL"] = start_redis()


def pytest_unconfigure(config):
    if "radicale" in _started:
        stop_radicale()
    if "redis" in _started:
        stop_redis()
    if "redis-stopped" in _started:
        shutil.rmtree(_started.pop("redis-stopped")[0], ignore_errors=True)
    if "pg" in _started:
        stop_postgres()
