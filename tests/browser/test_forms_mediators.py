"""The mediators' forms (invitation, profile, replies, calendar address) and the organisers' pages for
the pool and a training series, filled and sent in Chromium through the production middleware."""

from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice.models import AuditEntry
from fachtag.models import Event, TimeSlot, Workshop
from mediators import services
from mediators.models import Enrolment, MediatorProfile, SessionRecord
from notifications.models import OutboxMessage
from tests.browser_support import log_in, open_form, submit
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin, mediator_manager
from tests.registrations.helpers import reload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def series():
    event = EventFactory(
        kind=Event.Kind.TRAINING,
        slug="sprachmittlung",
        title_de="Fortbildungsreihe",
        starts_at=berlin(2099, 2, 1, 16, 0),
        ends_at=berlin(2099, 6, 1, 19, 0),
    )
    for month in (2, 3):
        slot = TimeSlotFactory(
            event=event,
            kind=TimeSlot.Kind.PLENARY,
            starts_at=berlin(2099, month, 5, 16, 0),
            ends_at=berlin(2099, month, 5, 19, 0),
        )
        WorkshopFactory(slot=slot, title_de=f"Thema {month}")
    return event


def test_an_invited_mediator_sets_her_password_fills_her_profile_and_replies_in_arabic(
    page, live_server, series
):
    (profile,) = services.invite(emails=["samira@example.org"], language="ar")
    services.enrol(event_id=series.pk)
    token = services.invitation_token(profile.user)

    open_form(page, f"{live_server.url}/ar/mediators/invitation/{token}/")
    page.fill("#id_new_password1", "Sonnenblume-Leipzig-2099")
    page.fill("#id_new_password2", "Sonnenblume-Leipzig-2099")
    submit(page, "#form button[type=submit]")
    assert page.url == f"{live_server.url}/ar/my/profile/"
    assert reload(profile.user).check_password("Sonnenblume-Leipzig-2099")

    page.fill("#id_first_name", "Samira")
    page.fill("#id_last_name", "Nouri")
    page.select_option("#id_language", "fa")
    submit(page, "#form button[type=submit]")
    assert page.url == f"{live_server.url}/ar/my/trainings/"
    assert page.locator(".kern-alert--success").count() == 1
    assert reload(profile.user).get_full_name() == "Samira Nouri"
    assert reload(profile).language == "fa"

    record = SessionRecord.objects.filter(enrolment__mediator=profile).order_by("session__slot__starts_at")[0]
    page.check(f"#answer-{record.pk}-absent")
    page.fill(f"#reason-{record.pk}", "Arzttermin")
    submit(page, f"form:has(#reason-{record.pk}) button[type=submit]")
    assert page.url == f"{live_server.url}/ar/my/trainings/"
    assert page.locator(".kern-alert--success").count() == 1
    assert (reload(record).reply, record.reason) == ("absent", "Arzttermin")

    old_feed = profile.feed_token
    submit(page, "form[action$='/feed/renew/'] button")
    assert page.locator(".kern-alert--success").count() == 1
    assert reload(profile).feed_token != old_feed


def test_an_organiser_invites_deactivates_enrols_and_records_attendance(page, live_server, series):
    staff = mediator_manager(email="office@example.org")
    log_in(page, live_server, staff)
    pool = f"{live_server.url}/staff/mediators/"

    open_form(page, pool)
    page.fill("#id_emails", "a@example.org, b@example.org")
    submit(page, "#form button[type=submit]")
    assert page.url == pool
    assert page.locator(".kern-alert--success").count() == 1
    assert OutboxMessage.objects.filter(kind="mediator_invitation").count() == 2

    leaving = MediatorProfile.objects.get(user__email="b@example.org")
    submit(page, f"form[action$='/{leaving.pk}/active/'] button")
    assert page.url == pool
    assert reload(leaving).is_active is False

    open_form(page, f"{pool}trainings/{series.slug}/")
    page.check("#id_everyone")
    submit(page, "#form button[type=submit]")
    assert page.url == f"{pool}trainings/{series.slug}/"
    (enrolment,) = Enrolment.objects.filter(event=series)
    assert enrolment.mediator.user.email == "a@example.org"

    session = Workshop.objects.filter(slot__event=series).order_by("slot__starts_at").first()
    # Attendance is for sessions that have begun: this one was this morning.
    begun = timezone.now() - timedelta(hours=3)
    Event.objects.filter(pk=series.pk).update(starts_at=begun - timedelta(days=1))
    TimeSlot.objects.filter(pk=session.slot_id).update(starts_at=begun, ends_at=begun + timedelta(hours=2))
    record = SessionRecord.objects.get(session=session, enrolment=enrolment)
    open_form(page, f"{pool}trainings/{series.slug}/sessions/{session.pk}/attendance/")
    page.check(f"#present-{record.pk}")
    submit(page, "main form button[type=submit]")
    assert page.url == f"{pool}trainings/{series.slug}/"
    assert reload(record).attended is True
    assert record.attendance_recorded_by == staff
    # Each action is in the audit log, by this organiser (#25, H16).
    assert list(AuditEntry.objects.order_by("pk").values_list("actor__email", "action")) == [
        ("office@example.org", "mediator_invite"),
        ("office@example.org", "mediator_deactivate"),
        ("office@example.org", "mediator_enrol"),
        ("office@example.org", "mediator_attendance"),
    ]
