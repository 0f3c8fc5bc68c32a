"""Container healthchecks: `python scripts/probe.py web|worker|beat` exits 0 when that part is healthy.

- web: GET /healthz on the local gunicorn answers 200 (database and Redis reachable).
- worker: this container's Celery worker answers a ping over the broker.
- beat: the schedule file was written recently (beat saves it every few minutes while it runs).
"""

import glob
import os
import socket
import sys
import time
import urllib.request

BEAT_SCHEDULE = os.environ.get("BEAT_SCHEDULE", "/app/beat/celerybeat-schedule")
BEAT_QUIET_SECONDS = 600


def web() -> bool:
    with urllib.request.urlopen("http://127.0.0.1:8000/healthz", timeout=5) as response:  # noqa: S310
        return response.status == 200


def worker() -> bool:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, os.getcwd())
    from config.celery import app

    name = os.environ.get("PROBE_WORKER_NAME", f"celery@{socket.gethostname()}")  # Celery's default node name
    replies = app.control.ping(destination=[name], timeout=5)
    return bool(replies)


def beat() -> bool:
    files = glob.glob(BEAT_SCHEDULE + "*")  # the dbm module may add a suffix
    return any(time.time() - os.path.getmtime(name) < BEAT_QUIET_SECONDS for name in files)


if __name__ == "__main__":
    checks = {"web": web, "worker": worker, "beat": beat}
    try:
        healthy = checks[sys.argv[1]]()
    except Exception as exc:  # any failure is "unhealthy", said in one line
        print(f"{sys.argv[1]}: {exc}", file=sys.stderr)
        healthy = False
    sys.exit(0 if healthy else 1)
