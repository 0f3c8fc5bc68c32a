"""Every public page has no WCAG 2.1 A/AA violations (axe-core in headless Chromium), in German and Arabic."""

import pytest

from fachtag.models import ChildcareGroup
from registrations.tokens import make_token
from tests.browser_support import axe_violations
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registration(settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    event = EventFactory(slug="fachtag-test", title_de="Fachtag Arbeit", has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=10)
    slot = TimeSlotFactory(event=event, title_de="Workshop-Phase 1")
    workshop = WorkshopFactory(slot=slot, title_de="Anerkennung", capacity=10)
    WorkshopFactory(slot=slot, title_de="Bewerbung", capacity=10)
    return sign_up(event, workshop, child_ages=[3])


@pytest.mark.parametrize("language", ["de", "ar"])
def test_public_pages_have_no_wcag_violations(page, live_server, registration, language):
    token = make_token(registration)
    paths = [
        f"/r/{token}/",
        f"/r/{token}/done/",
        f"/r/{token}/workshops/",
        f"/r/{token}/childcare/",
        f"/r/{token}/cancel/",
        "/privacy/",
        "/accessibility/",
        "/imprint/",
        "/link/",
        "/link/sent/",
        "/r/not-a-token/",
    ]
    for path in paths:
        page.goto(f"{live_server.url}/{language}{path}")
        assert axe_violations(page) == [], path
    page.goto(f"{live_server.url}/{language}/link/")
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert axe_violations(page) == []
    assert page.foreign_requests == []
    assert page.csp_errors == []


def test_the_whole_sign_up_works_with_the_keyboard_alone(page, live_server, registration):
    page.goto(f"{live_server.url}/de/events/fachtag-test/signup/")
    focused = []

    def tab_to(name: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            current = page.evaluate("document.activeElement.name || ''")
            focused.append(current)
            if current == name:
                return
        raise AssertionError(f"Tab never reached {name}: {focused[-10:]}")

    slot = f"slot_{registration.bookings.get().slot_id}"
    tab_to("name")
    page.keyboard.type("Olena Kovalenko")
    tab_to("email")
    page.keyboard.type("olena@example.org")
    tab_to(slot)
    first = f"#id_{slot}_0"
    for _ in range(3):  # radio groups move with the arrow keys
        if page.is_checked(first):
            break
        page.keyboard.press("ArrowDown")
    assert page.is_checked(first)
    tab_to("privacy_consent")
    page.keyboard.press("Space")
    assert "website" not in focused  # the honeypot is never reached
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url("**/done/")
    assert "Sie sind angemeldet." in page.content()


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_sign_up_form_reflows_at_320_pixels_and_at_200_percent_text(
    page, live_server, registration, language
):
    url = f"{live_server.url}/{language}/events/fachtag-test/signup/"
    page.set_viewport_size({"width": 320, "height": 800})  # WCAG 1.4.10: 1280 px at 400 %
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 640, "height": 800})  # WCAG 1.4.4: 1280 px at 200 %
    page.goto(url)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or shadow != "none"  # focus stays visible
