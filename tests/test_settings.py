"""The settings refuse to start insecurely, and say why in one line."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_start_up_fails_without_secret_key_when_debug_is_off():
    result = run_check()
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Configuration error: SECRET_KEY is required when DEBUG is off: set SECRET_KEY (or SECRET_KEY_FILE), "
        "or DEBUG=true."
    ]


def test_a_mistyped_boolean_stops_the_app():
    result = run_check(DEBUG="Flase", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_start_up_succeeds_with_a_secret_key():
    result = run_check(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("y" * 50)
    assert run_check(SECRET_KEY_FILE=str(secret)).returncode == 0


def test_quick_start_runs_with_debug_and_no_secret():
    assert run_check(DEBUG="true").returncode == 0


def settings_seen(**env_overrides) -> dict:
    """The settings as the app would read them from this environment (in a fresh process)."""
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_URL", "_FILE")) and k != "SECRET_KEY"}
    env.update(env_overrides)
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'db': s.DATABASES['default'], 'email_host': s.EMAIL_HOST, 'email_password': s.EMAIL_HOST_PASSWORD,"
        "'redis': s.REDIS_URL, 'broker': s.CELERY_BROKER_URL, 'fallbacks': s.SECRET_KEY_FALLBACKS}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_secret_can_come_from_a_file(tmp_path):
    files = {
        "SECRET_KEY": "k" * 50,
        "SECRET_KEY_FALLBACKS": "old-key-one\nold-key-two\n",
        "DATABASE_URL": "postgres://fachtag:db-pass@db.internal:5432/fachtag",
        "EMAIL_URL": "smtp+tls://mailer:relay-pass@relay.internal:587",
        "REDIS_URL": "redis://:redis-pass@redis.internal:6379/0",
    }
    for name, value in files.items():
        (tmp_path / name).write_text(value)
    seen = settings_seen(**{f"{name}_FILE": str(tmp_path / name) for name in files})
    assert (seen["db"]["HOST"], seen["db"]["PASSWORD"]) == ("db.internal", "db-pass")
    assert (seen["email_host"], seen["email_password"]) == ("relay.internal", "relay-pass")
    assert seen["redis"] == seen["broker"] == files["REDIS_URL"]
    assert seen["fallbacks"] == ["old-key-one", "old-key-two"]


def test_old_keys_are_listed_comma_separated_in_the_environment():
    seen = settings_seen(SECRET_KEY="k" * 50, SECRET_KEY_FALLBACKS="old-one, old-two")
    assert seen["fallbacks"] == ["old-one", "old-two"]
    assert settings_seen(SECRET_KEY="k" * 50)["fallbacks"] == []
