from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from registrations import tasks
from registrations.models import Registration
from registrations.services import cancel
from tests.factories import EventFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db


def test_every_periodic_task_in_the_beat_schedule_exists():
    from config.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_expire_offers_task_runs_twice_like_once(time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    event = EventFactory(capacity=1, starts_at=now + timedelta(days=10))
    leaving, first, second = sign_up(event), sign_up(event), sign_up(event)
    cancel(registration_id=leaving.pk, now=now)
    time_machine.shift(timedelta(hours=49))
    assert tasks.expire_offers() == 1
    assert tasks.expire_offers() == 0
    assert reload(first).status == Registration.Status.EXPIRED
    assert reload(second).status == Registration.Status.OFFERED
