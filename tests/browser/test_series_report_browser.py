"""The report of a training series (#25, H15) in Chromium, for a mediator-pool manager: reached from the
series page, axe-clean with no horizontal scroll at 320 px in German and Arabic, through the production
middleware; its figures as computed from known data (a session rated four times says "not shown")."""

import pytest

from accounts.services import set_staff_language
from tests.backoffice.test_series_report import known_feedback
from tests.browser_support import OVERFLOWING, axe_violations, log_in, open_form
from tests.factories import mediator_manager

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
