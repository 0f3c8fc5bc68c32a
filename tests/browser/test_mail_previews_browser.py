"""Mail previews (#24, H9) in Chromium: an organiser opens the index and the preview of a few kinds in German
and Arabic; each page is axe-clean, has no horizontal scroll at 320 px, and shows the mail marked with its
language and direction, its HTML part in the sandboxed frame with its own styles and no policy violation."""

import pytest
from django.contrib.auth import get_user_model

from accounts.services import set_staff_language
from backoffice import mail_previews
from backoffice.models import EventRole
from registrations.models import MessageText
from tests.browser_support import axe_violations, log_in, open_form
from tests.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (the back office's language, the mail, the mail's language)
VISITS = [
    ("de", "registration_confirmed", "de"),
    ("de", "workshop_offer_made", "ar"),
    ("ar", "registration_cancelled", "ar"),
    ("ar", "training_session_cancelled", "de"),
]


def _reflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_organiser_previews_mails_in_german_and_arabic_on_a_phone(page, live_server):
    organiser = get_user_model().objects.create_user(email="orga@example.org", password="x" * 12)
    event = EventFactory(title_de="Fachtag 2027")
    EventRole.objects.create(user=organiser, event=event, role=EventRole.Role.ORGANISER)
    MessageText.objects.create(event=event, kind="registration_confirmed", text_ar="استخدموا المدخل الشمالي.")
    log_in(page, live_server, organiser)
    page.set_viewport_size({"width": 320, "height": 740})

    for staff_language in ("de", "ar"):
        set_staff_language(user=organiser, language=staff_language)
        open_form(page, f"{live_server.url}/staff/mail-previews/")
        assert page.locator("html").get_attribute("dir") == ("rtl" if staff_language == "ar" else "ltr")
        assert page.locator(".mail-previews a").count() == len(mail_previews.KINDS)  # one link per kind
        assert _reflows(page), staff_language
        assert axe_violations(page) == []

    # From the back office's start page to the index, and on to one mail.
    set_staff_language(user=organiser, language="de")
    page.goto(f"{live_server.url}/staff/")
    page.get_by_role("link", name="Vorschau aller System-E-Mails").click()
    page.get_by_role("link", name="Ein Workshop-Platz ist für Sie frei").click()
    page.wait_for_url("**/workshop_offer_made/de/")
    assert page.url == f"{live_server.url}/staff/mail-previews/workshop_offer_made/de/"

    for staff_language, kind, language in VISITS:
        set_staff_language(user=organiser, language=staff_language)
        open_form(page, f"{live_server.url}/staff/mail-previews/{kind}/{language}/")
        direction = "rtl" if language == "ar" else "ltr"
        assert page.locator("html").get_attribute("lang") == staff_language
        text = page.locator("pre.mail-preview-text")
        assert (text.get_attribute("lang"), text.get_attribute("dir")) == (language, direction)
        assert "Amal Haddad" in text.inner_text()
        frame = page.frame_locator("iframe.mail-preview-html")
        assert frame.locator("html").get_attribute("lang") == language
        assert frame.locator("html").get_attribute("dir") == direction
        assert "Amal Haddad" in frame.locator("body").inner_text()
        # The mail's own inline styles apply in its frame (its policy allows them, the page's does not).
        assert frame.locator("body").evaluate("b => getComputedStyle(b).fontFamily") == "sans-serif"
        assert _reflows(page), (kind, language)
        assert axe_violations(page) == [], (kind, language)

    # The cancellation's calendar entry removes the session from her calendar.
    assert page.locator("dd code", has_text="CANCEL").count() == 1

    # With the words her event adds to the confirmation, in the mail's language (a GET form).
    set_staff_language(user=organiser, language="de")
    open_form(page, f"{live_server.url}/staff/mail-previews/registration_confirmed/ar/")
    page.get_by_label("Zusätzlicher Text einer Veranstaltung").select_option(label="Fachtag 2027")
    page.get_by_role("button", name="Mit diesem Text anzeigen").click()
    page.wait_for_url(f"**/registration_confirmed/ar/?event={event.slug}")
    assert "استخدموا المدخل الشمالي." in page.locator("pre.mail-preview-text").inner_text()
    frame = page.frame_locator("iframe.mail-preview-html")
    assert "استخدموا المدخل الشمالي." in frame.locator("body").inner_text()
    assert _reflows(page) and axe_violations(page) == []
    assert page.csp_errors == [] and page.foreign_requests == []


def test_every_mail_kind_previews_in_german_and_arabic_without_wcag_violations(page, live_server):
    """Issue #24's proof: the preview page of each mail kind in de and in ar (right to left); each kind's page
    axe-clean (checked in ar)."""
    from backoffice.mail_previews import KINDS

    staff = get_user_model().objects.create_user(email="staff@example.org", password="x" * 12, is_staff=True)
    log_in(page, live_server, staff)
    for language in ("de", "ar"):
        set_staff_language(user=staff, language=language)  # the page around the mail in the same language
        for kind in KINDS:
            open_form(page, f"{live_server.url}/staff/mail-previews/{kind}/{language}/")
            text = page.locator("pre.mail-preview-text")
            assert text.get_attribute("dir") == ("rtl" if language == "ar" else "ltr"), kind
            assert text.inner_text().strip(), kind
            if language == "ar":  # axe once per kind, on the right-to-left page (the same template in de)
                assert axe_violations(page) == [], kind
    assert page.csp_errors == [] and page.foreign_requests == []
