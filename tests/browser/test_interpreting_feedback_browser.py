"""H14 (#25) in Chromium through the production middleware: an organiser marks an interpreter as arranged on
the dashboard, and sets the feedback survey's window and switches it off. Both pages have no WCAG 2.1 AA
violation and reflow at 320 px in German and Arabic."""

import re

import pytest
from django.contrib.auth import get_user_model

from backoffice.models import AuditEntry, EventRole
from fachtag.models import InterpreterBooking
from feedback.models import Survey
from tests.backoffice.test_report import people
from tests.browser.test_event_setup_browser import assert_success
from tests.browser_support import axe_violations, check_staff_page, log_in, open_form, submit
from tests.factories import EventFactory, berlin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def organiser_of(event):
    user = get_user_model().objects.create_user(email="orga-h14@example.org", password="x" * 12)
    EventRole.objects.create(user=user, event=event, role=EventRole.Role.ORGANISER)
    return user


def test_an_organiser_arranges_an_interpreter_on_the_dashboard(page, live_server):
    event = EventFactory(slug="fachtag-dolmetschen")
    people(event, 6, interpreting="ar")
    people(event, 2, interpreting="fa")
    organiser = organiser_of(event)
    log_in(page, live_server, organiser)
    url = f"{live_server.url}/staff/events/{event.slug}/"
    open_form(page, url)
    check_staff_page(page, organiser)
    warning = page.locator("#interpreting .kern-alert--warning")
    assert warning.inner_text().strip() == "Noch keine Dolmetschung organisiert für Arabisch, Persisch."
    arabic = page.locator("#interpreting tbody tr", has_text="Arabisch")
    assert "Noch nicht organisiert" in arabic.inner_text()

    landed = submit(
        page, arabic.get_by_role("button", name=re.compile(r"^Dolmetschung organisiert\W+Arabisch$"))
    )
    assert landed.status == 200 and page.url == f"{url}#interpreting"
    assert_success(page)
    assert list(InterpreterBooking.objects.values_list("event__slug", "language")) == [(event.slug, "ar")]
    assert AuditEntry.objects.filter(action="interpreter_arranged", event=event).count() == 1
    assert page.locator("#interpreting .kern-alert--warning").inner_text().strip() == (
        "Noch keine Dolmetschung organisiert für Persisch."
    )
    arabic = page.locator("#interpreting tbody tr", has_text="Arabisch")
    assert "Organisiert" in arabic.inner_text()
    assert axe_violations(page) == []

    submit(page, arabic.get_by_role("button", name=re.compile(r"^Nicht mehr organisiert\W+Arabisch$")))
    assert not InterpreterBooking.objects.exists()
    assert page.locator("#interpreting tbody tr", has_text="Arabisch").get_by_role("button").count() == 1


def test_an_organiser_sets_the_survey_window_and_switches_it_off(page, live_server):
    event = EventFactory(slug="fachtag-umfrage")  # 12 March 2099: before the event
    organiser = organiser_of(event)
    log_in(page, live_server, organiser)
    open_form(page, f"{live_server.url}/staff/events/{event.slug}/")
    with page.expect_navigation():
        page.click(f"main a[href='/staff/events/{event.slug}/feedback/']")
    check_staff_page(page, organiser)
    assert page.input_value("#id_opens_at") == "2099-03-13T09:00"  # the default: the next morning

    # A closing before the opening: answered next to the field, what she entered kept.
    page.fill("#id_opens_at", "2099-03-14T10:00")
    page.fill("#id_closes_at", "2099-03-14T08:00")
    submit(page, "#form button[type=submit]")
    assert (
        page.locator("#id_closes_at_error").inner_text().strip()
        == "Die Umfrage muss nach ihrem Beginn enden."
    )
    assert page.locator(".error-summary a[href='#id_closes_at']").count() == 1
    assert page.input_value("#id_opens_at") == "2099-03-14T10:00"
    assert page.title().startswith("Fehler:")
    assert axe_violations(page) == []
    assert not Survey.objects.exists()

    page.fill("#id_closes_at", "2099-03-28T18:00")
    submit(page, "#form button[type=submit]")
    assert_success(page)
    survey = Survey.objects.get(event=event)
    assert (survey.opens_at, survey.closes_at, survey.is_off) == (
        berlin(2099, 3, 14, 10, 0),
        berlin(2099, 3, 28, 18, 0),
        False,
    )
    assert "Noch nicht geöffnet" in page.locator("main dl").inner_text()

    page.check("#id_is_off")
    submit(page, "#form button[type=submit]")
    assert_success(page)
    survey.refresh_from_db()
    assert survey.is_off and survey.opens_at == berlin(2099, 3, 14, 10, 0)
    assert "Ausgeschaltet" in page.locator("main dl").inner_text()
    assert page.is_checked("#id_is_off")
    assert AuditEntry.objects.filter(action="feedback_window", event=event).count() == 2
