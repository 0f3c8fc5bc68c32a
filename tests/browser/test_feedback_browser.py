"""H10: she answers the feedback survey in Arabic on a phone, then changes her answer (Chromium, production
middleware, axe)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import services
from feedback.models import Answer, Survey
from registrations.models import Registration
from tests.browser_support import axe_violations, open_form, submit
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_she_answers_in_arabic_at_375_pixels_and_changes_her_answer(page, live_server):
    now = timezone.now()
    event = EventFactory(starts_at=now - timedelta(days=1, hours=8), interpreting_languages=["ar"])
    slot = TimeSlotFactory(event=event)
    workshop = WorkshopFactory(slot=slot, title_de="Anerkennung ausländischer Abschlüsse")
    registration = sign_up(event, workshop, now=now - timedelta(days=20), interpreting_language="ar")
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=event.starts_at)
    Survey.objects.create(event=event, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=13))
    link = f"{live_server.url}/ar/feedback/{services.make_token(registration)}/"

    for language in ("de", "ar"):  # no horizontal scroll at 320 px
        page.set_viewport_size({"width": 320, "height": 800})
        open_form(page, link.replace("/ar/", f"/{language}/"))
        assert scroll_width(page) <= 320, language
    page.set_viewport_size({"width": 375, "height": 812})
    open_form(page, link)
    assert page.get_attribute("html", "lang") == "ar" and page.get_attribute("html", "dir") == "rtl"
    assert axe_violations(page) == []
    submit(page, "main form button[type=submit]")  # nothing chosen: errors next to the questions
    assert page.locator(".error-summary").is_visible() and Answer.objects.count() == 0
    page.get_by_label("جيد جدًا").first.check()  # the day overall: very good
    page.check(f"input[name=workshop_{workshop.pk}][value='4']")
    page.check("input[name=interpreting][value='3']")
    page.check("input[name=next_steps][value='recognition']")
    page.fill("#id_comment", "شكرًا على الترجمة")
    submit(page, "main form button[type=submit]")
    assert page.get_attribute("html", "dir") == "rtl" and axe_violations(page) == []
    answer = Answer.objects.get()
    assert (answer.overall, answer.workshops, answer.interpreting, answer.next_steps) == (
        5,
        {str(workshop.pk): 4},
        3,
        ["recognition"],
    )

    page.click("main a[href*='/change/']")
    assert page.is_checked("input[name=overall][value='5']") and page.is_checked("input[value='recognition']")
    assert scroll_width(page) <= 375 and axe_violations(page) == []
    page.check("input[name=overall][value='4']")
    page.check("input[name=next_steps][value='job']")
    submit(page, "main form button[type=submit]")
    answer.refresh_from_db()
    assert (answer.overall, answer.next_steps) == (4, ["job", "recognition"])

    page.goto(link)  # her link again, with her key: to her answer
    assert "/change/" in page.url
    page.context.clear_cookies()
    page.goto(link)  # without it: refused kindly, no form
    assert page.locator("main form").count() == 0 and Answer.objects.count() == 1
