"""Every staff page reflows at 320 px (WCAG 1.4.10) in German and Arabic (right to left, a staff member's
own language), opened by a global administrator on the same sample data as the staff matrix.

The list is the staff matrix's: every route under /staff/ of the URL configuration. A route that answers a
GET with an HTML page is checked here; downloads (CSV, XLSX, PDF, calendar files), POST-only actions and
redirects are not pages. So a new staff page is checked without being listed.
"""

import pytest
from django.test import Client

from accounts.services import set_staff_language
from tests.backoffice import test_staff_matrix
from tests.backoffice.test_staff_matrix import staff_routes, url_for
from tests.browser_support import OVERFLOWING, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = test_staff_matrix.world  # the staff matrix's sample data


# Pages that show her pages or mails in the language in their address, not in the staff member's.
IN_ANOTHER_LANGUAGE = {"backoffice:preview", "backoffice:mail_preview_html"}


def html_pages(client: Client, values, training) -> list[tuple[str, str]]:
    """(name, address) of the staff routes that answer a GET with an HTML page."""
    pages = []
    for name, converters in staff_routes().items():
        url = url_for(name, converters, values, training)
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append((name, url))
    return pages


def test_every_staff_page_has_no_horizontal_scrolling_at_320_px_in_german_and_arabic(
    page, live_server, world
):
    roles, values, training, _registration, _profile = world
    admin = roles["admin"]
    client = Client()
    client.force_login(admin)
    pages = html_pages(client, values, training)
    assert len(pages) >= 30, pages  # the sample data opens the pages, not only their refusals
    log_in(page, live_server, admin)
    page.set_viewport_size({"width": 320, "height": 800})
    problems = []
    for language in ("de", "ar"):
        set_staff_language(user=admin, language=language)
        for name, url in pages:
            page.goto(live_server.url + url)
            shown = values["language"] if name in IN_ANOTHER_LANGUAGE else language
            assert page.get_attribute("html", "lang") == shown, url
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                problems.append(f"{url} in {language}: {width} px wide: {page.evaluate(OVERFLOWING)}")
    assert problems == []
