"""Getting an event ready in Chromium, through the production middleware: an organiser translates a text
into Arabic, is refused publishing with the checklist, fixes it, publishes, and previews the sign-up page in
Arabic. Every new page has no WCAG 2.1 AA violations and reflows at 320 px in German and Arabic."""

import pytest
from django.contrib.auth import get_user_model

from backoffice.models import EventRole
from fachtag.models import ChildcareGroup, Event
from tests.browser_support import axe_violations, check_staff_page, log_in, open_form, submit
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page, width: int = 320) -> bool:
    page.set_viewport_size({"width": width, "height": 800})
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_an_organiser_translates_checks_publishes_and_previews_in_arabic(page, live_server):
    event = EventFactory(
        slug="fachtag-2027",
        status=Event.Status.DRAFT,
        has_childcare=True,
        capacity=40,
        title_de="Fachtag 2027",
    )
    slot = TimeSlotFactory(event=event)
    WorkshopFactory(slot=slot, capacity=25, title_de="Bewerbung und Anerkennung von Abschlüssen")
    WorkshopFactory(slot=slot, capacity=15, title_de="Sprachkurse")
    user = get_user_model().objects.create_user(
        email="orga@example.org", password="x" * 12, is_staff=True, language="en"
    )  # her back office in English (its own language, not the public pages' cookie)
    EventRole.objects.create(user=user, event=event, role=EventRole.Role.ORGANISER)
    log_in(page, live_server, user)
    base = f"{live_server.url}/staff/events/{event.slug}"

    # The dashboard shows the draft's checklist, and links to what follows.
    open_form(page, f"{base}/")
    assert page.locator("#check-childcare_groups").get_attribute("data-ok") == "false"
    assert axe_violations(page) == []

    # Translations: the table, then Arabic alone, the German source beside a right-to-left field.
    open_form(page, f"{base}/translations/")
    assert "Arabic: 0 of 3 texts" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.click("a[href$='/translations/ar/']")
    field = page.locator(f"#id_event-{event.pk}-title")
    assert (field.get_attribute("dir"), field.get_attribute("lang")) == ("rtl", "ar")
    assert axe_violations(page) == []
    field.fill("اليوم المتخصص 2027")
    submit(page, "main form button[type=submit]")
    assert page.url == f"{base}/translations/"
    assert page.locator(".kern-alert--success").count() == 1
    assert "Arabic: 1 of 3 texts" in page.locator("main").inner_text()
    assert reload(event).title_ar == "اليوم المتخصص 2027"

    # Publishing with childcare but no age group is refused, and the checklist says why.
    open_form(page, f"{base}/publish/")
    assert axe_violations(page) == []
    submit(page, "button[value=publish]")
    assert page.locator(".error-summary a[href='#check-childcare_groups']").is_visible()
    assert page.locator("#check-childcare_groups").get_attribute("data-ok") == "false"
    assert axe_violations(page) == []
    assert reload(event).status == Event.Status.DRAFT

    # Fixed (the settings page is another part of #23), she publishes.
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=6, capacity=10)
    open_form(page, f"{base}/publish/")
    submit(page, "button[value=publish]")
    assert page.url == f"{base}/publish/"
    assert page.locator(".kern-alert--success").count() == 1
    assert reload(event).status == Event.Status.PUBLISHED

    # The Arabic preview: right to left, marked, not sendable, no scrolling sideways at 320 px.
    open_form(page, f"{base}/preview/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("h1").inner_text().endswith("اليوم المتخصص 2027")
    assert page.locator("#form button[type=submit]").is_disabled()
    assert page.locator(".preview-banner").is_visible()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)
    open_form(page, f"{base}/preview/de/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert no_horizontal_scroll(page)

    # The back office's new pages: accessible, and no sideways scrolling at 320 px in Arabic and German.
    for address in (f"{base}/publish/", f"{base}/translations/", f"{base}/translations/ar/"):
        open_form(page, address)
        check_staff_page(page, user)
    assert page.foreign_requests == []
