"""Check-in where the browser has no BarcodeDetector (iPhone, Firefox): the vendored ZXing decoder reads her QR
code from a photo chosen in the file field and from a (fake) camera, in Chromium with the native detector
removed, through the production middleware (CSP: scripts from our origin only, no eval).

The QR codes are made by the project's own maker (registrations/qr.py) from a real registration's signed
check-in token; Pillow puts them into a photo and into the video file Chromium's fake camera plays.
"""

import io
import shutil

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from accounts.services import set_staff_language
from backoffice.models import EventRole
from registrations.qr import qr_png
from tests.browser_support import CHROMIUM_ARGS, axe_violations, log_in, open_form
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_NATIVE_DETECTOR = "delete window.BarcodeDetector;"
DECODER = "/static/vendor/zxing-library-0.23.0/index.min.js"


@pytest.fixture
def door(live_server, settings):
    settings.ROOT_URLCONF = "tests.backoffice.checkin_test_urls"
    settings.CHECKIN_OPENS_HOURS_BEFORE = 24 * 365 * 100  # the event is in 2099: the door is open now
    event = EventFactory(slug="fachtag-a", title_de="Fachtag Arbeit")
    WorkshopFactory(
        slot=TimeSlotFactory(event=event), title_de="Anerkennung von Abschlüssen", room="Raum 101"
    )
    user = get_user_model().objects.create_user(email="door@example.org", password="x" * 12)
    EventRole.objects.create(user=user, event=event, role=EventRole.Role.CHECKIN)
    return event, user, f"{live_server.url}/staff/events/{event.slug}/checkin/"


def qr_image(registration, *, side: int) -> Image.Image:
    """Her check-in QR code as the confirmation mail carries it, scaled to about `side` pixels."""
    code = Image.open(io.BytesIO(qr_png(registration))).convert("L")
    return code.resize((side, side), Image.NEAREST)


def test_a_photo_of_her_qr_code_checks_her_in_without_barcode_detector(page, live_server, door, tmp_path):
    event, user, url = door
    registration = sign_up(event, *event.slots.get().workshops.all(), name="Amal Haddad")
    # A phone photo: large, the code small, off-centre and a little turned, on a grey table.
    photo = Image.new("L", (2000, 1500), 170)
    photo.paste(qr_image(registration, side=360).rotate(7, expand=True, fillcolor=170), (1150, 300))
    path = tmp_path / "photo.jpg"
    photo.convert("RGB").save(path, quality=85)

    page.add_init_script(NO_NATIVE_DETECTOR)
    log_in(page, live_server, user)
    decoder_loads = []
    page.on("request", lambda request: request.url.endswith(DECODER) and decoder_loads.append(request.url))
    open_form(page, url)
    assert page.evaluate("'BarcodeDetector' in window") is False
    assert page.locator("#checkin-photo").is_visible()
    assert page.locator("#checkin-camera-button").is_visible()
    assert page.locator("#checkin-no-camera").is_hidden()
    assert decoder_loads == [], "the decoder is loaded only when it is needed"
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.set_input_files("#checkin-photo", str(path))

    assert page.locator("h1").inner_text() == "Amal Haddad"
    assert page.locator(".kern-alert--success").count() == 1
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert decoder_loads == [f"{live_server.url}{DECODER}"]
    assert page.csp_errors == []
    assert page.foreign_requests == []


def test_a_photo_without_a_code_says_so_and_checks_nobody_in(page, live_server, door, tmp_path):
    event, user, url = door
    registration = sign_up(event, name="Olena Kovalenko")
    path = tmp_path / "blank.png"
    Image.new("RGB", (800, 600), (200, 200, 200)).save(path)

    page.add_init_script(NO_NATIVE_DETECTOR)
    page.set_viewport_size({"width": 320, "height": 740})
    log_in(page, live_server, user)
    open_form(page, url)
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_input_files("#checkin-photo", str(path))
    status = page.locator("#checkin-camera-status")
    status.filter(has_text="Kein QR-Code").wait_for()
    assert page.url == url
    assert page.locator("#id_code").input_value() == ""
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert page.csp_errors == []


def y4m(image: Image.Image, *, frames: int = 3) -> bytes:
    """A grey picture as a YUV4MPEG2 video (4:2:0, neutral chroma), the format Chromium's fake camera plays."""
    width, height = image.size
    luma = image.convert("L").tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2) * 2)
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    return header + (b"FRAME\n" + luma + chroma) * frames


def test_the_camera_reads_her_qr_code_without_barcode_detector(browser, live_server, door, tmp_path):
    event, user, url = door
    set_staff_language(user=user, language="ar")
    registration = sign_up(event, name="Leyla Demir")
    frame = Image.new("L", (640, 480), 235)
    code = Image.open(io.BytesIO(qr_png(registration, scale=6)))
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    video = tmp_path / "camera.y4m"
    video.write_bytes(y4m(frame))

    # A browser of its own: the fake camera's video file is fixed when Chromium starts.
    camera_browser = browser.browser_type.launch(
        executable_path=shutil.which("chromium"),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_browser.new_context(viewport={"width": 320, "height": 740})
        context.grant_permissions(["camera"], origin=live_server.url)
        context.add_init_script(NO_NATIVE_DETECTOR)
        page = context.new_page()
        csp_errors, foreign = [], []
        page.on("console", lambda m: "Content Security Policy" in m.text and csp_errors.append(m.text))
        page.on("request", lambda r: r.url.startswith(live_server.url) or foreign.append(r.url))
        log_in(page, live_server, user)
        open_form(page, url)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("#checkin-camera-button").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert axe_violations(page) == []

        with page.expect_navigation(timeout=20_000):
            page.locator("#checkin-camera-button").click()

        assert page.locator("h1").inner_text() == "Leyla Demir"
        registration.refresh_from_db()
        assert registration.checked_in_at is not None
        assert csp_errors == []
        assert foreign == []
    finally:
        camera_browser.close()
