"""Every form of the back office, filled and sent in Chromium by a signed-in organiser through the
production middleware (CSP, Referrer-Policy, CSRF with the Origin the browser sends)."""

import pytest
from django.contrib.auth import get_user_model

from backoffice.models import Announcement, EventRole
from fachtag.models import Workshop
from notifications.models import OutboxMessage
from registrations.models import Booking, Registration
from registrations.services.privacy import is_anonymised
from tests.browser_support import log_in, open_form, submit
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organiser_page(page, live_server):
    """An organiser of event-a (a slot with a small and a large workshop), signed in in the browser."""
    event = EventFactory(slug="event-a", capacity=2, title_de="Fachtag Arbeit")
    slot = TimeSlotFactory(event=event)
    WorkshopFactory(slot=slot, capacity=1, title_de="Anerkennung")
    WorkshopFactory(slot=slot, capacity=10, title_de="Bewerbung")
    user = get_user_model().objects.create_user(email="orga@example.org", password="x" * 12, is_staff=True)
    EventRole.objects.create(user=user, event=event, role=EventRole.Role.ORGANISER)
    log_in(page, live_server, user)
    page.staff = f"{live_server.url}/staff/events/{event.slug}"
    return page, event, user


def assert_success(page) -> None:
    assert page.locator(".kern-alert--success").count() == 1, page.locator("main").inner_text()[:500]
    assert page.locator(".kern-alert--danger").count() == 0


def test_an_organiser_acts_on_registrations_from_their_pages(organiser_page):
    page, event, _user = organiser_page
    small, large = Workshop.objects.filter(slot__event=event).order_by("capacity")
    leaving, wishing, waiting = sign_up(event, small), sign_up(event, small), sign_up(event, large)
    assert waiting.status == Registration.Status.WAITLISTED

    open_form(page, f"{page.staff}/participants/{leaving.pk}/")
    submit(page, "form[action$='/cancel/'] button")
    assert page.url.endswith(f"/participants/{leaving.pk}/")
    assert_success(page)
    assert reload(leaving).status == Registration.Status.CANCELLED

    open_form(page, f"{page.staff}/participants/{wishing.pk}/")
    submit(page, "form[action$='/confirm-workshop/'] button")
    assert_success(page)
    assert wishing.bookings.get(workshop=small).status == Booking.Status.CONFIRMED
    page.select_option("#move-workshop", str(large.pk))
    submit(page, "form[action$='/move/'] button")
    assert_success(page)
    assert wishing.bookings.get(status=Booking.Status.CONFIRMED).workshop == large

    open_form(page, f"{page.staff}/participants/{waiting.pk}/")
    submit(page, "form[action$='/confirm/'] button")
    assert_success(page)
    assert reload(waiting).status == Registration.Status.CONFIRMED
    version = waiting.token_version
    submit(page, "form[action$='/replace-links/'] button")
    assert_success(page)
    assert reload(waiting).token_version > version

    open_form(page, f"{page.staff}/participants/{waiting.pk}/erase/")
    submit(page, "main form button[type=submit]")
    assert page.url.endswith(f"/participants/{waiting.pk}/")
    assert_success(page)
    assert is_anonymised(reload(waiting))


def test_an_organiser_changes_a_capacity(organiser_page):
    page, event, _user = organiser_page
    small = Workshop.objects.filter(slot__event=event).order_by("capacity").first()
    open_form(page, f"{page.staff}/capacity/")
    page.select_option("#id_workshop", str(small.pk))
    page.fill("#id_capacity", "12")
    submit(page, "main form button[type=submit]")
    assert page.url == f"{page.staff}/"
    assert_success(page)
    assert reload(small).capacity == 12


def test_an_organiser_registers_a_walk_in(organiser_page):
    page, event, _user = organiser_page
    large = Workshop.objects.filter(slot__event=event).order_by("capacity").last()
    open_form(page, f"{page.staff}/walk-in/")
    page.fill("#id_name", "Rana Saleh")
    page.fill("#id_email", "rana@example.org")
    page.select_option("#id_language", "ar")
    page.check(f"input[name=slot_{large.slot_id}][value='{large.pk}']")
    page.check("#id_privacy_informed")
    submit(page, "#form button[type=submit]")
    registration = Registration.objects.get(email="rana@example.org")
    assert page.url == f"{page.staff}/walk-in/{registration.pk}/"  # her code on screen (H6)
    assert registration.bookings.get().workshop == large


def test_an_organiser_previews_and_sends_a_message(organiser_page):
    page, event, _user = organiser_page
    registration = sign_up(event)
    open_form(page, f"{page.staff}/messages/")
    page.fill("#id_subject", "Raumänderung")
    page.fill("#id_body", "Der Fachtag findet im Saal 2 statt.")
    submit(page, "button[name=preview]")
    assert page.locator("#preview-title").is_visible()
    assert not Announcement.objects.exists()
    submit(page, "button[name=send]")
    assert page.url == f"{page.staff}/messages/"
    assert_success(page)
    assert Announcement.objects.get().subject == "Raumänderung"
    assert OutboxMessage.objects.filter(kind="announcement", to=registration.email).exists()


def test_the_door_staff_find_her_by_name_and_check_her_in(organiser_page, settings):
    page, event, _user = organiser_page
    settings.CHECKIN_OPENS_HOURS_BEFORE = 24 * 365 * 100  # the event is in 2099: the door is open now
    registration = sign_up(event, name="Olena Kovalenko")
    open_form(page, f"{page.staff}/checkin/")
    page.fill("#search input[name=q]", "Kovalenko")
    with page.expect_navigation():
        page.click("#search button[type=submit]")
    submit(page, f"form[action$='/registrations/{registration.pk}/'] button")
    assert page.locator("h1").inner_text() == "Olena Kovalenko"
    assert reload(registration).checked_in_at is not None
