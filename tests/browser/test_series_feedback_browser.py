"""H13: a mediator gives her feedback on a training series in the portal, per session, in Arabic on a phone,
then changes it (Chromium, production middleware, axe, 320 px in de and ar)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from fachtag.models import Event, TimeSlot
from feedback.models import Answer, Survey
from mediators import services
from mediators.models import Enrolment, MediatorProfile, SessionRecord
from tests.browser_support import axe_violations, log_in, open_form, submit
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_mediator_answers_for_her_series_per_session_and_changes_her_answer(page, live_server):
    now = timezone.now()
    series = EventFactory(
        kind=Event.Kind.TRAINING,
        title_de="Sprachmittler-Fortbildung mit einem sehr langen Titel über Rollenklarheit",
        title_ar="تدريب الوسطاء اللغويين حول وضوح الأدوار",
        starts_at=now - timedelta(days=9),
        ends_at=now - timedelta(days=2) + timedelta(hours=3),
    )
    sessions = []
    for days_ago, title in ((9, "Rollenklarheit im Dolmetschen"), (2, "Datenschutz in der Beratung")):
        slot = TimeSlotFactory(
            event=series,
            kind=TimeSlot.Kind.PLENARY,
            starts_at=now - timedelta(days=days_ago),
            ends_at=now - timedelta(days=days_ago) + timedelta(hours=3),
        )
        sessions.append(WorkshopFactory(slot=slot, title_de=title, title_ar=f"{title} (ar)"))
    user = get_user_model().objects.create_user(email="samira@example.org", password="a-long-password-1")
    MediatorProfile.objects.create(user=user, language="ar")
    services.enrol(event_id=series.pk)
    SessionRecord.objects.filter(enrolment__event=series).update(attended=True)
    Survey.objects.create(event=series, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=13))
    enrolment = Enrolment.objects.get()
    log_in(page, live_server, user)
    link = f"{live_server.url}/ar/my/trainings/{enrolment.pk}/feedback/"

    page.set_viewport_size({"width": 320, "height": 800})
    for language in ("de", "ar"):  # no horizontal scroll at 320 px: her form, and the portal offering it
        open_form(page, link.replace("/ar/", f"/{language}/"))
        assert scroll_width(page) <= 320, language
        page.goto(f"{live_server.url}/{language}/my/trainings/")
        assert page.locator(f"main a[href$='/my/trainings/{enrolment.pk}/feedback/']").is_visible()
        assert scroll_width(page) <= 320, language

    # The portal offers it while the survey is open; she follows it on her phone.
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/ar/my/trainings/")
    assert page.get_attribute("html", "dir") == "rtl" and axe_violations(page) == []
    page.click(f"main a[href$='/my/trainings/{enrolment.pk}/feedback/']")
    assert page.url == link and page.get_attribute("html", "lang") == "ar"
    assert axe_violations(page) == []
    submit(page, "main form button[type=submit]")  # nothing chosen: the error next to the question
    assert page.locator(".error-summary").is_visible() and Answer.objects.count() == 0
    page.get_by_label("جيد جدًا").first.check()  # the series overall: very good
    page.check(f"input[name=workshop_{sessions[0].pk}][value='4']")
    page.check(f"input[name=workshop_{sessions[1].pk}][value='2']")
    page.fill("#id_comment", "نحتاج إلى تمارين أكثر")
    submit(page, "main form button[type=submit]")
    assert page.url.endswith("/ar/my/trainings/") and page.locator(".kern-alert, [role=status]").count() >= 1
    answer = Answer.objects.get()
    assert (answer.overall, answer.workshops, answer.comment, answer.language) == (
        5,
        {str(sessions[0].pk): 4, str(sessions[1].pk): 2},
        "نحتاج إلى تمارين أكثر",
        "ar",
    )

    # She changes it from the portal, on the same phone.
    page.click(f"main a[href$='/my/trainings/{enrolment.pk}/feedback/']")
    assert page.is_checked("input[name=overall][value='5']")
    assert page.is_checked(f"input[name=workshop_{sessions[1].pk}][value='2']")
    assert scroll_width(page) <= 375 and axe_violations(page) == []
    page.check("input[name=overall][value='4']")
    page.check(f"input[name=workshop_{sessions[1].pk}][value='3']")
    submit(page, "main form button[type=submit]")
    answer.refresh_from_db()
    assert (answer.overall, answer.workshops[str(sessions[1].pk)]) == (4, 3) and Answer.objects.count() == 1

    # On another device (no key): a second answer is refused kindly, without a form.
    page.context.clear_cookies()
    log_in(page, live_server, user)
    page.goto(link)
    assert page.locator("main form").count() == 0 and Answer.objects.count() == 1
    assert axe_violations(page) == []
    assert page.foreign_requests == []
