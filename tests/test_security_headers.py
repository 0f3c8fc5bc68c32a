"""Production settings pass Django's deployment check, and every page carries a strict CSP."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_production_settings_pass_the_deployment_check_without_warnings():
    unset = {
        "DEBUG",
        "HTTPS",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }  # the last is for the browser tests
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        SECRET_KEY="a" * 20 + "-production-like-secret-" + "b" * 20, ALLOWED_HOSTS="fachtag.example.org"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", ["/de/", "/ar/privacy/", "/de/link/", "/de/accounts/login/"])
def test_pages_carry_a_strict_content_security_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
