"""Personal-link tokens and e-mail addresses never reach a log line: Django's request log and gunicorn's
access log (config/log_redaction.py; docs/privacy.md, "application and worker logs")."""

import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from config.log_redaction import redact
from registrations.tokens import UNSUBSCRIBE_SALT, make_token
from tests.factories import EventFactory
from tests.registrations.helpers import sign_up
from tests.services import _free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_django_logs_personal_link_paths_without_their_tokens(client, caplog):
    registration = sign_up(EventFactory(), email="amal@example.org")
    token, unsubscribe = make_token(registration), make_token(registration, salt=UNSUBSCRIBE_SALT)
    with caplog.at_level(logging.INFO):
        assert client.get(f"/de/r/{token}/no-such-page/").status_code == 404
        assert client.get(f"/de/r/{token[:-3]}xyz/").status_code == 404  # an altered link: "Not Found" too
        assert client.get(f"/de/unsubscribe/{unsubscribe}x/").status_code == 404
        assert client.get(f"/de/feed/{'a' * 40}.ics").status_code == 404
        logging.getLogger("notifications.outbox").error(
            "Outbox message 7 failed for good: 550 amal@example.org"
        )
    text = caplog.text
    assert "Not Found: /de/r/[redacted]/no-such-page/" in text
    assert "/de/unsubscribe/[redacted]/" in text and "/de/feed/[redacted]" in text
    for secret in (token, token[:20], unsubscribe[:20], "a" * 40, "amal@example.org"):
        assert secret not in text, secret
    assert "550 [address]" in text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('"GET /de/r/eyJh.x:1a:b-c_d/cancel/ HTTP/1.1" 200', '"GET /de/r/[redacted]/cancel/ HTTP/1.1" 200'),
        ("/ar/confirm/abc:def/", "/ar/confirm/[redacted]/"),
        ("/de/mediators/invitation/MQ:1v:x/", "/de/mediators/invitation/[redacted]/"),
        ("/de/accounts/password/reset/key/2-abc/", "/de/accounts/password/reset/key/[redacted]/"),
        ("/de/accounts/confirm-email/MQ:1v/", "/de/accounts/confirm-email/[redacted]/"),
        ("?next=%2Fde%2Fr%2Fabc%3A1%2F", "?next=%2Fde%2Fr%2F[redacted]%2F"),
        ("/staff/events/fachtag/participants/12/", "/staff/events/fachtag/participants/12/"),
        ("login failed login='Orga@Example.org'", "login failed login='[address]'"),
    ],
)
def test_what_is_redacted_and_what_is_kept(line, expected):
    assert redact(line) == expected


def test_gunicorn_as_the_image_starts_it_logs_requests_without_tokens_or_addresses(tmp_path):
    """gunicorn started the way the Dockerfile does (its settings file, gunicorn.conf.py, read from the
    working directory), asked for a personal link page and sent a Referer with another."""
    token = "WyI0N2Q3YTRhMTVhNTRmNTNhMDFjZDI3NDViMGRjYTU3IiwxXQ:1xaQHB:sdfSnvgQXgbt-HLeKXfG4t-89EWzHBU"
    code = "WyI0N2Q3YTRhMTVhNTRmNTNhMDFjZDI3NDViMGRjYTU3IiwxXQ:1xaQHC:3RjZOF72sN_cy2_Z5wer126IhS-0wnhO"
    port = _free_port()
    # The production settings, with plain HTTP on loopback and without collected static files; a forged
    # link is answered without the database.
    env = {**os.environ, "DEBUG": "true", "SECRET_KEY": "x" * 50, "HTTPS": "false", "VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--access-logfile", "-"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/de/r/{token}/",
            headers={"Referer": f"http://127.0.0.1:{port}/de/r/{code}/?from=amal@example.org"},
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                status = urllib.request.urlopen(request, timeout=5).status  # noqa: S310 - http on loopback
                break
            except urllib.error.HTTPError as error:
                status = error.code
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 404
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert '"GET /de/r/[redacted]/ HTTP/1.1" 404' in output, output
    assert token not in output and code not in output and "amal@example.org" not in output
    assert "/de/r/[redacted]/?from" not in output  # the access log format leaves the Referer out altogether


def test_the_celery_worker_log_is_redacted_too():
    """Celery's worker sets up its own log handlers (config/celery.py gives them the filter)."""
    script = (
        "import django, logging; django.setup()\n"
        "from config.celery import app\n"
        "app.log.setup(loglevel='INFO', redirect_stdouts=False, colorize=False)\n"
        "logging.getLogger('notifications.outbox').error('Outbox message 7 failed for good: 550 amal@example.org')\n"
        "logging.getLogger('celery.app.trace').warning('Task for /de/r/WyJhYiIsMV0:1xaQ:abc/ done')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    output = result.stdout + result.stderr
    assert "550 [address]" in output and "/de/r/[redacted]/" in output, output
    assert "amal@example.org" not in output and "WyJhYiIsMV0" not in output
