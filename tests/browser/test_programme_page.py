import pytest

from tests.browser_support import axe_violations
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def event():
    event = EventFactory(slug="fachtag-test", title_de="Fachtag Arbeit", title_ar="يوم العمل")
    slot = TimeSlotFactory(event=event, title_de="Workshop-Phase 1")
    WorkshopFactory(
        slot=slot, title_de="Anerkennung", title_ar="الاعتراف", capacity=10, languages=["de", "ar"]
    )
    full = WorkshopFactory(slot=slot, title_de="Bewerbung", capacity=5)
    type(full).objects.filter(pk=full.pk).update(seats_taken=5)
    return event


@pytest.mark.parametrize("language", ["de", "ar"])
@pytest.mark.parametrize("path", ["/", "/events/fachtag-test/"])
def test_public_pages_have_no_wcag_21_aa_violations(page, live_server, event, language, path):
    page.goto(f"{live_server.url}/{language}{path}")
    assert axe_violations(page) == []
    assert page.foreign_requests == []


def test_arabic_page_is_laid_out_right_to_left(page, live_server, event):
    page.goto(f"{live_server.url}/ar/events/fachtag-test/")
    assert page.get_attribute("html", "dir") == "rtl"
    heading = page.locator("h1").bounding_box()
    viewport = page.viewport_size
    # Right-aligned: the heading ends at the right edge of the content column.
    assert heading["x"] + heading["width"] > viewport["width"] / 2


def test_first_tab_reaches_a_visible_skip_link_that_moves_to_the_content(page, live_server, event):
    page.goto(f"{live_server.url}/de/events/fachtag-test/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_programme_reflows_at_320_pixels_without_horizontal_scrolling(page, live_server, event):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/ar/events/fachtag-test/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
