"""The report of a training series (#25, H15) in Chromium, for a mediator-pool manager: reached from the
series page, axe-clean with no horizontal scroll at 320 px in German and Arabic, through the production
middleware; its figures as computed from known data (a session rated four times says "not shown"). And the
series' feedback survey window, set from the series page."""

import pytest

from accounts.services import set_staff_language
from backoffice.models import AuditEntry
from feedback.models import Survey
from tests.backoffice.test_series_report import known_feedback, known_series
from tests.browser.test_event_setup_browser import assert_success
from tests.browser_support import (
    OVERFLOWING,
    axe_violations,
    check_staff_page,
    log_in,
    open_form,
    submit,
)
from tests.factories import berlin, mediator_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_SHOWN = {"de": "weniger als 5 Antworten: nicht gezeigt", "ar": "أقل من 5 إجابات: لا يُعرض"}


def test_the_series_report_reads_at_320_px_in_german_and_arabic(page, live_server):
    event, _last, _sessions = known_feedback()
    manager = mediator_manager()
    log_in(page, live_server, manager)
    page.set_viewport_size({"width": 320, "height": 740})
    set_staff_language(user=manager, language="de")
    open_form(page, f"{live_server.url}/staff/mediators/trainings/{event.slug}/")
    page.locator(f'a[href="/staff/events/{event.slug}/report/"]').click()
    page.wait_for_url(f"**/staff/events/{event.slug}/report/")
    address = page.url
    for language, direction in (("de", "ltr"), ("ar", "rtl")):
        set_staff_language(user=manager, language=language)
        open_form(page, address)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == direction
        assert page.locator('svg[role="img"]').count() == 3 + 3
        first = page.locator('section[aria-labelledby="report-sessions"] tbody tr').first
        assert first.locator("td").all_inner_texts() == ["71", "5", "1", "5", "2", "0"]
        rated = page.locator('section[aria-labelledby="report-feedback_workshops"] tbody tr')
        four = rated.filter(has_text="Dolmetschen im Jobcenter")
        assert four.locator("td").count() == 1 and four.locator("td").inner_text() == NOT_SHOWN[language]
        assert page.locator('section[aria-labelledby="report-feedback_next_steps"]').count() == 0
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.evaluate(
            OVERFLOWING
        )
        assert axe_violations(page) == [], language
    assert page.csp_errors == [] and page.foreign_requests == []


def test_a_pool_manager_sets_the_survey_window_of_a_series(page, live_server):
    """The feedback survey's window (H14) for a training series, from its series page: same form, the
    series' words and way back; saved and audited."""
    event, _last, _sessions = known_series()
    manager = mediator_manager()
    log_in(page, live_server, manager)
    set_staff_language(user=manager, language="de")
    open_form(page, f"{live_server.url}/staff/mediators/trainings/{event.slug}/")
    with page.expect_navigation():
        page.click(f"main a[href='/staff/events/{event.slug}/feedback/']")
    check_staff_page(page, manager)
    assert "jede Mittlerin" in page.locator("main").inner_text()
    assert page.input_value("#id_opens_at") == "2099-02-27T09:00"  # the morning after the last session
    page.fill("#id_opens_at", "2099-02-27T10:00")
    page.fill("#id_closes_at", "2099-03-13T18:00")
    submit(page, "#form button[type=submit]")
    assert_success(page)
    survey = Survey.objects.get(event=event)
    assert (survey.opens_at, survey.closes_at) == (berlin(2099, 2, 27, 10, 0), berlin(2099, 3, 13, 18, 0))
    assert AuditEntry.objects.filter(action="feedback_window", event=event, actor=manager).count() == 1
    back = page.get_by_role("link", name="Zurück zur Reihe")
    assert back.get_attribute("href") == f"/staff/mediators/trainings/{event.slug}/"
    assert page.csp_errors == [] and page.foreign_requests == []
