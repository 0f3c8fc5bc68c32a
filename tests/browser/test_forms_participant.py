"""Every form behind her personal link and on the public pages, filled and sent in Chromium through the
production middleware (CSP, Referrer-Policy, CSRF with the Origin the browser sends)."""

import pytest
from django.utils import timezone

from fachtag.models import ChildcareGroup
from notifications.models import OutboxMessage
from registrations import services
from registrations.models import Booking, Registration
from registrations.tokens import CONFIRM_SALT, UNSUBSCRIBE_SALT, make_token, registration_from_token
from tests.browser_support import axe_violations, open_form, submit
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_behind_her_link_she_changes_workshops_and_childcare_then_cancels_in_arabic(page, live_server):
    event = EventFactory(has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=10)
    slot = TimeSlotFactory(event=event)
    first, second = WorkshopFactory(slot=slot, title_de="Anerkennung"), WorkshopFactory(slot=slot)
    registration = sign_up(event, first, child_ages=[3])
    token = make_token(registration)
    her_page = f"{live_server.url}/ar/r/{token}/"

    open_form(page, f"{her_page}workshops/")
    page.check(f"input[name=slot_{slot.pk}][value='{second.pk}']")
    submit(page, "#form button[type=submit]")
    assert page.url == her_page
    assert page.get_attribute("html", "dir") == "rtl"
    assert registration.bookings.get(status="confirmed").workshop == second

    open_form(page, f"{her_page}childcare/")
    page.fill("#id_child_ages", "3, 7")
    submit(page, "#form button[type=submit]")
    assert page.url == her_page
    assert sorted(registration.children.values_list("age", flat=True)) == [3, 7]

    open_form(page, f"{her_page}cancel/")
    submit(page, "main form button[type=submit]")
    assert page.url == her_page
    assert reload(registration).status == Registration.Status.CANCELLED


def test_she_accepts_the_place_and_the_workshop_seat_offered_to_her(page, live_server):
    event = EventFactory(capacity=2)
    small = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=1)
    leaving, wishing, waiting = sign_up(event, small), sign_up(event, small), sign_up(event)
    services.cancel(registration_id=leaving.pk, now=timezone.now())
    assert reload(waiting).status == Registration.Status.OFFERED  # her place at the event
    assert wishing.bookings.get().status == Booking.Status.OFFERED  # a seat in the workshop she wished for

    her_page = f"{live_server.url}/de/r/{make_token(waiting)}/"
    open_form(page, her_page)
    submit(page, "form[action$='/accept/'] button[type=submit]")
    assert page.url == her_page
    assert reload(waiting).status == Registration.Status.CONFIRMED

    her_page = f"{live_server.url}/de/r/{make_token(wishing)}/"
    open_form(page, her_page)
    submit(page, "form[action$='/accept/']:has(input[name=booking]) button[type=submit]")
    assert page.url == her_page
    assert wishing.bookings.get().status == Booking.Status.CONFIRMED


def test_she_confirms_her_address_and_stops_reminders_from_the_links_in_her_mails(page, live_server):
    registration = sign_up(EventFactory(requires_email_confirmation=True))
    assert registration.status == Registration.Status.PENDING

    open_form(page, f"{live_server.url}/de/confirm/{make_token(registration, salt=CONFIRM_SALT)}/")
    submit(page, "main form button[type=submit]")
    assert page.url.startswith(f"{live_server.url}/de/r/")  # her page, under a fresh manage token
    assert registration_from_token(page.url.split("/r/")[1].strip("/")) == registration
    assert reload(registration).status == Registration.Status.CONFIRMED

    open_form(page, f"{live_server.url}/de/unsubscribe/{make_token(registration, salt=UNSUBSCRIBE_SALT)}/")
    submit(page, "main form button[type=submit]")
    assert page.locator("h1").count() == 1
    assert reload(registration).reminders_opt_out is True


def test_she_asks_for_her_link_again(page, live_server):
    registration = sign_up(EventFactory(), email="amal@example.org")

    open_form(page, f"{live_server.url}/ar/link/")
    page.fill("#id_email", "Amal@example.org")
    submit(page, "#form button[type=submit]")
    assert page.url == f"{live_server.url}/ar/link/sent/"
    assert OutboxMessage.objects.filter(to=registration.email, kind="personal_link").exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("de", "Dieses Formular ist abgelaufen"), ("ar", "انتهت صلاحية هذا النموذج")],
    ids=["de", "ar"],
)
def test_a_form_sent_without_its_cookie_answers_the_translated_expired_page_with_a_way_back(
    page, live_server, language, heading
):
    page.set_viewport_size({"width": 320, "height": 800})
    open_form(page, f"{live_server.url}/{language}/link/")
    page.context.clear_cookies()  # the browser dropped the CSRF cookie while the page stayed open
    page.fill("#id_email", "amal@example.org")
    with page.expect_navigation() as navigation:
        page.click("#form button[type=submit]")
    assert navigation.value.status == 403
    page.refused_posts.clear()  # provoked on purpose
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("h1").inner_text() == heading
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    if language == "ar":
        assert axe_violations(page) == []
    with page.expect_navigation():
        page.click(f"main a[href='/{language}/link/']")  # back to the form she came from, which works again
    page.fill("#id_email", "amal@example.org")
    submit(page, "#form button[type=submit]")
    assert page.url == f"{live_server.url}/{language}/link/sent/"
