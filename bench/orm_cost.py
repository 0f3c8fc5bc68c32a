"""What one database statement of the sign-up costs this process: Django's ORM against a plain cursor.

    .venv/bin/python bench/orm_cost.py [--repeat 500]

The sign-up's CPU is mostly statements: this prints the CPU time (time.process_time, so waiting for
PostgreSQL is left out) of each kind of statement the sign-up transaction makes, through the ORM as the
services write it and as the same SQL on a plain cursor, each in its own transaction, and the ratio.
A transaction with one trivial statement (BEGIN, SELECT 1, COMMIT) is the floor every line includes; the
last column is what the ORM adds to the same statement (building the SQL, making model instances). Same stack and
settings as bench/rush (PostgreSQL, production settings); numbers move with the machine, ratios less.
"""

import argparse
import time

from _stack import stop
from rush import create_event, django_in_this_process


def cases(event, workshop_ids):
    from django.db import connection, transaction
    from django.utils import timezone

    from fachtag.models import Event, Workshop
    from registrations.models import Registration
    from registrations.services.locking import (
        EVENT_STATE,
        EVENT_STATE_SQL,
        LOCKED,
        WORKSHOP_STATE,
        WORKSHOPS_STATE_SQL,
    )

    def cursor(sql, params=()):
        with connection.cursor() as c:
            c.execute(sql, params)
            return c.fetchall() if c.description else None

    def new_registration():
        registration = Registration(
            event_id=event.pk,
            name="Amal",
            email="amal@example.org",
            language="ar",
            status="confirmed",
            privacy_consent_at=timezone.now(),
        )
        registration.save(force_insert=True)

    insert_sql = (
        "INSERT INTO registrations_registration (uuid, event_id, name, email, language, status, phone, "
        "organisation, interpreting_language, interpreting_other, accessibility_needs, childcare_notes, "
        "privacy_consent_at, privacy_notice_version, token_version, calendar_sequence, calendar_day_sent, "
        "reminders_opt_out, created_at, updated_at) VALUES (gen_random_uuid(), %s, 'Amal', 'amal@example.org', "
        "'ar', 'confirmed', '', '', '', '', '', '', now(), '', 1, 0, false, false, now(), now()) RETURNING id"
    )
    return {
        "lock the event (49 columns)": (
            lambda: Event.objects.select_for_update().get(pk=event.pk),
            lambda: cursor("SELECT * FROM fachtag_event WHERE id = %s FOR UPDATE", [event.pk]),
        ),
        "lock two workshops with their slots": (
            lambda: list(
                Workshop.objects.select_for_update(of=("self",))
                .select_related("slot")
                .filter(pk__in=workshop_ids, slot__event_id=event.pk)
                .order_by("pk")
            ),
            lambda: cursor(
                "SELECT * FROM fachtag_workshop w JOIN fachtag_timeslot s ON s.id = w.slot_id "
                "WHERE w.id = ANY(%s) AND s.event_id = %s ORDER BY w.id FOR UPDATE OF w",
                [workshop_ids, event.pk],
            ),
        ),
        # What the sign-up reads under its locks: the state that decides a place (the cursor side is its SQL).
        "lock the event's state (9 values)": (
            lambda: Event.objects.select_for_update().values_list(*EVENT_STATE).get(pk=event.pk),
            lambda: cursor(EVENT_STATE_SQL + LOCKED[EVENT_STATE_SQL], [event.pk]),
        ),
        "lock two workshops' state (values)": (
            lambda: list(
                Workshop.objects.select_for_update(of=("self",))
                .filter(pk__in=workshop_ids, slot__event_id=event.pk)
                .order_by("pk")
                .values_list("pk", *WORKSHOP_STATE)
            ),
            lambda: cursor(WORKSHOPS_STATE_SQL + LOCKED[WORKSHOPS_STATE_SQL], [workshop_ids, event.pk]),
        ),
        "insert a registration": (new_registration, lambda: cursor(insert_sql, [event.pk])),
        "count a seat": (
            lambda: Event.objects.filter(pk=event.pk).update(seats_taken=0),
            lambda: cursor("UPDATE fachtag_event SET seats_taken = 0 WHERE id = %s", [event.pk]),
        ),
    }, transaction


def measure(call, transaction, repeat: int) -> float:
    """CPU milliseconds per call, each call in a transaction that is rolled back (nothing accumulates)."""

    def once():
        with transaction.atomic():
            call()
            transaction.set_rollback(True)

    for _ in range(repeat // 10):
        once()
    started = time.process_time()
    for _ in range(repeat):
        once()
    return (time.process_time() - started) / repeat * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=500)
    args = parser.parse_args()
    handles = django_in_this_process("ormcost")
    try:
        from django.db import connection
        from django.utils import translation

        from fachtag.models import Workshop

        translation.activate("ar")
        event = create_event("orm-cost")
        workshop_ids = list(Workshop.objects.filter(slot__event=event).values_list("pk", flat=True)[:2])
        measured, transaction = cases(event, workshop_ids)

        def select_one():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")

        floor = measure(select_one, transaction, args.repeat)
        print(
            f"CPU ms per statement in its own transaction, {args.repeat} times each (floor: empty "
            f"transaction with SELECT 1 = {floor:.2f} ms)"
        )
        print("| statement | ORM | cursor | ORM / cursor | the ORM's own work |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, (orm, raw) in measured.items():
            orm_ms, raw_ms = measure(orm, transaction, args.repeat), measure(raw, transaction, args.repeat)
            print(f"| {name} | {orm_ms:.2f} | {raw_ms:.2f} | {orm_ms / raw_ms:.1f} | {orm_ms - raw_ms:.2f} |")
    finally:
        stop(handles)


if __name__ == "__main__":
    main()
