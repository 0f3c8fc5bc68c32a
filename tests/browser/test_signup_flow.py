import pytest

from fachtag.models import ChildcareGroup
from registrations.models import Registration
from tests.browser_support import axe_violations, open_form, submit
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def event(settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    event = EventFactory(slug="fachtag-test", title_de="Fachtag Arbeit", has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=10)
    slot = TimeSlotFactory(event=event, title_de="Workshop-Phase 1")
    WorkshopFactory(slot=slot, title_de="Anerkennung", capacity=10)
    full = WorkshopFactory(slot=slot, title_de="Bewerbung", capacity=1)
    type(full).objects.filter(pk=full.pk).update(seats_taken=1)
    return event


@pytest.mark.parametrize("language", ["de", "ar"])
def test_sign_up_form_empty_and_with_errors_has_no_wcag_violations(page, live_server, event, language):
    page.goto(f"{live_server.url}/{language}/events/fachtag-test/signup/")
    assert axe_violations(page) == []
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert axe_violations(page) == []
    assert page.foreign_requests == []


@pytest.mark.parametrize("language", ["de", "ar"])
def test_a_person_signs_up_in_the_browser_and_sees_her_booking(page, live_server, event, language):
    open_form(page, f"{live_server.url}/{language}/events/fachtag-test/signup/")
    page.fill("#id_name", "أمل حداد")
    page.fill("#id_email", f"amal-{language}@example.org")
    page.check("label:has-text('Anerkennung')")
    page.fill("#id_child_ages", "2, 5")
    page.select_option("#id_interpreting_language", "ar")
    page.check("#id_privacy_consent")
    submit(page, "#form button[type=submit]")
    assert page.url.endswith("/done/")
    assert axe_violations(page) == []
    assert "Anerkennung" in page.content()
    registration = Registration.objects.get()
    assert registration.children.count() == 2
    assert registration.interpreting_language == "ar"
