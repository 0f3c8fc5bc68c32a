"""The report (#25, H11) in Chromium: charts and tables axe-clean, no horizontal scroll at 320 px in de and ar,
through the production middleware (no other origin, no CSP error)."""

import pytest
from django.contrib.auth import get_user_model

from accounts.services import set_staff_language
from backoffice.models import EventRole
from tests.backoffice.test_report import known_data
from tests.browser_support import axe_violations, log_in, open_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_reads_at_320_px_in_german_and_arabic(page, live_server):
    event, _last = known_data()
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
        assert page.locator('svg[role="img"]').count() == 6
        assert page.locator("table caption").count() == 6
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), language
        assert axe_violations(page) == [], language
    assert page.csp_errors == [] and page.foreign_requests == []
