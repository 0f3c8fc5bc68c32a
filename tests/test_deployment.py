"""docker-compose.yml describes a stack an operator can deploy as written, and its commands name code that exists.

tests/integration/test_production_stack.py runs the same commands (migrate, gunicorn with its config file, the
worker, one beat, Caddy with deploy/Caddyfile) without containers.
"""

import importlib
import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")


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
    assert set(services) >= {"db", "redis", "migrate", "web", "proxy", "worker", "beat", "mail", "backup"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["proxy"]["image"].startswith("caddy:")
    assert "mailpit" in services["mail"]["image"]


def test_every_url_and_secret_comes_from_the_env_file():
    """An `environment:` block wins over .env: a relay set in .env would silently be ignored."""
    services = compose()["services"]
    for name in APP_SERVICES:
        assert services[name]["env_file"] == ".env"
        assert not set(services[name].get("environment", {})) & {
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "SECRET_KEY",
            "CELERY_BROKER_URL",
        }, name
    assert "environment" not in services["db"]  # its password comes from .env too
    example = (ROOT / ".env.example").read_text()
    for variable in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "POSTGRES_PASSWORD", "SITE_ADDRESS"):
        assert re.search(rf"^{variable}=", example, re.M), variable


def test_only_the_tls_proxy_is_published():
    services = compose()["services"]
    assert "ports" not in services["web"]
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
    assert all(port.startswith("127.0.0.1:") for port in services["mail"]["ports"])
    assert re.search(r"^TRUSTED_PROXY_COUNT=1$", (ROOT / ".env.example").read_text(), re.M)


def test_migrations_run_once_before_web_worker_and_beat_start():
    services = compose()["services"]
    assert command_words(services["migrate"]) == ["python", "manage.py", "migrate", "--no-input"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in command_words(services[name])


def test_services_restart_and_report_their_health():
    services = compose()["services"]
    for name in ("db", "redis", "web", "proxy", "worker", "beat", "mail"):
        assert services[name]["restart"] == "unless-stopped", name
    for name in ("web", "worker", "beat"):
        assert services[name]["healthcheck"]["test"] == ["CMD", "python", "scripts/probe.py", name]
    source = (ROOT / "scripts" / "probe.py").read_text()
    for name in ("web", "worker", "beat"):
        assert f"def {name}() -> bool:" in source


def test_gunicorn_reads_its_settings_from_one_file():
    words = command_words(compose()["services"]["web"])
    assert words == ["gunicorn", "-c", "gunicorn.conf.py"]
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py"]' in (ROOT / "Dockerfile").read_text()
    config = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), config)  # noqa: S102
    module, attribute = config["wsgi_app"].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert config["accesslog"] == "-"


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


def test_the_beat_schedule_lives_on_a_volume():
    beat = compose()["services"]["beat"]
    words = command_words(beat)
    schedule = words[words.index("--schedule") + 1]
    assert any(schedule.startswith(volume.split(":")[1] + "/") for volume in beat["volumes"])
    assert "beat" in compose()["volumes"]


def test_the_image_holds_no_personal_data_secrets_or_local_environment():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in ("var", ".env", ".venv", ".git"):
        assert path in ignored, path
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "collectstatic" in dockerfile
    assert "USER fachtag" in dockerfile


def test_sending_mail_yields_the_cpu_to_the_web_server():
    """During a sign-up rush the pages come first; the confirmations follow (bench/README.md)."""
    services = compose()["services"]
    assert services["worker"]["cpu_shares"] < services["web"].get("cpu_shares", 1024)


def pins(text: str) -> dict[str, str]:
    return {
        name.lower().replace("_", "-"): version
        for name, version in re.findall(r"^\"?([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^ \"\\]+)", text, re.M)
    }


def test_the_locked_requirements_match_pyproject_and_carry_hashes():
    pyproject = (ROOT / "pyproject.toml").read_text()
    declared = pins("\n".join(line.strip() for line in pyproject.splitlines()))
    runtime_text = (ROOT / "requirements" / "runtime.txt").read_text()
    runtime, dev = pins(runtime_text), pins((ROOT / "requirements" / "dev.txt").read_text())
    runtime_declared = pins(
        "\n".join(line.strip() for line in pyproject.split("[project.optional-dependencies]")[0].splitlines())
    )
    assert runtime_declared and all(runtime[name] == version for name, version in runtime_declared.items())
    assert all(dev[name] == version for name, version in declared.items())
    assert all(dev[name] == version for name, version in runtime.items())  # the same versions in both
    assert not {"pytest", "ruff", "playwright", "hypothesis"} & set(runtime)  # test and dev tools stay out
    for block in re.split(r"\n(?=[A-Za-z])", runtime_text.split("\n", 2)[2]):
        assert "--hash=sha256:" in block, block.splitlines()[0]
    assert "--require-hashes -r requirements/runtime.txt" in (ROOT / "Dockerfile").read_text()


def test_the_worker_consumes_every_queue_the_mail_tasks_go_to():
    """Both mail lanes travel on one Celery queue (notifications/outbox.py): a worker told to consume other queues
    (-Q) would leave every mail unsent."""
    from config.celery import app

    queues = {app.conf.task_default_queue}
    for task in ("send_ready", "send_batch", "send_message", "send_unsent_messages"):
        route = app.amqp.router.route({}, f"notifications.tasks.{task}")
        queues.add(route["queue"].name)
    words = command_words(compose()["services"]["worker"])
    consumed = next((words[i + 1] for i, w in enumerate(words) if w in ("-Q", "--queues")), None)
    assert consumed is None and queues == {app.conf.task_default_queue} or set(consumed.split(",")) >= queues
