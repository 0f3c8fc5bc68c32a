"""What an operator relies on: the health endpoint, and a key rotation that keeps every link working."""

import gzip
import http.server
import json
import logging
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import brotli
import pytest
import redis
from django.db import OperationalError, connection
from django.urls import reverse

from config import logs
from registrations.tokens import CHECKIN_SALT, make_token, registration_from_token
from tests.factories import EventFactory
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_health_answers_200_when_database_and_redis_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_health_answers_a_container_probe_on_plain_http_with_any_host(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["fachtag.example.org"]
    response = client.get("/healthz", HTTP_HOST="localhost:8000")
    assert response.status_code == 200
    assert client.get("/de/", HTTP_HOST="localhost:8000").status_code == 400  # everything else still checked


def test_health_answers_503_and_names_redis_when_redis_is_away(client, monkeypatch):
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5, socket_timeout=0.5)
    monkeypatch.setattr("config.health.redis_client", lambda: dead)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}


def test_health_answers_503_and_names_the_database_when_it_is_away(client, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_health_says_redis_is_not_configured_in_the_quick_start(client, settings):
    settings.REDIS_URL = ""
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_a_rotated_key_keeps_her_link_and_check_in_code_working(client, settings):
    registration = sign_up(EventFactory(capacity=10))
    settings.SECRET_KEY = "old-key-" + "o" * 50
    link = reverse("registrations:manage", kwargs={"token": make_token(registration)})
    check_in_code = make_token(registration, salt=CHECKIN_SALT)

    settings.SECRET_KEY = "new-key-" + "n" * 50
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(link).status_code == 404  # without the old key the link is unknown

    settings.SECRET_KEY_FALLBACKS = ["old-key-" + "o" * 50]
    assert client.get(link).status_code == 200
    assert registration_from_token(check_in_code, salt=CHECKIN_SALT) == registration


def test_every_response_carries_a_request_id_taken_from_the_proxy_when_sane(client):
    offered = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
    assert client.get("/de/", HTTP_X_REQUEST_ID=offered)["X-Request-ID"] == offered
    made = client.get("/de/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/de/")["X-Request-ID"] != made


def test_a_log_line_has_time_level_logger_and_request_id():
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    token = logs.set_request_id("req-1234abcd")
    try:
        record = logging.getLogger("registrations.views").makeRecord(
            "registrations.views", logging.WARNING, __file__, 1, "Mail queue stuck: %s waiting", (3,), None
        )
        assert handler.filter(record)
    finally:
        logs.reset_request_id(token)
    line = handler.format(record)
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING registrations\.views \[req-1234abcd\] Mail queue stuck: 3 waiting",
        line,
    ), line
    entry = json.loads(logs.JsonFormatter().format(record))
    assert entry["level"] == "WARNING" and entry["logger"] == "registrations.views"
    assert entry["request_id"] == "req-1234abcd" and entry["message"] == "Mail queue stuck: 3 waiting"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", entry["time"])


class Collector(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        Collector.received.append(body.decode(errors="replace"))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_errors_reach_sentry_without_personal_data(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Collector.received = []
    script = tmp_path / "fail.py"
    script.write_text(
        "import django; django.setup()\n"
        "from unittest import mock\n"
        "import sentry_sdk\n"
        "from django.test import Client\n"
        "with mock.patch('registrations.views.registration_from_token', side_effect=RuntimeError('boom')):\n"
        "    Client(raise_request_exception=False).post('/de/r/SECRET-TOKEN-123/cancel/?email=amal@example.org',"
        " {'name': 'Amal Haddad'}, HTTP_COOKIE='sessionid=s3cr3t')\n"
        "sentry_sdk.flush(5)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "PYTHONPATH": str(ROOT),
        "ALLOWED_HOSTS": "testserver",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/1",
    }
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True)
    server.shutdown()
    server.server_close()
    assert result.returncode == 0, result.stderr
    sent = "\n".join(Collector.received)
    assert "boom" in sent and "RuntimeError" in sent
    for private in ("SECRET-TOKEN-123", "amal@example.org", "Amal Haddad", "s3cr3t", "sessionid"):
        assert private not in sent, (private, sent)
