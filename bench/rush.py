"""Sign-up rush: N people sign up over HTTP at once for an event with 200 seats, on the production stack.

    bench/rush [--people 400] [--concurrency 20,50] [--workers 3] [--worker-class sync] [--threads 1]

Starts its own PostgreSQL, Redis and SMTP sink (bench/_stack.py), migrates, collects the static files,
then starts gunicorn (DEBUG off, production settings) and one Celery worker as production runs them.
For each concurrency it creates a fresh event (200 seats, two parallel slots of three workshops, open,
no e-mail confirmation step) and sends N people through the real flow like browsers: GET the sign-up
page (CSRF cookie, hidden fields), POST the form, follow the redirect to the done page.

It reports completed registrations per second, p50/p95 latency per request and per whole sign-up,
server CPU-seconds per registration from /proc (gunicorn master and workers plus the PostgreSQL
processes serving them: "web+DB"; the Celery worker and its database sessions apart: "mail"), requests
per registration, confirmed and waitlisted places against capacity (read from the database; more
confirmed than seats fails the run) and the number of HTTP errors.

The client threads run in this process, whose CPU time is not counted (it still shares the machine's
cores with the server, so rates are a lower bound on a 2-core host).
"""

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from _stack import ROOT, celery_worker_command, free_port, start, stop

CAPACITY = 200
WORKSHOPS_PER_SLOT = 3
WORKSHOP_CAPACITY = 50  # 150 seats per slot for 200 event places: some workshop waiting lists too
# The form's anti-bot measures, relaxed for this stack only: every client comes from 127.0.0.1, and a
# script fills the form in milliseconds, not the three seconds a person needs.
BENCH_SETTINGS = {"SIGNUP_MIN_FILL_SECONDS": "0", "SIGNUP_RATE_LIMIT_PER_MINUTE": "1000000"}
LANGUAGES = ["de", "ar", "uk", "fa", "tr", "ru", "en"]
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
RADIO = re.compile(r'type="radio" name="(slot_\d+)" id="[^"]*" value="(\d+)"')
CLK_TCK = os.sysconf("SC_CLK_TCK")
# bench/bare.py's tables: one row to lock, one table to insert into.
BARE_TABLES = """
CREATE TABLE bare_place (id int PRIMARY KEY, taken int NOT NULL);
INSERT INTO bare_place VALUES (1, 0);
CREATE TABLE bare_signup (
    id bigserial PRIMARY KEY, name text NOT NULL, email text NOT NULL, created_at timestamptz NOT NULL
);
"""


# --- CPU accounting from /proc -------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process and of its children it has already reaped (exited backends)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    # Fields after the name: state is [0], utime [11], stime [12], cutime [13], cstime [14].
    return sum(int(value) for value in fields[11:15]) / CLK_TCK


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def snapshot(root: int) -> dict[int, float]:
    return {pid: cpu_seconds(pid) for pid in process_tree(root)}


def delta(before: dict[int, float], after: dict[int, float], pids=None) -> float:
    """CPU used between two snapshots (by `pids` only, if given). Time of a process that exited moved
    into its parent's reaped-children figure, which both snapshots include."""
    chosen = after.keys() if pids is None else set(pids) & after.keys()
    return sum(after[pid] - before.get(pid, 0.0) for pid in chosen)


def machine_times() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return (sum(values[:8]) - idle) / CLK_TCK, sum(values[:8]) / CLK_TCK


def postmaster_pid(pg_data: Path) -> int:
    return int((pg_data / "postmaster.pid").read_text().splitlines()[0])


# --- The stack ---------------------------------------------------------------------------------------


def prepare(var_dir: Path) -> None:
    """Migrate and collect the static files (hashed names, as production serves them)."""
    for command in (["migrate", "--verbosity", "0"], ["collectstatic", "--noinput", "--verbosity", "0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, check=True)


def django_in_this_process(database: str) -> dict:
    """Start the services, then set up Django here with the benchmark's production settings (for the
    in-process scripts). Returns the services' handles for _stack.stop(), which also removes VAR_DIR."""
    handles = start(database=database)
    var_dir = handles["var_dir"] = Path(tempfile.mkdtemp(prefix=f"fachtag-{database}-"))
    os.environ.update({"VAR_DIR": str(var_dir), "DEBUG": "false", **BENCH_SETTINGS})
    try:
        prepare(var_dir)
        import django

        django.setup()
    except BaseException:
        stop(handles)
        raise
    return handles


def start_gunicorn(port: int, args, *, name: str = "web") -> subprocess.Popen:
    """gunicorn serving the site (name "web") or bench/bare.py's bare form (name "bare"), alike."""
    app, cwd, env = "config.wsgi:application", ROOT, dict(os.environ)
    if name == "bare":
        app, cwd, env["DJANGO_SETTINGS_MODULE"] = "bare:application", ROOT / "bench", "bare"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    env["DATABASE_URL"] = os.environ["DATABASE_URL"] + f"?application_name={name}"
    server = subprocess.Popen(command, cwd=cwd, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = request("GET", port, "/de/" if name == "web" else "/")
            if status < 500:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def start_celery(log: Path) -> subprocess.Popen:
    # As docker-compose.yml runs it: the prefork pool with two processes, with a lower CPU share than the web
    # server (there cpu_shares, here nice): during a rush the pages come first and the mails catch up.
    env = {**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"] + "?application_name=mail"}
    return subprocess.Popen(
        ["nice", "-n", "10", *celery_worker_command("--concurrency", "2")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )


def backend_pids(application_name: str) -> set[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name])
        return {row[0] for row in cursor.fetchall()}


def create_event(slug: str):
    """An open event with 200 seats, two parallel slots of three workshops each, no e-mail confirmation."""
    from django.utils import timezone

    from fachtag.models import Event, TimeSlot, Workshop

    starts = timezone.now().replace(microsecond=0) + timedelta(days=30)
    event = Event.objects.create(
        slug=slug,
        title_de=f"Fachtag {slug}",
        venue_name="Neues Rathaus",
        venue_address="Martin-Luther-Ring 4–6\n04109 Leipzig",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        capacity=CAPACITY,
        status=Event.Status.PUBLISHED,
        requires_email_confirmation=False,
    )
    for number in range(2):
        slot = TimeSlot.objects.create(
            event=event,
            kind=TimeSlot.Kind.PARALLEL,
            starts_at=starts + timedelta(hours=1 + 2 * number),
            ends_at=starts + timedelta(hours=2 + 2 * number, minutes=30),
        )
        for position in range(WORKSHOPS_PER_SLOT):
            Workshop.objects.create(
                slot=slot,
                title_de=f"Workshop {number + 1}.{position + 1}",
                capacity=WORKSHOP_CAPACITY,
                position=position,
            )
    return event


def outcome(event) -> dict:
    from django.db.models import Count

    from fachtag.models import Event, Workshop
    from notifications.models import OutboxMessage
    from registrations.models import Booking, Registration

    counts = dict(
        Registration.objects.filter(event=event).values_list("status").annotate(n=Count("pk")).order_by()
    )
    event = Event.objects.get(pk=event.pk)
    confirmed = counts.get("confirmed", 0)
    assert confirmed <= event.capacity, f"overbooked: {confirmed} confirmed for {event.capacity} seats"
    assert event.seats_taken == confirmed, (event.seats_taken, confirmed)
    for workshop in Workshop.objects.filter(slot__event=event):
        seated = Booking.objects.filter(workshop=workshop, status="confirmed").count()
        assert seated <= workshop.capacity and seated == workshop.seats_taken, (workshop, seated)
    uuids = Registration.objects.filter(event=event).values_list("uuid", flat=True)
    messages = OutboxMessage.objects.filter(key__in=[]).count() + sum(
        OutboxMessage.objects.filter(key__startswith=f"registration:{uuid.hex}:").count() for uuid in uuids
    )
    return {
        "confirmed": confirmed,
        "waitlisted": counts.get("waitlisted", 0),
        "registrations": len(uuids),
        "messages": messages,
    }


# --- The client: one browser-like person per task ---------------------------------------------------


def request(method: str, port: int, path: str, *, body: bytes | None = None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[float] = field(default_factory=list)
    signups: list[float] = field(default_factory=list)
    request_count: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def timed(self, method, port, path, expect, **kwargs):
        started = time.perf_counter()
        status, headers, body = request(method, port, path, **kwargs)
        elapsed = time.perf_counter() - started
        with self.lock:
            self.request_count += 1
            self.requests.append(elapsed)
        if status != expect:
            raise RuntimeError(f"{method} {path}: HTTP {status} (expected {expect}) {body[:200]!r}")
        return headers, body

    def failed(self, error: Exception) -> None:
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < 3:
                self.error_samples.append(str(error))


def through_form(port: int, path: str, tally: Tally, fill) -> None:
    """One person, like a browser: GET the form at `path` (CSRF cookie, hidden fields), POST it with what
    fill(page) adds, follow the redirect. Timed as one sign-up; a failure is counted and shown."""
    origin = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    try:
        headers, body = tally.timed("GET", port, path, 200)
        page = body.decode()
        cookies = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or [])
        headers, _body = tally.timed(
            "POST",
            port,
            path,
            302,
            body=urllib.parse.urlencode({**dict(HIDDEN.findall(page)), **fill(page)}).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookies,
                "Origin": origin,
                "Referer": origin + path,
            },
        )
        location = urllib.parse.urlsplit(headers["Location"]).path
        tally.timed("GET", port, location, 200, headers={"Cookie": cookies})
    except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
        tally.failed(exc)
        return
    with tally.lock:
        tally.signups.append(time.perf_counter() - started)


def sign_up(port: int, slug: str, number: int, run: str, tally: Tally) -> None:
    def fill(page: str) -> dict:
        slots: dict[str, list[str]] = {}
        for name, value in RADIO.findall(page):
            slots.setdefault(name, []).append(value)
        return {
            "name": f"Teilnehmerin {number}",
            "email": f"rush-{run}-{number}@example.org",
            "phone": "",
            "organisation": "",
            "interpreting_language": "",
            "interpreting_other": "",
            "accessibility_needs": "",
            "language": random.choice(LANGUAGES),
            "privacy_consent": "on",
            "website": "",
            **{name: random.choice(values) for name, values in slots.items()},
        }

    through_form(port, f"/de/events/{slug}/signup/", tally, fill)


def bare_sign_up(port: int, number: int, tally: Tally) -> None:
    """The same three requests against bench/bare.py: its form, the POST, the page it redirects to."""
    through_form(
        port,
        "/",
        tally,
        lambda page: {"name": f"Teilnehmerin {number}", "email": f"bare-{number}@example.org"},
    )


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


# --- One run -----------------------------------------------------------------------------------------


def crowd(people: int, concurrency: int, person) -> tuple[Tally, float]:
    """person(number, tally) for each of `people`, `concurrency` at a time: their tally and the seconds taken."""
    tally = Tally()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for number in range(people):
            pool.submit(person, number, tally)
    return tally, time.monotonic() - started


def run(*, people: int, concurrency: int, port: int, roots: dict, sink, label: str) -> dict:
    from django.db import connection

    event = create_event(f"rush-{label}")
    sink.reset()
    connection.ensure_connection()
    bench_backend = {connection.connection.info.backend_pid}
    mail_backends = backend_pids("mail")
    before = {name: snapshot(pid) for name, pid in roots.items()}
    own_before, machine_before = time.process_time(), machine_times()
    tally, elapsed = crowd(
        people, concurrency, lambda number, tally: sign_up(port, event.slug, number, label, tally)
    )
    own = time.process_time() - own_before  # the client threads (and the mail sink's thread)
    machine_busy, machine_all = (b - a for a, b in zip(machine_before, machine_times(), strict=True))
    after = {name: snapshot(pid) for name, pid in roots.items()}
    mail_backends |= backend_pids("mail")
    web_db_pids = set(after["db"]) - mail_backends - bench_backend
    result = outcome(event)
    web = delta(before["web"], after["web"])
    db = delta(before["db"], after["db"], web_db_pids)
    # What the mail worker took of the machine while the rush lasted (it runs on the same two cores).
    mail_during = delta(before["mail"], after["mail"]) + delta(before["db"], after["db"], mail_backends)

    # Mail: wait until the sink has every message, then count the worker and its database sessions.
    deadline = time.monotonic() + 300
    while sink.count < result["messages"] and time.monotonic() < deadline:
        time.sleep(0.1)
    mail_done = {name: snapshot(pid) for name, pid in roots.items()}
    mail_backends |= backend_pids("mail")
    mail = delta(before["mail"], mail_done["mail"]) + delta(before["db"], mail_done["db"], mail_backends)
    done = len(tally.signups)
    return {
        "concurrency": concurrency,
        "completed": done,
        "rate": done / elapsed,
        "elapsed": elapsed,
        "p50_request": percentile(tally.requests, 0.50) * 1000,
        "p95_request": percentile(tally.requests, 0.95) * 1000,
        "p50_signup": percentile(tally.signups, 0.50) * 1000,
        "p95_signup": percentile(tally.signups, 0.95) * 1000,
        "cpu_web": web / max(done, 1),
        "cpu_db": db / max(done, 1),
        "cpu_mail": mail / max(sink.count, 1),
        "mail_cores_during": mail_during / elapsed,
        "cpu_client": own / max(done, 1),
        "machine_busy": machine_busy / max(machine_all, 1e-9),
        "mails": sink.count,
        "requests_per": tally.request_count / max(done, 1),
        "errors": tally.errors,
        "error_samples": tally.error_samples,
        **result,
    }


def run_bare(*, people: int, concurrency: int, port: int, roots: dict) -> dict:
    """bench/bare.py's form at the same concurrency: its web+DB CPU-s per registration and its rate."""
    before = {name: snapshot(roots[name]) for name in ("bare", "db")}
    tally, elapsed = crowd(people, concurrency, lambda number, tally: bare_sign_up(port, number, tally))
    after = {name: snapshot(roots[name]) for name in ("bare", "db")}
    if tally.errors:
        raise SystemExit(f"the bare form failed: {tally.error_samples}")
    cpu = delta(before["bare"], after["bare"]) + delta(before["db"], after["db"], backend_pids("bare"))
    done = len(tally.signups)
    return {"cpu": cpu / max(done, 1), "rate": done / elapsed}


def table(results: list[dict]) -> str:
    lines = [
        "| concurrency | reg/s | p50 / p95 request (ms) | p50 / p95 sign-up (ms) | CPU-s/reg web+DB (web, DB) "
        "| CPU-s/mail | requests/reg | confirmed + waitlisted / seats | HTTP errors "
        "| bench CPU-s/reg (clients, sink) | machine busy | mail's cores during the rush "
        "| bare form CPU-s/reg (reg/s) | web+DB ÷ bare form |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['concurrency']} | {r['rate']:.1f} | {r['p50_request']:.0f} / {r['p95_request']:.0f} "
            f"| {r['p50_signup']:.0f} / {r['p95_signup']:.0f} "
            f"| {r['cpu_web'] + r['cpu_db']:.4f} ({r['cpu_web']:.4f}, {r['cpu_db']:.4f}) "
            f"| {r['cpu_mail']:.4f} ({r['mails']} mails) | {r['requests_per']:.1f} "
            f"| {r['confirmed']} + {r['waitlisted']} / {CAPACITY} | {r['errors']} "
            f"| {r['cpu_client']:.4f} | {r['machine_busy']:.0%} | {r['mail_cores_during']:.2f} "
            f"| {r['bare_cpu']:.4f} ({r['bare_rate']:.0f}) | {(r['cpu_web'] + r['cpu_db']) / r['bare_cpu']:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--concurrency", default="20,50", help="comma-separated, one run each")
    parser.add_argument(
        "--workers", type=int, default=5, help="gunicorn workers (default 5 = 2 x cores + 1, see README)"
    )
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    args = parser.parse_args()
    levels = [int(level) for level in args.concurrency.split(",")]

    handles = django_in_this_process("rush")
    var_dir = handles["var_dir"]
    from tests import services

    pg_data = services._started["pg"][2]
    processes = []
    try:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(BARE_TABLES)
        port, bare_port = free_port(), free_port()
        web = start_gunicorn(port, args)
        processes.append(web)
        bare = start_gunicorn(bare_port, args, name="bare")
        processes.append(bare)
        mail = start_celery(var_dir / "celery.log")
        processes.append(mail)
        roots = {"web": web.pid, "db": postmaster_pid(pg_data), "mail": mail.pid, "bare": bare.pid}
        # Warm-up (not counted): a worker loads code, templates, each language's catalogues and URL
        # patterns on first use (about 5 % of a run's CPU when left in); 40 sign-ups per worker in random
        # languages reach every worker in each of the seven languages.
        run(
            people=40 * args.workers,
            concurrency=args.workers,
            port=port,
            roots=roots,
            sink=handles["sink"],
            label="warmup",
        )
        run_bare(people=40 * args.workers, concurrency=args.workers, port=bare_port, roots=roots)
        results = []
        for level in levels:
            # The bare form just before and just after the run: the machine's speed in those minutes.
            bare_runs = [run_bare(people=args.people, concurrency=level, port=bare_port, roots=roots)]
            result = run(
                people=args.people,
                concurrency=level,
                port=port,
                roots=roots,
                sink=handles["sink"],
                label=f"c{level}",
            )
            bare_runs.append(run_bare(people=args.people, concurrency=level, port=bare_port, roots=roots))
            result["bare_cpu"] = statistics.mean(b["cpu"] for b in bare_runs)
            result["bare_rate"] = statistics.mean(b["rate"] for b in bare_runs)
            results.append(result)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(30)
        stop(handles)

    print(
        f"sign-up rush: {args.people} people per run, event of {CAPACITY} seats, 2 parallel slots x "
        f"{WORKSHOPS_PER_SLOT} workshops of {WORKSHOP_CAPACITY} seats"
    )
    print(
        f"gunicorn: {args.workers} {args.worker_class} workers x {args.threads} thread(s); Celery: prefork, 2 processes; "
        f"{os.cpu_count()} CPUs"
    )
    print(
        "bench-only settings: "
        + ", ".join(f"{key}={value}" for key, value in BENCH_SETTINGS.items())
        + " (production defaults: 3 s and 10 per minute per IP)"
    )
    print(table(results))
    for r in results:
        for sample in r["error_samples"]:
            print(f"  error at concurrency {r['concurrency']}: {sample}")
    if any(r["confirmed"] > CAPACITY for r in results):
        raise SystemExit("overbooked")


if __name__ == "__main__":
    main()
