"""PRIV-04: per-event retention, applied by a daily task in idempotent steps; only the figures stay."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from fachtag.models import Event
from notifications.models import OutboxMessage
from registrations import tasks
from registrations.models import Child, Registration
from registrations.services import privacy
from registrations.tokens import make_token
from tests.factories import EventFactory
from tests.privacy.conftest import SENSITIVE, dashboard, database_dump, identifying_strings, tables_containing

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_daily_task(monkeypatch):
    """The beat task with its per-event tasks run at once (they are queued with ids only)."""
    queued = []

    def run_now(task):
        def delay(*args):
            queued.append((task.name, args))
            assert all(isinstance(arg, int) for arg in args)
            return task(*args)

        return delay

    for task in (tasks.delete_sensitive_event_data, tasks.anonymise_event):
        monkeypatch.setattr(task, "delay", run_now(task))

    def run():
        return tasks.anonymise_due_events()

    run.queued = queued
    return run


def test_defaults_are_14_days_for_sensitive_details_and_90_for_the_rest():
    event = Event()
    assert (event.sensitive_retention_days, event.retention_days) == (14, 90)


def test_sensitive_details_cannot_be_kept_longer_than_the_rest(populated):
    event = populated["event"]
    event.sensitive_retention_days, event.retention_days = 30, 20
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert "sensitive_retention_days" in error.value.message_dict


def test_nothing_changes_before_the_sensitive_deadline(populated, time_machine, run_daily_task):
    event = populated["event"]
    before = database_dump()
    time_machine.move_to(event.ends_at + timedelta(days=14) - timedelta(minutes=1), tick=False)

    assert run_daily_task() == {"sensitive": 0, "anonymise": 0}
    assert privacy.delete_sensitive_event_data(event_id=event.pk, now=event.ends_at) == 0
    assert privacy.anonymise_event(event_id=event.pk, now=event.ends_at + timedelta(days=89)) == 0
    assert database_dump() == before


def test_after_14_days_sensitive_details_go_and_the_rest_stays(populated, time_machine, run_daily_task):
    event = populated["event"]
    figures = dashboard(event)
    time_machine.move_to(event.ends_at + timedelta(days=14, minutes=1), tick=False)

    assert run_daily_task() == {"sensitive": 1, "anonymise": 0}

    assert tables_containing(SENSITIVE) == {}
    yasmin = Registration.objects.get(pk=populated["people"][0].pk)
    assert yasmin.name == "Yasmin Okonkwo-Privat" and yasmin.email == "yasmin.privat@example.org"
    assert yasmin.accessibility_consent_at is not None  # the consent record stays as evidence
    # Each child's age becomes the lower bound of her group: the places per age group are unchanged.
    assert sorted(Child.objects.filter(registration=yasmin).values_list("age", flat=True)) == [0, 3]
    assert dashboard(event) == figures
    event.refresh_from_db()
    assert event.sensitive_data_deleted_at is not None and event.anonymised_at is None
    assert run_daily_task() == {"sensitive": 0, "anonymise": 0}


def test_after_90_days_nothing_identifies_anyone_and_the_figures_are_unchanged(
    populated, time_machine, run_daily_task, client, caplog
):
    event, people = populated["event"], populated["people"]
    admin_edit = LogEntry.objects.create(
        user=populated["organiser"],
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(people[2].pk),
        object_repr=str(people[2]),
        action_flag=CHANGE,
        change_message="Mai Nguyen-Privat: Telefon geändert",
    )
    figures = dashboard(event)
    manage_url = f"/de/r/{make_token(people[0])}/"
    assert client.get(manage_url).status_code == 200
    assert tables_containing(identifying_strings())  # the scan does find them before
    time_machine.move_to(event.ends_at + timedelta(days=90, minutes=1), tick=False)

    with caplog.at_level("DEBUG"):
        assert run_daily_task() == {"sensitive": 0, "anonymise": 1}

    assert "4 registrations anonymised" in caplog.text  # logged, without the data
    assert not [s for s in identifying_strings() if s.lower() in caplog.text.lower()]
    left = tables_containing(identifying_strings())
    # The other event's participant is not due yet; everything else is gone, outbox bodies included.
    assert set(left) <= {"registrations.Registration.name", "registrations.Registration.email"}
    assert set(sum(left.values(), [])) <= {"Zofia Andere-Veranstaltung", "zofia.andere@example.org"}
    assert dashboard(event) == figures
    assert (
        not OutboxMessage.objects.exclude(to=privacy.ANONYMOUS_RECIPIENT)
        .exclude(to="zofia.andere@example.org")
        .exists()
    )
    assert client.get(manage_url).status_code == 404  # her personal link no longer works
    admin_edit.refresh_from_db()
    assert admin_edit.object_repr == ""
    event.refresh_from_db()
    assert event.anonymised_at is not None


def test_running_again_changes_nothing(populated, time_machine, run_daily_task):
    event = populated["event"]
    time_machine.move_to(event.ends_at + timedelta(days=91), tick=False)
    run_daily_task()
    after_first = database_dump()

    assert run_daily_task() == {"sensitive": 0, "anonymise": 0}
    assert privacy.anonymise_event(event_id=event.pk, now=event.ends_at + timedelta(days=92)) == 0
    assert privacy.delete_sensitive_event_data(event_id=event.pk, now=event.ends_at + timedelta(days=92)) == 0
    assert database_dump() == after_first


def test_a_run_cut_short_is_finished_by_the_next(populated, time_machine, monkeypatch):
    event = populated["event"]
    monkeypatch.setattr(privacy, "BATCH_SIZE", 2)
    original = privacy.anonymise_registrations
    calls = []

    def crash_after_first_batch(**kwargs):
        if calls:
            raise RuntimeError("worker lost")
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(privacy, "anonymise_registrations", crash_after_first_batch)
    now = event.ends_at + timedelta(days=91)
    with pytest.raises(RuntimeError):
        privacy.anonymise_event(event_id=event.pk, now=now)
    event.refresh_from_db()
    assert event.anonymised_at is None
    assert Registration.objects.filter(event=event, name="").count() == 2

    monkeypatch.setattr(privacy, "anonymise_registrations", original)
    assert privacy.anonymise_event(event_id=event.pk, now=now) == 2
    assert not Registration.objects.filter(event=event).exclude(name="").exists()


def test_each_event_uses_its_own_periods(db):
    short = EventFactory(retention_days=30, sensitive_retention_days=7)
    usual = EventFactory(starts_at=short.starts_at, ends_at=short.ends_at)
    short.refresh_from_db()  # times in UTC: a day is 24 hours, also across the change to summer time

    due = privacy.due_events(now=short.ends_at + timedelta(days=8))
    assert (due.sensitive, due.anonymise) == ([short.pk], [])
    due = privacy.due_events(now=short.ends_at + timedelta(days=31))
    assert (sorted(due.sensitive), due.anonymise) == ([usual.pk], [short.pk])


@pytest.mark.parametrize(
    ("task", "at"),
    [
        ("registrations.tasks.anonymise_due_events", "03:15"),
        ("backoffice.tasks.forget_old_audit_ips", "03:45"),
    ],
)
def test_the_daily_jobs_run_at_a_time_of_day_so_a_restart_never_postpones_them(
    settings, time_machine, task, at
):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}[task]
    berlin = ZoneInfo("Europe/Berlin")
    hour, minute = map(int, at.split(":"))
    ran = datetime(2027, 3, 10, hour, minute, tzinfo=berlin)
    # Beat restarted at 14:00: with "every 24 hours from start" the next run would be tomorrow at 14:00.
    time_machine.move_to(datetime(2027, 3, 10, 14, 0, tzinfo=berlin), tick=False)
    due, _next = schedule.is_due(ran)
    assert not due
    assert schedule.remaining_estimate(ran) == datetime(2027, 3, 11, hour, minute, tzinfo=berlin) - datetime(
        2027, 3, 10, 14, 0, tzinfo=berlin
    )
    # Beat was down over night and comes back at 05:00: the missed run is due at once.
    time_machine.move_to(datetime(2027, 3, 11, 5, 0, tzinfo=berlin), tick=False)
    assert schedule.is_due(ran)[0]


def test_an_address_in_the_anonymous_domain_does_not_escape_anonymisation(populated):
    event = populated["event"]
    sly = populated["people"][2]
    Registration.objects.filter(pk=sly.pk).update(email=f"someone@{privacy.ANONYMOUS_DOMAIN}")

    privacy.anonymise_event(event_id=event.pk, now=event.ends_at + timedelta(days=91))

    sly.refresh_from_db()
    assert (sly.name, sly.email) == ("", privacy.anonymous_email(sly.pk))
    assert privacy.is_anonymised(sly)
