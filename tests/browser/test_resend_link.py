"""'Lost your link?' in Chromium, through the production middleware (CSP, CSRF with the browser's Origin): by
default it mails her link and QR code and changes nothing; ticked, it renews her links and check-in code."""

import pytest

from notifications.models import OutboxMessage
from registrations.tokens import make_token
from tests.factories import EventFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_her_link_comes_again_unchanged_or_renewed_if_she_ticks_it_on_a_phone(page, live_server):
    registration = sign_up(EventFactory(), email="olena@example.org")
    old = make_token(registration)
    page.set_viewport_size({"width": 320, "height": 800})
    for language, renew in (("ar", False), ("de", True)):
        page.goto(f"{live_server.url}/{language}/link/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, language
        page.fill("input[name=email]", "olena@example.org")
        if renew:
            page.check("input[name=renew]")
        page.click("button[type=submit]")
        page.wait_for_url("**/link/sent/")
        assert reload(registration).token_version == (2 if renew else 1)
        mails = OutboxMessage.objects.filter(kind="personal_link", to="olena@example.org")
        assert mails.count() == (2 if renew else 1)
        assert mails.latest("pk").context["checkin_qr"] is True
        # Her old link: still her page, unless she asked for new links.
        assert page.goto(f"{live_server.url}/{language}/r/{old}/").status == (404 if renew else 200)
    assert page.csp_errors == [] and page.foreign_requests == []
