"""`make run` is self-consistent: mail links and invites point at the server it starts."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_commands(*args: str, **env: str) -> list[str]:
    """The commands `make run` would run (make -n runs nothing)."""
    if not shutil.which("make"):
        pytest.fail("make is not installed")
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}} | env
    out = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()


def server_command(lines: list[str]) -> str:
    return next(line for line in lines if "runserver" in line)


def test_make_run_puts_its_own_host_and_port_into_mail_links():
    assert "SITE_URL='http://127.0.0.1:8000'" in server_command(run_commands())
    line = server_command(run_commands("PORT=8202"))
    assert "SITE_URL='http://127.0.0.1:8202'" in line and line.endswith("runserver 127.0.0.1:8202")
    assert "SITE_URL='http://localhost:8300'" in server_command(run_commands("HOST=localhost", "PORT=8300"))


def test_a_site_url_that_is_set_wins():
    line = server_command(run_commands("PORT=8202", SITE_URL="https://fachtag.example.de"))
    assert "SITE_URL='https://fachtag.example.de'" in line
