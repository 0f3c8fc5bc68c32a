"""Issue 18's "done when", as a participant on a phone would try it: Chromium at 375 px against the live server
(PostgreSQL, the production middleware and headers). She signs up with two workshops and two children, changes a
workshop, changes childcare, cancels a workshop, cancels everything; the woman waiting for her place follows the
offer link in her mail and accepts it. Every step lands on a page of the site that says what happened, in the
page's language, and the database shows the change."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from fachtag.models import ChildcareGroup
from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations.models import Booking, Registration
from tests.browser_support import axe_violations
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def programme(settings, live_server):
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    settings.SITE_URL = live_server.url  # the links in her mails lead to this server
    event = EventFactory(slug="fachtag-journey", title_de="Fachtag Arbeit", capacity=1, has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=10)
    first = TimeSlotFactory(event=event)
    second = TimeSlotFactory(
        event=event, starts_at=first.ends_at, ends_at=first.ends_at + (first.ends_at - first.starts_at)
    )
    workshops = {
        "anerkennung": WorkshopFactory(slot=first, title_de="Anerkennung"),
        "bewerbung": WorkshopFactory(slot=first, title_de="Bewerbung"),
        "sprachkurs": WorkshopFactory(slot=second, title_de="Sprachkurs"),
    }
    return event, first, second, workshops


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.csp_errors.append(message.text),
    )
    yield page
    context.close()


def said(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def lands_with_message(page, language: str, text: str) -> None:
    """She is on a page of the site, in her language, and it tells her what happened, at the top."""
    message = page.locator(".site-messages [role=status]")
    assert message.count() == 1
    assert message.inner_text().strip() == said(language, text)
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"


@pytest.mark.parametrize("language", ["de", "ar"])
def test_her_journey_on_a_phone(phone, live_server, programme, language):
    event, first, second, workshops = programme
    page = phone
    email = f"amal-{language}@example.org"

    # She signs up with two workshops and two children.
    page.goto(f"{live_server.url}/{language}/events/{event.slug}/signup/")
    page.fill("#id_name", "Amal Haddad")
    page.fill("#id_email", email)
    page.check(f'input[name="slot_{first.pk}"][value="{workshops["anerkennung"].pk}"]')
    page.check(f'input[name="slot_{second.pk}"][value="{workshops["sprachkurs"].pk}"]')
    page.fill("#id_child_ages", "2, 5")
    page.check("#id_privacy_consent")
    page.click("button[type=submit]")
    page.wait_for_url("**/done/")
    assert page.locator(".kern-alert--success").first.inner_text().strip() == said(
        language, "You are registered."
    )
    registration = Registration.objects.get(email=email)
    assert registration.status == Registration.Status.CONFIRMED
    assert sorted(registration.children.values_list("age", flat=True)) == [2, 5]
    assert _booked(registration) == {
        first.pk: workshops["anerkennung"].pk,
        second.pk: workshops["sprachkurs"].pk,
    }
    manage = page.url.removesuffix("done/")

    # The event is full now: the next woman waits for a place.
    waiting = sign_up(event, name="Layla Nouri", language=language)
    assert waiting.status == Registration.Status.WAITLISTED

    # She changes a workshop.
    page.click('a[href$="/workshops/"]')
    page.check(f'input[name="slot_{first.pk}"][value="{workshops["bewerbung"].pk}"]')
    page.click("button[type=submit]")
    page.wait_for_url(manage)
    lands_with_message(page, language, "Your workshop choice is saved. We have sent you an e-mail.")
    assert _booked(registration)[first.pk] == workshops["bewerbung"].pk

    # She changes childcare.
    page.click('a[href$="/childcare/"]')
    page.fill("#id_child_ages", "3")
    page.click("button[type=submit]")
    page.wait_for_url(manage)
    lands_with_message(page, language, "Your childcare request is saved. We have sent you an e-mail.")
    assert list(registration.children.values_list("age", flat=True)) == [3]

    # She cancels a workshop.
    page.click('a[href$="/workshops/"]')
    page.check(f'input[name="slot_{second.pk}"][value=""]')
    page.click("button[type=submit]")
    page.wait_for_url(manage)
    lands_with_message(page, language, "You have cancelled the workshop. We have sent you an e-mail.")
    assert second.pk not in _booked(registration)

    # She cancels everything.
    page.click('a[href$="/cancel/"]')
    page.click("button[type=submit]")
    page.wait_for_url(manage)
    lands_with_message(page, language, "You have cancelled your registration. We have sent you an e-mail.")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert not registration.bookings.filter(status__in=Booking.ACTIVE).exists()

    # Her place is offered to the woman waiting: she follows the button in her mail and accepts it.
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED
    offer = OutboxMessage.objects.get(kind="offer_made", to=waiting.email)
    mail = render(offer.kind, language=offer.language, to=offer.to, context=offer.context)
    link = re.search(rf"{re.escape(live_server.url)}/{language}/r/[^/\s]+/offer/", mail.text).group(0)
    assert f'href="{link}"' in mail.html
    page.goto(link)
    assert page.locator("button[type=submit]").count() == 1
    assert axe_violations(page) == []  # the offer page is new with this test
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/r/[^/]+/$"))
    lands_with_message(
        page, language, "You have accepted the place: your place is confirmed. We have sent you an e-mail."
    )
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert page.csp_errors == []


def _booked(registration) -> dict[int, int]:
    """{slot id: workshop id} of her confirmed workshop seats, fresh from the database."""
    return dict(
        registration.bookings.filter(status=Booking.Status.CONFIRMED).values_list("slot_id", "workshop_id")
    )
