"""H13: the feedback beat asks a training series' mediators through a real Celery worker, Redis and SMTP:
run twice, one mail each, in her language, only to those who attended."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from fachtag.models import Event, TimeSlot
from feedback import tasks
from feedback.models import Survey
from mediators import services
from mediators.models import Enrolment, MediatorProfile, SessionRecord
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_beat_run_twice_mails_each_mediator_who_attended_once_in_her_language(smtp_sink, celery_worker):
    now = timezone.now()
    series = EventFactory(
        kind=Event.Kind.TRAINING,
        title_de="Sprachmittler-Fortbildung",
        title_ar="تدريب الوسطاء اللغويين",
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=3) + timedelta(hours=3),
    )
    slot = TimeSlotFactory(
        event=series, kind=TimeSlot.Kind.PLENARY, starts_at=series.starts_at, ends_at=series.ends_at
    )
    WorkshopFactory(slot=slot, title_de="Rollenklarheit")
    people = {}
    for email, language in (
        ("rana@example.org", "ar"),
        ("olga@example.org", "uk"),
        ("away@example.org", "de"),
    ):
        user = get_user_model().objects.create_user(email=email, password="a-long-password-1")
        people[email] = MediatorProfile.objects.create(user=user, language=language)
    services.enrol(event_id=series.pk)
    SessionRecord.objects.exclude(enrolment__mediator=people["away@example.org"]).update(attended=True)
    schedules = 3 * 2  # the schedule and the session invite each got at enrolment
    assert wait_until(lambda: len(smtp_sink.messages) >= schedules)

    tasks.open_due_surveys()
    tasks.open_due_surveys()  # before the worker has queued the first run's mails: both runs hand it the survey
    asked = lambda: [m for m in smtp_sink.messages if "/feedback/" in m.get_body(("plain",)).get_content()]  # noqa: E731
    assert wait_until(lambda: len(asked()) >= 2)
    time.sleep(0.5)  # nothing else may follow
    assert sorted(m["To"] for m in asked()) == ["olga@example.org", "rana@example.org"]
    [arabic] = [m for m in asked() if m["To"] == "rana@example.org"]
    enrolment = Enrolment.objects.get(mediator=people["rana@example.org"])
    assert "تدريب الوسطاء اللغويين" in arabic["Subject"]
    assert f"/ar/my/trainings/{enrolment.pk}/feedback/" in arabic.get_body(("plain",)).get_content()
    html = arabic.get_body(("html",)).get_content()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert Survey.objects.get(event=series).invitations_queued_at is not None
