"""Where a sign-up's time goes: the rush's three requests, in-process, under cProfile and a query count.

    .venv/bin/python bench/rush_profile.py [--people 200] [--top 25] [--step get|post|done] [--match REGEX]

The same stack and settings as bench/rush (PostgreSQL, Redis, DEBUG off, production settings), but the
requests go through Django's WSGI handler in this process (django.test.Client), so cProfile sees
everything the server does for them. Prints the queries per request and the functions with the most
cumulative time for the chosen step (default: all three together).
"""

import argparse
import cProfile
import pstats
import time
import urllib.parse

from _stack import stop
from rush import HIDDEN, LANGUAGES, RADIO, create_event, django_in_this_process


def one_signup(client, slug: str, number: int, profiles: dict, queries: dict, cpu: dict) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = f"/de/events/{slug}/signup/"

    def step(name, call):
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            if profiles:
                profiles[name].enable()
            response = call()
            if profiles:
                profiles[name].disable()
            cpu[name] += time.process_time() - started
        queries[name].append(len(captured))
        return response

    page = step("get", lambda: client.get(path)).content.decode()
    slots = {}
    for name, value in RADIO.findall(page):
        slots.setdefault(name, value)
    form = {
        **dict(HIDDEN.findall(page)),
        "name": f"Teilnehmerin {number}",
        "email": f"profile-{number}@example.org",
        "language": LANGUAGES[number % len(LANGUAGES)],
        "privacy_consent": "on",
        **slots,
    }
    # Form-encoded like a browser's post (the test client would send multipart by default).
    body = urllib.parse.urlencode(form)
    response = step("post", lambda: client.post(path, body, content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 302, response.content[:500]
    assert step("done", lambda: client.get(response["Location"])).status_code == 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--step", choices=["get", "post", "done"], default=None)
    parser.add_argument(
        "--plain", action="store_true", help="only the CPU per step, without the profiled pass"
    )
    parser.add_argument("--match", default="", help="only functions whose file:line(name) matches this regex")
    args = parser.parse_args()
    handles = django_in_this_process("rush")
    try:
        from django.test import Client

        # The server answers on 127.0.0.1 (ALLOWED_HOSTS); the test client's default host is testserver.
        client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
        event = create_event("profile")
        steps = ("get", "post", "done")
        plain = {name: 0.0 for name in steps}
        for number in range(args.people):  # without the profiler: what each step costs
            one_signup(client, event.slug, 10_000 + number, {}, {k: [] for k in steps}, plain)
        profiles = {name: cProfile.Profile(time.process_time) for name in steps}  # CPU, not waiting
        queries = {name: [] for name in steps}
        for number in range(args.people if not args.plain else 1):
            one_signup(client, event.slug, number, profiles, queries, {k: 0.0 for k in steps})
    finally:
        stop(handles)
    print(f"{args.people} sign-ups in-process, CPU of this process per step without the profiler:")
    for name, counts in queries.items():
        print(
            f"  {name}: {plain[name] / args.people * 1000:.1f} ms, queries min {min(counts)}, max {max(counts)}"
        )
    if args.plain:
        return
    chosen = [profiles[args.step]] if args.step else list(profiles.values())
    stats = pstats.Stats(chosen[0])
    for profile in chosen[1:]:
        stats.add(profile)
    restrictions = [args.match, args.top] if args.match else [args.top]
    stats.sort_stats("cumulative").print_stats(*restrictions)
    stats.sort_stats("tottime").print_stats(*restrictions)


if __name__ == "__main__":
    main()
