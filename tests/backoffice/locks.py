"""Another transaction holding an event's row while a staff request runs: for the tests of Busy (CAP-08)."""

import threading
from contextlib import contextmanager

from django.db import connection, connections, transaction

from fachtag.models import Event


@contextmanager
def event_row_held(event_id: int):
    """Hold the event's row lock in another thread's transaction, and let this thread's connection (the
    request's) wait for a lock only briefly, so that a change that needs the row gives up with Busy."""
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        with transaction.atomic():
            Event.objects.select_for_update().get(pk=event_id)
            locked.set()
            release.wait(10)
        connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(5)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    try:
        yield
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
