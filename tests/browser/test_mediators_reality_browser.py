"""Issue #24 in Chromium through the production middleware: attendance refused for a session that has
not begun, the set-password form's error summary naming its fields, the portal with past and future
sessions; axe clean and no horizontal scrolling at 320 px on each of these pages."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from fachtag.models import Event, TimeSlot, Workshop
from mediators import services
from mediators.models import MediatorProfile, SessionRecord
from tests.browser_support import axe_violations, log_in, open_form, submit
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, mediator_manager
from tests.registrations.helpers import reload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def series():
    """A series running now: two sessions that took place, one ahead."""
    now = timezone.now().replace(microsecond=0)
    event = EventFactory(
        kind=Event.Kind.TRAINING,
        slug="fortbildung",
        title_de="Sprachmittler-Fortbildung",
        title_ar="تدريب الوسطاء اللغويين",
        starts_at=now - timedelta(days=60),
        ends_at=now + timedelta(days=60),
        min_sessions_for_certificate=2,
    )
    for number, days in enumerate((-30, -1, 30), start=1):
        start = now + timedelta(days=days)
        slot = TimeSlotFactory(
            event=event, kind=TimeSlot.Kind.PLENARY, starts_at=start, ends_at=start + timedelta(hours=3)
        )
        WorkshopFactory(slot=slot, title_de=f"Thema {number}", title_ar=f"موضوع {number}")
    return event


def sessions(series) -> list[Workshop]:
    return list(Workshop.objects.filter(slot__event=series).order_by("slot__starts_at"))


def scrolls_at_320(page) -> bool:
    page.set_viewport_size({"width": 320, "height": 800})
    wider = page.evaluate("document.documentElement.scrollWidth") > 320
    page.set_viewport_size({"width": 1280, "height": 900})
    return wider


def test_attendance_for_a_session_moved_ahead_is_refused_beside_the_staff_form(page, live_server, series):
    user = get_user_model().objects.create_user(
        email="leyla.demir@example.org", password="x" * 12, first_name="Leyla", last_name="Demir"
    )
    profile = MediatorProfile.objects.create(user=user, language="ar")
    services.enrol(event_id=series.pk)
    log_in(page, live_server, mediator_manager("office@example.org"))
    page.set_extra_http_headers({"Accept-Language": "de"})  # the back office follows the browser's language
    _first, second, third = sessions(series)
    base = f"{live_server.url}/staff/mediators/trainings/{series.slug}/sessions"

    # A session ahead: no tick boxes, but when attendance can be recorded.
    open_form(page, f"{base}/{third.pk}/attendance/")
    assert page.locator("input[type=checkbox]").count() == 0
    assert "Die Anwesenheit kann ab" in page.locator("main").inner_text()
    assert axe_violations(page) == [] and not scrolls_at_320(page)

    # Yesterday's session, opened; meanwhile a colleague moves it to next week. The form she sends is refused.
    open_form(page, f"{base}/{second.pk}/attendance/")
    mine = SessionRecord.objects.get(session=second, enrolment__mediator=profile)
    page.check(f"#present-{mine.pk}")
    later = timezone.now() + timedelta(days=7)
    TimeSlot.objects.filter(pk=second.slot_id).update(starts_at=later, ends_at=later + timedelta(hours=3))
    submit(page, "#form button[type=submit]")
    assert page.url == f"{base}/{second.pk}/attendance/"
    summary = page.locator(".error-summary a")
    assert summary.count() == 1 and "kann ab" in summary.inner_text()
    error = page.locator("#present-error")
    assert error.is_visible() and "kann ab" in error.inner_text()
    assert page.is_checked(f"#present-{mine.pk}")  # what she ticked is still there
    assert page.title().startswith("Fehler:")
    summary.click()
    assert page.evaluate("document.activeElement.id") == f"present-{mine.pk}"
    assert reload(mine).attended is None and reload(mine).attendance_recorded_at is None
    assert axe_violations(page) == [] and not scrolls_at_320(page)
    assert page.foreign_requests == [] and page.csp_errors == []


def test_her_set_password_errors_name_their_fields_and_her_portal_offers_replies_only_ahead(
    page, live_server, series
):
    (profile,) = services.invite(emails=["leyla.demir@example.org"], names={}, language="ar")
    services.enrol(event_id=series.pk)
    first, second, third = sessions(series)
    staff = mediator_manager("office@example.org")
    present = SessionRecord.objects.get(session=first, enrolment__mediator=profile).pk
    services.record_attendance(session_id=first.pk, present_record_ids={present}, recorded_by=staff)
    path = f"/mediators/invitation/{services.invitation_token(profile.user)}/"

    expected = {
        "de": ("Geben Sie Ihr neues Passwort ein.", "Geben Sie Ihr neues Passwort ein zweites Mal ein"),
        "ar": ("أدخلوا كلمة المرور الجديدة.", "أدخلوا كلمة المرور الجديدة مرة ثانية"),
    }
    for language, (first_error, second_error) in expected.items():
        open_form(page, f"{live_server.url}/{language}{path}")
        submit(page, "#form button[type=submit]")
        links = page.locator(".error-summary a")
        assert links.count() == 2
        assert links.nth(0).get_attribute("href") == "#id_new_password1"
        assert links.nth(1).get_attribute("href") == "#id_new_password2"
        assert links.nth(0).inner_text() == first_error
        assert links.nth(1).inner_text().startswith(second_error)
        assert page.locator("#id_new_password1_error").inner_text().strip() == first_error
        links.nth(1).click()
        assert page.evaluate("document.activeElement.id") == "id_new_password2"
        assert axe_violations(page) == [] and not scrolls_at_320(page)

    page.fill("#id_new_password1", "Sonnenblume-Leipzig-2099")
    page.fill("#id_new_password2", "Sonnenblume-Leipzig-2099")
    submit(page, "#form button[type=submit]")
    assert page.url.split("#")[0] == f"{live_server.url}/ar/my/profile/"

    records = {
        session: SessionRecord.objects.get(session=session, enrolment__mediator=profile)
        for session in (first, second, third)
    }
    for language in ("ar", "de"):
        open_form(page, f"{live_server.url}/{language}/my/trainings/")
        assert page.locator(f"#reason-{records[first].pk}").count() == 0
        assert page.locator(f"#reason-{records[second].pk}").count() == 0
        assert page.locator(f"#reason-{records[third].pk}").count() == 1
        assert page.locator("input[name=answer]").count() == 2
        assert axe_violations(page) == [] and not scrolls_at_320(page)
    main = page.locator("main").inner_text()
    assert "Anwesenheit: teilgenommen" in main and "Anwesenheit: noch nicht erfasst." in main

    page.check(f"#answer-{records[third].pk}-absent")
    page.fill(f"#reason-{records[third].pk}", "Arzttermin")
    submit(page, f"form:has(#reason-{records[third].pk}) button[type=submit]")
    assert page.locator(".kern-alert--success").count() == 1
    assert (reload(records[third]).reply, records[third].reason) == ("absent", "Arzttermin")
    assert page.foreign_requests == [] and page.csp_errors == []


def test_a_certificate_comes_only_once_the_minimum_of_sessions_that_took_place_is_recorded(
    page, live_server, series
):
    """The organiser records attendance through the staff form, session by session: after one of the two
    sessions needed nothing is issued; after the second she is sent her certificate, dated on that
    session's day, and downloads it from her portal under the series' and her name."""
    from notifications.models import OutboxMessage

    user = get_user_model().objects.create_user(
        email="leyla.demir@example.org", password="x" * 12, first_name="Leyla", last_name="Demir"
    )
    profile = MediatorProfile.objects.create(user=user, language="de")
    services.enrol(event_id=series.pk)
    first, second, _third = sessions(series)
    log_in(page, live_server, mediator_manager("office@example.org"))
    base = f"{live_server.url}/staff/mediators/trainings/{series.slug}/sessions"

    for number, session in enumerate((first, second), start=1):
        open_form(page, f"{base}/{session.pk}/attendance/")
        page.check(f"#present-{SessionRecord.objects.get(session=session, enrolment__mediator=profile).pk}")
        submit(page, "#form button[type=submit]")
        sent = OutboxMessage.objects.filter(kind="training_certificate", to=user.email)
        assert sent.count() == (0 if number == 1 else 1), number
    enrolment = profile.enrolments.get()
    assert timezone.localtime(reload(enrolment).certificate_sent_at) is not None

    log_in(page, live_server, user)
    open_form(page, f"{live_server.url}/de/my/trainings/")
    link = page.get_by_role("link", name="Teilnahmebescheinigung herunterladen (PDF)")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Zertifikat-Sprachmittler-Fortbildung-Leyla-Demir.pdf"
    assert axe_violations(page) == [] and not scrolls_at_320(page)
