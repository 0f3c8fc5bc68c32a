"""The production stack, run as docker compose runs it but without containers (no images can be pulled here).

The same commands as docker-compose.yml: `manage.py migrate`, `gunicorn -c gunicorn.conf.py`, the Celery worker,
exactly one beat, and Caddy with deploy/Caddyfile in front (`tls internal` on a loopback name), with production
settings (DEBUG off, HTTPS on, TRUSTED_PROXY_COUNT=1), on PostgreSQL, Redis and an SMTP sink.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from aiosmtpd.controller import Controller

from tests.integration.conftest import Sink, wait_until
from tests.services import celery_worker_command, wait_for_redis

ROOT = Path(__file__).resolve().parents[2]
HOST = "fachtag.localhost"
# One stack for the module, so its tests run on one xdist worker (`--dist loadgroup` in the Makefile).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("production-stack")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Loopback(http.client.HTTPSConnection):
    """HTTPS to HOST (SNI and certificate check for that name) on this machine's loopback address."""

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class Stack:
    def __init__(self, base: Path):
        self.base = base
        self.processes: dict[str, subprocess.Popen] = {}
        self.https_port, self.http_port, self.redis_port = free_port(), free_port(), free_port()
        self.web_port, self.web_port_2 = free_port(), free_port()
        self.origin = f"https://{HOST}:{self.https_port}"

    def start(self, name: str, command: list[str], env: dict, **kwargs) -> subprocess.Popen:
        with open(self.base / f"{name}.log", "ab") as log:  # the process keeps its own copy of the file
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **kwargs,
            )
        self.processes[name] = process
        return process

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def log(self, name: str) -> str:
        return (self.base / f"{name}.log").read_text(errors="replace")

    def https(self, method: str, path: str, *, body: str | None = None, headers: dict | None = None):
        context = ssl.create_default_context(cafile=self.base / "data/caddy/pki/authorities/local/root.crt")
        connection = Loopback(HOST, self.https_port, context=context, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()


def run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def stack():
    for binary in ("caddy", "redis-server", "pg_dump", "pg_restore"):
        if not shutil.which(binary):
            pytest.fail(f"{binary} is not installed: run `make test`, which installs it.")
    base = Path(tempfile.mkdtemp(prefix="fachtag-stack-"))
    stack = Stack(base)
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    stack.sink = sink

    server = urlsplit(os.environ["DATABASE_URL"])
    admin_url = server._replace(path="/postgres").geturl()
    database = f"fachtag_stack_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    stack.admin_url, stack.database = admin_url, database
    stack.database_url = server._replace(path=f"/{database}").geturl()

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "DATABASE_", "REDIS_", "CELERY_", "EMAIL_", "SECRET_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        HTTPS="true",
        SECRET_KEY="stack-test-" + "k" * 50,
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=stack.origin,
        SITE_URL=stack.origin,
        DATABASE_URL=stack.database_url,
        REDIS_URL=f"redis://127.0.0.1:{stack.redis_port}/0",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        TRUSTED_PROXY_COUNT="1",
        SIGNUP_MIN_FILL_SECONDS="0",
        SIGNUP_RATE_LIMIT_PER_MINUTE="3",
        STAFF_MFA_REQUIRED="true",
        VAR_DIR=str(base / "var"),
        WEB_CONCURRENCY="1",
        BEAT_SCHEDULE=str(base / "beat/celerybeat-schedule"),
    )
    stack.env = env
    (base / "beat").mkdir()
    try:
        stack.start_redis = lambda: stack.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(stack.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                str(base),
            ],
            env,
        )
        stack.start_redis()
        wait_for_redis(stack.redis_port)
        # What the image build and the migrate service do, then the long-running services.
        run([sys.executable, "manage.py", "collectstatic", "--no-input"], env)
        run([sys.executable, "manage.py", "migrate", "--no-input"], env)
        run([sys.executable, "manage.py", "load_demo"], env)
        # Two replicas of web and of the worker (scale-out: sessions, rate limits and the outbox claim are
        # shared through PostgreSQL and Redis), exactly one beat.
        for replica, port in enumerate((stack.web_port, stack.web_port_2), start=1):
            replica_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            stack.start(
                f"web-{replica}", [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], replica_env
            )
            stack.start(
                f"worker-{replica}",
                celery_worker_command("--concurrency=1", f"--hostname=worker{replica}@%h"),
                env,
            )
        stack.start(
            "beat",
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--schedule", env["BEAT_SCHEDULE"]],
            env,
        )
        caddy_env = {
            **env,
            "HOME": str(base),
            "XDG_DATA_HOME": str(base / "data"),
            "XDG_CONFIG_HOME": str(base / "config"),
            "SITE_ADDRESS": HOST,
            "HTTP_PORT": str(stack.http_port),
            "HTTPS_PORT": str(stack.https_port),
            "UPSTREAM": f"127.0.0.1:{stack.web_port} 127.0.0.1:{stack.web_port_2}",
            "TLS_DIRECTIVE": "tls internal",
            "CADDY_GLOBAL_OPTIONS": "skip_install_trust",
        }
        stack.start(
            "caddy", ["caddy", "run", "--config", "deploy/Caddyfile", "--adapter", "caddyfile"], caddy_env
        )

        def answers() -> bool:
            try:
                return stack.https("GET", "/healthz")[0] == 200
            except (OSError, ssl.SSLError, http.client.HTTPException):
                return False

        assert wait_until(answers, timeout=60, interval=0.5), stack.log("caddy") + stack.log("web-1")
        yield stack
    finally:
        for name in list(stack.processes):
            stack.stop(name)
        smtp.stop()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(base, ignore_errors=True)


def sql(stack, query: str, *params):
    with psycopg.connect(stack.database_url) as connection:
        return connection.execute(query, params).fetchall()


def form_fields(html: str) -> dict:
    return dict(re.findall(r'name="(csrfmiddlewaretoken|started|submission_key)" value="([^"]*)"', html))


def test_health_over_https_names_each_part(stack):
    status, _headers, body = stack.https("GET", "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "redis": "ok"}


def test_each_request_gets_the_id_caddy_made_in_the_response_and_the_access_log(stack):
    _status, headers, _body = stack.https("GET", "/de/")
    request_id = headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", request_id)
    assert wait_until(lambda: any(f"[{request_id}]" in stack.log(f"web-{n}") for n in (1, 2)), timeout=10)


def test_plain_http_is_redirected_to_https(stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=10)
    connection.request("GET", "/de/", headers={"Host": HOST})
    response = connection.getresponse()
    connection.close()
    assert response.status in (301, 308)
    assert response.headers["Location"].startswith(f"https://{HOST}")


def test_the_app_sees_https_behind_the_proxy_and_sends_hsts(stack):
    status, headers, _body = stack.https("GET", "/de/")
    assert status == 200
    # Django sends HSTS only on a request it takes for secure: the proxy's X-Forwarded-Proto arrived.
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def her_page(stack, browser) -> str:
    """She signs up in Chromium over https (once per stack); the path of her personal page."""
    if not hasattr(stack, "her_page"):
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 375, "height": 800})
        page = context.new_page()
        slug = sql(
            stack, "SELECT slug FROM fachtag_event WHERE slug LIKE 'fachtag-%%' ORDER BY starts_at DESC"
        )[0][0]
        page.goto(f"{stack.origin}/de/events/{slug}/signup/")
        page.fill("#id_name", "Amal Haddad")
        page.fill("#id_email", "amal@example.org")
        for group in page.locator("fieldset:has(input[type=radio][name^=slot_])").all():
            group.locator("input[type=radio]").first.check()
        page.check("#id_privacy_consent")
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.url.endswith("/done/"), stack.log("web-1")[-4000:] + stack.log("web-2")[-4000:]
        stack.her_page = urlsplit(page.url).path.removesuffix("done/")
        context.close()
    return stack.her_page


def test_a_sign_up_in_chromium_over_https_lands_and_her_confirmation_reaches_the_relay(stack, browser):
    her_page(stack, browser)
    assert sql(stack, "SELECT name FROM registrations_registration") == [("Amal Haddad",)]
    assert wait_until(lambda: stack.sink.received_by("amal@example.org"), timeout=60), stack.log("worker-1")
    assert len(stack.sink.received_by("amal@example.org")) == 1


def test_a_forged_forwarded_for_does_not_lift_the_rate_limit(stack):
    slug = sql(stack, "SELECT slug FROM fachtag_event WHERE slug LIKE 'fachtag-%%' ORDER BY starts_at DESC")[
        0
    ][0]
    path = f"/de/events/{slug}/signup/"
    statuses = []
    for attempt in range(5):
        status, headers, html = stack.https("GET", path)
        cookie = headers["Set-Cookie"].split(";")[0]
        fields = {**form_fields(html), "name": "", "email": "not-an-address"}
        body = "&".join(f"{key}={value}" for key, value in fields.items())
        status, _headers, _html = stack.https(
            "POST",
            path,
            body=body,
            headers={
                "Cookie": cookie,
                "Origin": stack.origin,
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-For": f"203.0.113.{attempt + 1}",
            },
        )
        statuses.append(status)
    assert statuses[:3] == [200, 200, 200]  # errors shown next to the fields
    assert statuses[3:] == [429, 429]


def test_worker_and_beat_report_healthy(stack):
    env = {**stack.env}
    for replica in (1, 2):
        env["PROBE_WORKER_NAME"] = f"worker{replica}@{socket.gethostname()}"
        assert (
            subprocess.run([sys.executable, "scripts/probe.py", "worker"], cwd=ROOT, env=env).returncode == 0
        )
    env["PROBE_WORKER_NAME"] = f"worker3@{socket.gethostname()}"  # no such worker: unhealthy
    assert subprocess.run([sys.executable, "scripts/probe.py", "worker"], cwd=ROOT, env=env).returncode == 1
    assert wait_until(
        lambda: (
            subprocess.run([sys.executable, "scripts/probe.py", "beat"], cwd=ROOT, env=env).returncode == 0
        ),
        timeout=30,
        interval=1,
    )


def test_a_backup_restores_her_registration_after_the_database_was_lost(stack, browser):
    path = her_page(stack, browser)
    env = {**stack.env, "BACKUP_DIR": str(stack.base / "backups")}
    result = subprocess.run(["sh", "scripts/backup.sh"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    dump = result.stdout.strip()
    assert Path(dump).stat().st_size > 0

    with psycopg.connect(stack.admin_url, autocommit=True) as admin:  # the database is lost
        admin.execute(f'DROP DATABASE "{stack.database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{stack.database}"')
    assert stack.https("GET", path)[0] != 200

    result = subprocess.run(
        ["sh", "scripts/backup.sh", "restore", dump], cwd=ROOT, env=env, capture_output=True
    )
    assert result.returncode == 0, result.stderr
    status, _headers, html = stack.https("GET", path)
    assert status == 200
    assert "Amal Haddad" in html


def test_health_answers_503_while_redis_is_away(stack):
    stack.stop("redis")
    try:
        status, _headers, body = stack.https("GET", "/healthz")
        assert status == 503
        assert json.loads(body)["redis"] == "unavailable"
    finally:
        stack.start_redis()
        wait_for_redis(stack.redis_port)
    assert wait_until(lambda: stack.https("GET", "/healthz")[0] == 200, timeout=20)
