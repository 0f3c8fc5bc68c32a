"""The settings refuse to start insecurely, and say why in one line."""

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
