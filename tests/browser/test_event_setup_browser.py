"""Setting events up in Chromium through the production middleware (#23): an organiser copies last year's demo
Fachtag to a new date and changes its settings; an administrator creates a new event. Each page has no WCAG
2.1 AA violations and reflows at 320 px in German and Arabic."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from backoffice.models import EventRole
from fachtag.models import Event
from tests.browser_support import axe_violations, check_staff_page, log_in, open_form, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_success(page) -> None:
    assert page.locator(".kern-alert--success").count() == 1, page.locator("main").inner_text()[:500]
    assert page.locator(".kern-alert--danger").count() == 0


def test_an_organiser_copies_last_years_demo_event_and_changes_its_settings(page, live_server):
    call_command("load_demo")
    past = Event.objects.filter(kind=Event.Kind.FACHTAG).order_by("starts_at").first()
    organiser = get_user_model().objects.create_user(
        email="orga@example.org", password="x" * 12, is_staff=True
    )
    EventRole.objects.create(user=organiser, event=past, role=EventRole.Role.ORGANISER)
    log_in(page, live_server, organiser)

    open_form(page, f"{live_server.url}/staff/events/{past.slug}/")
    with page.expect_navigation():
        page.click(f"main a[href='/staff/events/{past.slug}/copy/']")
    check_staff_page(page, organiser)
    suggested = date.fromisoformat(page.input_value("#id_new_date"))
    assert suggested > date.today() and str(suggested.year) in page.input_value("#id_title_de")
    new_date = suggested + timedelta(days=7)

    # A mistake first: answered next to the field, with what she entered kept.
    page.fill("#id_new_date", new_date.isoformat())
    page.fill("#id_title_de", "")
    page.fill("#id_slug", "fachtag-herbst")
    submit(page, "#form button[type=submit]")
    assert page.locator("#id_title_de_error").is_visible()
    assert page.input_value("#id_slug") == "fachtag-herbst"
    assert not Event.objects.filter(slug="fachtag-herbst").exists()

    page.fill("#id_title_de", f"Fachtag zur Arbeitsmarktintegration von Migrantinnen {new_date.year}")
    submit(page, "#form button[type=submit]")
    assert page.url == f"{live_server.url}/staff/events/fachtag-herbst/"
    assert_success(page)
    copy = Event.objects.get(slug="fachtag-herbst")
    assert copy.status == Event.Status.DRAFT and copy.kind == Event.Kind.FACHTAG
    assert copy.slots.count() == past.slots.count() == 4
    assert copy.childcare_groups.count() == 3
    assert copy.registrations.count() == 0

    with page.expect_navigation():
        page.click("main a[href='/staff/events/fachtag-herbst/settings/']")
    check_staff_page(page, organiser)
    for code in ("ar", "uk"):
        assert page.is_checked(f"input[name=interpreting_languages][value={code}]")
    page.uncheck("input[name=interpreting_languages][value=uk]")
    page.fill("#id_reminder_days", "3 Tage")
    submit(page, "#form button[type=submit]")  # answered next to the field, on an accessible page
    assert page.locator("#id_reminder_days_error").is_visible()
    assert page.locator(".error-summary a[href='#id_reminder_days']").count() == 1
    assert page.input_value("#id_reminder_days") == "3 Tage"
    assert not page.is_checked("input[name=interpreting_languages][value=uk]")
    assert axe_violations(page) == []
    page.fill("#id_reminder_days", "3")
    page.select_option("#id_waitlist_mode", "direct")
    page.fill("#id_groups-3-min_age", "13")
    page.fill("#id_groups-3-max_age", "17")
    page.fill("#id_groups-3-capacity", "6")
    page.check("#id_groups-0-remove")
    submit(page, "#form button[type=submit]")
    assert page.url == f"{live_server.url}/staff/events/fachtag-herbst/settings/"
    assert_success(page)
    copy.refresh_from_db()
    assert "uk" not in copy.interpreting_languages and "ar" in copy.interpreting_languages
    assert (copy.reminder_days, copy.waitlist_mode) == ([3], "direct")
    assert list(copy.childcare_groups.values_list("min_age", "max_age")) == [(3, 5), (6, 12), (13, 17)]
    assert past.childcare_groups.count() == 3  # last year's event is untouched
    assert page.foreign_requests == [] and page.csp_errors == []


def test_an_administrator_creates_a_new_event(page, live_server):
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    log_in(page, live_server, admin)
    open_form(page, f"{live_server.url}/staff/")
    with page.expect_navigation():
        page.click("main a[href='/staff/new-event/']")
    check_staff_page(page, admin)
    page.fill("#id_title_de", "Fachtag Pflegeberufe 2099")
    page.fill("#id_slug", "pflege-2099")
    page.fill("#id_starts_at", "2099-06-04T09:00")
    page.fill("#id_ends_at", "2099-06-04T16:00")
    page.fill("#id_venue_name", "Volkshochschule")
    page.fill("#id_venue_address", "Löhrstraße 3–7\n04105 Leipzig")
    page.fill("#id_capacity", "80")
    page.fill("#id_registration_closes_at", "2099-06-03T12:00")
    submit(page, "#form button[type=submit]")
    assert page.url == f"{live_server.url}/staff/events/pflege-2099/"
    assert_success(page)
    event = Event.objects.get(slug="pflege-2099")
    assert (event.title_de, event.status, event.capacity) == ("Fachtag Pflegeberufe 2099", "draft", 80)
    assert page.foreign_requests == [] and page.csp_errors == []
