"""The door in Chromium through the production middleware (#24, H6): an organiser types a participant's short
code before check-in opens and is refused, checks her in anyway, undoes it; once the door is open a typed code
(lower case, with a space) checks the next one in; a walk-in is registered with her name only and gets her code
on screen. Each page changed here is axe-clean and reflows at 320 px in German and Arabic."""

import pytest
from django.contrib.auth import get_user_model

from accounts.services import set_staff_language
from backoffice.models import AuditEntry, EventRole
from notifications.models import OutboxMessage
from registrations.models import Registration
from tests.browser_support import axe_violations, check_staff_page, log_in, open_form, submit
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_door_by_typed_code_undo_anyway_and_a_walk_in(page, live_server, settings):
    settings.ROOT_URLCONF = "tests.backoffice.checkin_test_urls"
    event = EventFactory(slug="door-a", title_de="Fachtag Arbeit")  # in 2099: check-in is not open yet
    WorkshopFactory(slot=TimeSlotFactory(event=event), title_de="Bewerbung", room="Raum 101")
    organiser = get_user_model().objects.create_user(
        email="orga@example.org", password="x" * 12, is_staff=True
    )
    EventRole.objects.create(user=organiser, event=event, role=EventRole.Role.ORGANISER)
    set_staff_language(user=organiser, language="de")
    amal, olena = sign_up(event, name="Amal Haddad"), sign_up(event, name="Olena Kovalenko")
    log_in(page, live_server, organiser)
    staff = f"{live_server.url}/staff/events/{event.slug}"

    # Too early: her typed code finds her, the check-in is refused, an organiser may check her in anyway.
    open_form(page, f"{staff}/checkin/")
    page.fill("#id_code", amal.short_code_grouped.lower())
    submit(page, "#form button[type=submit]")
    assert page.locator("h1").inner_text() == "Amal Haddad"
    assert page.locator(".kern-alert--warning").count() == 1 and reload(amal).checked_in_at is None
    result = f"{staff}/checkin/registrations/{amal.pk}/"
    check_staff_page(page, organiser, result)  # her result page, refused, with the "anyway" button
    submit(page, "#outside-window button")
    assert page.locator(".kern-alert--success").count() == 1 and reload(amal).checked_in_at is not None
    assert AuditEntry.objects.filter(action="check_in_outside_window", registration_id=amal.pk).exists()
    check_staff_page(page, organiser, result)  # her result page, checked in, with the undo button

    # Undo.
    submit(page, "#undo button")
    assert reload(amal).checked_in_at is None
    assert page.locator("#undo").count() == 0 and page.locator(".kern-alert--info").count() == 1
    assert AuditEntry.objects.filter(action="undo_check_in", registration_id=amal.pk).exists()
    assert axe_violations(page) == []

    # The door is open: a typed code in lower case, with a space, checks the next one in.
    settings.CHECKIN_OPENS_HOURS_BEFORE = 24 * 365 * 100
    open_form(page, f"{staff}/checkin/")
    page.fill("#id_code", f" {olena.short_code[:4].lower()} {olena.short_code[4:]}")
    submit(page, "#form button[type=submit]")
    assert page.locator("h1").inner_text() == "Olena Kovalenko"
    assert page.locator(".kern-alert--success").count() == 1 and reload(olena).checked_in_at is not None

    # A walk-in with her name only: no address, no mail, her code and QR code on screen to print.
    open_form(page, f"{staff}/walk-in/")
    page.fill("#id_name", "Rana Saleh")
    page.select_option("#id_language", "ar")
    page.check("#id_privacy_informed")
    submit(page, "#form button[type=submit]")
    rana = Registration.objects.get(name="Rana Saleh")
    assert rana.email == "" and not OutboxMessage.objects.filter(to="").exists()
    assert page.url == f"{staff}/walk-in/{rana.pk}/"
    assert page.locator("#checkin-code").inner_text() == rana.short_code_grouped
    assert page.locator(".walk-in-ticket svg").is_visible() and page.locator("[data-print]").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".staff-nav").is_hidden() and page.locator("[data-print]").is_hidden()
    assert page.locator("#checkin-code").is_visible()
    page.emulate_media(media="screen")
    check_staff_page(page, organiser)
    open_form(page, f"{staff}/walk-in/")
    check_staff_page(page, organiser)
    assert page.foreign_requests == []
