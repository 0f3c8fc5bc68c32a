"""docker-compose.yml describes the production-like stack, and its commands name code that exists."""

import importlib
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_words(service: dict) -> list[str]:
    command = service["command"]
    words = command if isinstance(command, list) else shlex.split(command)
    if words[:2] == ["sh", "-c"]:
        words = shlex.split(words[2])
    return words


def test_compose_has_the_whole_stack():
    services = compose()["services"]
    assert set(services) >= {"db", "redis", "web", "worker", "beat", "mail"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "mailpit" in services["mail"]["image"]


def test_web_command_names_an_existing_wsgi_application():
    words = command_words(compose()["services"]["web"])
    target = next(word for word in words if ":application" in word)
    module, attribute = target.split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert "migrate" in words


def test_worker_and_beat_commands_name_the_existing_celery_app():
    services = compose()["services"]
    for name, role in [("worker", "worker"), ("beat", "beat")]:
        words = command_words(services[name])
        assert words[:2] == ["celery", "-A"]
        module = importlib.import_module(words[2])
        assert module.celery_app.main == "fachtag"
        assert role in words
    assert "-B" not in command_words(services["worker"]) and "--beat" not in command_words(services["worker"])
    assert services["beat"]["deploy"]["replicas"] == 1


def test_app_services_talk_to_the_stack_services():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert "@db:" in environment["DATABASE_URL"]
        assert environment["REDIS_URL"].startswith("redis://redis:")
        assert environment["EMAIL_URL"].startswith("smtp://mail:")


def test_dockerfile_serves_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "config.wsgi:application" in dockerfile
    assert "collectstatic" in dockerfile


def test_sending_mail_yields_the_cpu_to_the_web_server():
    """During a sign-up rush the pages come first; the confirmations follow (bench/README.md)."""
    services = compose()["services"]
    assert services["worker"]["cpu_shares"] < services["web"].get("cpu_shares", 1024)
