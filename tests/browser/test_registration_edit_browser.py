"""In Chromium, through the production middleware: an organiser fixes a registration's mistyped address,
and the back office speaks the language she chose, not the one of the public page she last previewed."""

import pytest
from django.contrib.auth import get_user_model

from backoffice.models import EventRole
from notifications.models import OutboxMessage
from registrations.tokens import make_token
from tests.browser_support import axe_violations, log_in, open_form, submit
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organiser_page(page, live_server):
    """An organiser of event-a, signed in in the browser; two people have signed up."""
    event = EventFactory(slug="event-a", capacity=20, title_de="Fachtag Arbeit")
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=10, title_de="Bewerbung")
    user = get_user_model().objects.create_user(email="orga@example.org", password="x" * 12, is_staff=True)
    EventRole.objects.create(user=user, event=event, role=EventRole.Role.ORGANISER)
    log_in(page, live_server, user)
    page.staff = f"{live_server.url}/staff/events/{event.slug}"
    sign_up(event, workshop, name="Samira Nouri", email="samira@example.org", language="fa")
    amal = sign_up(event, workshop, name="Amal Haddad", email="amal@exmaple.org", language="ar")
    return page, event, user, amal


def no_horizontal_scroll(page, width: int = 320) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_organiser_fixes_a_mistyped_address_in_the_form(organiser_page, live_server):
    page, event, _user, amal = organiser_page
    old_link = f"{live_server.url}/ar/r/{make_token(amal)}/"
    open_form(page, f"{page.staff}/participants/{amal.pk}/")
    with page.expect_navigation():
        page.click("main a[href$='/edit/']")
    assert page.input_value("#id_email") == "amal@exmaple.org"
    assert axe_violations(page) == []
    no_horizontal_scroll(page)

    # The address of another active registration: refused next to the field, what she typed kept.
    page.fill("#id_email", "samira@example.org")
    page.fill("#id_staff_notes", "Hat angerufen: Adresse falsch geschrieben")
    submit(page, "main form[method=post] button[type=submit]")
    assert page.url.endswith(f"/participants/{amal.pk}/edit/")
    assert page.locator("#id_email_error").is_visible()
    assert page.get_attribute("#id_email", "aria-invalid") == "true"
    assert page.input_value("#id_staff_notes") == "Hat angerufen: Adresse falsch geschrieben"
    assert page.title().startswith("Fehler:")
    assert axe_violations(page) == []
    assert reload(amal).email == "amal@exmaple.org"

    page.fill("#id_email", "amal@example.org")
    submit(page, "main form[method=post] button[type=submit]")
    assert page.url.endswith(f"/participants/{amal.pk}/")
    assert page.locator(".kern-alert--success").count() == 1
    assert "Hat angerufen" in page.locator("main dl").inner_text()
    assert "Angaben geändert: E-Mail-Adresse, Interne Notizen" in page.locator("main").inner_text()
    amal = reload(amal)
    assert (amal.email, amal.staff_notes) == ("amal@example.org", "Hat angerufen: Adresse falsch geschrieben")
    link = OutboxMessage.objects.filter(kind="personal_link").get()
    assert (link.to, link.language) == ("amal@example.org", "ar")
    assert not OutboxMessage.objects.filter(to="amal@exmaple.org").exists()
    assert page.goto(old_link).status == 404  # the link the mistyped address may have received
    her_page = page.goto(f"{live_server.url}{link.context['manage_path']}")
    assert her_page.status == 200 and "Hat angerufen" not in page.content()

    # The participant list, sorted by address and filtered to the waiting list and back: axe-clean.
    open_form(page, f"{page.staff}/participants/?sort=-email")
    assert page.locator("details.participant-filters").get_attribute("open") is None
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("E-Mail-Adresse")
    page.click("details.participant-filters summary")
    page.select_option("#id_language", "ar")
    with page.expect_navigation():
        page.click("details.participant-filters button[type=submit]")
    assert "sort=-email" in page.url and "language=ar" in page.url
    assert page.locator("details.participant-filters").get_attribute("open") == ""
    assert page.locator("table caption").inner_text() == "1 Anmeldung"
    assert "Arabisch" in page.locator("tbody").inner_text()
    assert axe_violations(page) == []
    no_horizontal_scroll(page)
    assert page.csp_errors == [] and page.foreign_requests == []


def test_the_back_office_speaks_her_language_not_her_preview_cookie(organiser_page, live_server):
    page, event, user, amal = organiser_page
    # She previews the public pages in Arabic: the language cookie says "ar".
    page.goto(f"{live_server.url}/ar/")
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies.get("django_language") == "ar"

    open_form(page, f"{page.staff}/participants/")
    assert page.get_attribute("html", "lang") == "de"
    assert page.locator("h1").inner_text() == "Teilnehmende"
    page.select_option("#staff-language", "en")
    submit(page, "form.staff-language button")
    assert page.url == f"{page.staff}/participants/"
    assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == ("en", "ltr")
    assert page.locator("h1").inner_text() == "Participants"
    assert "Arabic" in page.locator("tbody").inner_text()
    user.refresh_from_db()
    assert user.language == "en"
    open_form(page, f"{page.staff}/participants/{amal.pk}/edit/")
    assert page.locator("label[for=id_staff_notes]").inner_text().startswith("Staff notes")

    # Her public pages keep their own language.
    page.goto(f"{live_server.url}/ar/")
    assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == ("ar", "rtl")

    # In Arabic the back office is right to left, accessible and reflows at 320 px.
    open_form(page, f"{page.staff}/participants/{amal.pk}/edit/")
    page.select_option("#staff-language", "ar")
    submit(page, "form.staff-language button")
    assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == ("ar", "rtl")
    assert page.url.endswith(f"/participants/{amal.pk}/edit/")
    assert axe_violations(page) == []
    no_horizontal_scroll(page)
    open_form(page, f"{page.staff}/participants/?sort=language")
    assert axe_violations(page) == []
    no_horizontal_scroll(page)
    assert page.csp_errors == []
