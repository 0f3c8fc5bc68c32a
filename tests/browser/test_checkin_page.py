import pytest
from django.contrib.auth import get_user_model

from backoffice.models import EventRole
from registrations.models import Registration
from registrations.tokens import CHECKIN_SALT, make_token
from tests.browser_support import axe_violations, log_in
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the camera "sees" in the test: a stand-in for BarcodeDetector and getUserMedia, set before the
# page's own script runs (headless Chromium on Linux has no BarcodeDetector and no camera).
FAKE_CAMERA = """
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(["qr_code"]); }
  detect() { return Promise.resolve([{ rawValue: window.__scannedCode }]); }
};
navigator.mediaDevices.getUserMedia = () => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  canvas.getContext("2d").fillRect(0, 0, 32, 32);
  return Promise.resolve(canvas.captureStream(5));
};
"""


@pytest.fixture
def door_staff_page(page, live_server, settings):
    settings.ROOT_URLCONF = "tests.backoffice.checkin_test_urls"
    settings.CHECKIN_OPENS_HOURS_BEFORE = 24 * 365 * 100  # the event is in 2099: the door is open now
    event = EventFactory(slug="fachtag-a", title_de="Fachtag Arbeit")
    slot = TimeSlotFactory(event=event)
    WorkshopFactory(slot=slot, title_de="Anerkennung von Abschlüssen", room="Raum 101")
    user = get_user_model().objects.create_user(email="door@example.org", password="x" * 12)
    EventRole.objects.create(user=user, event=event, role=EventRole.Role.CHECKIN)
    log_in(page, live_server, user)
    page.checkin_url = f"{live_server.url}/staff/events/{event.slug}/checkin/"
    return page, event


def test_typing_the_code_checks_her_in_on_an_accessible_page(door_staff_page):
    page, event = door_staff_page
    registration = sign_up(event, *event.slots.get().workshops.all(), name="Amal Haddad")

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(page.checkin_url)
    assert page.locator("h1").count() == 1
    # No BarcodeDetector here: the vendored decoder reads the camera or a photo (tests/browser/test_checkin_decoder.py).
    assert page.locator("#checkin-camera-button").is_visible()
    assert page.locator("#checkin-photo").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []

    page.fill("#id_code", make_token(registration, salt=CHECKIN_SALT))
    page.locator("#form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "Amal Haddad"
    assert page.locator(".kern-alert--success").count() == 1
    assert "Raum 101" in page.locator("main").inner_text()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert axe_violations(page) == []
    assert page.foreign_requests == []


def test_a_forged_code_shows_an_error_summary_with_focus(door_staff_page):
    page, _event = door_staff_page
    page.goto(page.checkin_url)
    page.fill("#id_code", "not-a-code")
    page.locator("#form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()
    assert page.foreign_requests == []


def test_the_camera_fills_in_the_code_and_sends_the_form(door_staff_page):
    page, event = door_staff_page
    registration = sign_up(event, name="Olena Kovalenko")
    page.add_init_script(
        f"window.__scannedCode = {make_token(registration, salt=CHECKIN_SALT)!r};\n{FAKE_CAMERA}"
    )
    page.goto(page.checkin_url)
    assert page.locator("#checkin-no-camera").is_hidden()
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.locator("#checkin-camera-button").click()

    assert page.locator("h1").inner_text() == "Olena Kovalenko"
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert page.foreign_requests == []
