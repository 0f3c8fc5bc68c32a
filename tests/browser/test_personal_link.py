"""Her personal link on her page: a button to open it and one to copy it, never 150 characters of token."""

import pytest
from playwright.sync_api import expect

from registrations.tokens import make_token
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_her_page_offers_her_link_as_buttons_and_copies_it_with_an_announcement(page, live_server):
    event = EventFactory()
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event))
    token = make_token(sign_up(event, workshop))
    link = f"{live_server.url}/ar/r/{token}/"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{link}done/")

    assert token not in page.inner_text("body")
    opener = page.get_by_role("link", name="فتح تسجيلي")
    assert opener.get_attribute("href") == link
    status = page.locator("#personal-link-status")
    assert status.get_attribute("role") == "status"
    assert status.inner_text() == ""
    page.get_by_role("button", name="نسخ الرابط").click()
    expect(status).to_have_text("تم نسخ الرابط.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert page.csp_errors == []


def test_without_the_script_the_copy_button_stays_hidden_and_the_link_still_opens_her_page(
    browser, live_server
):
    event = EventFactory()
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event))
    token = make_token(sign_up(event, workshop))
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/de/r/{token}/done/")
        assert not page.get_by_role("button", name="Link kopieren").is_visible()
        page.get_by_role("link", name="Meine Anmeldung öffnen").click()
        page.wait_for_url(f"{live_server.url}/de/r/{token}/")
        assert page.locator("h1").count() == 1
    finally:
        context.close()
