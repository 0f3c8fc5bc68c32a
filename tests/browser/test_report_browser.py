"""The report (#25, H11) in Chromium: charts and tables axe-clean, no horizontal scroll at 320 px in de and ar,
through the production middleware (no other origin, no CSP error). With its feedback part (H12): a workshop
rated four times says "not shown", one rated six times shows its figures."""

import pytest
from django.contrib.auth import get_user_model

from accounts.services import set_staff_language
from backoffice.models import EventRole
from tests.backoffice.test_report_feedback import known_feedback
from tests.browser_support import axe_violations, log_in, open_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_SHOWN = {"de": "weniger als 5 Antworten: nicht gezeigt", "ar": "أقل من 5 إجابات: لا يُعرض"}
MEAN_OF_SIX = "4,3"  # (5 + 4 + 4 + 3 + 5 + 5) / 6; Django's German and Arabic formats both write a comma


def test_the_report_reads_at_320_px_in_german_and_arabic(page, live_server):
    event, _last = known_feedback()
    organiser = get_user_model().objects.create_user(
        email="orga@example.org", password="x" * 12, is_staff=True
    )
    EventRole.objects.create(user=organiser, event=event, role=EventRole.Role.ORGANISER)
    log_in(page, live_server, organiser)
    page.set_viewport_size({"width": 320, "height": 740})
    for language, direction in (("de", "ltr"), ("ar", "rtl")):
        set_staff_language(user=organiser, language=language)
        open_form(page, f"{live_server.url}/staff/events/{event.slug}/report/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == direction
        assert page.locator('svg[role="img"]').count() == 6 + 4
        assert page.locator("table caption").count() == 6 + 4
        workshops = page.locator('section[aria-labelledby="report-feedback_workshops"] tr')
        four, six = workshops.filter(has_text="Netzwerken"), workshops.filter(has_text="Bewerbung")
        assert four.locator("td").count() == 1 and four.locator("td").inner_text() == NOT_SHOWN[language]
        assert six.locator("td").all_inner_texts()[:2] == [MEAN_OF_SIX, "6"]
        assert (
            page.locator('section[aria-labelledby="report-comments"] li[lang="ar"]').inner_text()
            == "شكرا على الترجمة"
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), language
        assert axe_violations(page) == [], language
    assert page.csp_errors == [] and page.foreign_requests == []
