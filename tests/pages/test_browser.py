"""axe-core and layout checks of the three pages in headless Chromium, in every language."""

import pytest
from django.conf import settings

from tests.browser_support import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.parametrize("name", ["privacy", "accessibility", "imprint"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_page_has_no_wcag_21_aa_violations_and_loads_nothing_from_elsewhere(
    page, live_server, language, name
):
    page.goto(f"{live_server.url}/{language}/{name}/")
    assert axe_violations(page) == []
    assert page.foreign_requests == []


@pytest.mark.parametrize("language", ["de", "ar", "fa"])
def test_privacy_notice_reflows_at_320_pixels_without_horizontal_scrolling(page, live_server, language):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/{language}/privacy/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_contents_link_moves_to_its_section(page, live_server):
    page.goto(f"{live_server.url}/ar/privacy/")
    page.locator('main nav a[href="#rights"]').click()
    assert page.evaluate("location.hash") == "#rights"
    assert page.locator("h2#rights").is_visible()
