"""Issue #23 end to end in Chromium, as a new organiser sets up next year's Fachtag: she copies last year's
demo event to a new date, changes a workshop on the programme page, adds an Arabic translation, is refused
publishing while childcare has no age group, fixes it, publishes; a participant signs up on the new event;
the organiser fixes the participant's mistyped e-mail address. Every form through the production
middleware (CSP, Referrer-Policy, CSRF with the browser's Origin)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from backoffice.models import EventRole
from fachtag.models import Event, TimeSlot, Workshop
from notifications.models import OutboxMessage
from registrations.models import Registration
from tests.browser_support import log_in, open_form, submit
from tests.registrations.helpers import reload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def saved(page) -> None:
    assert page.locator(".kern-alert--success").count() == 1, page.locator("main").inner_text()[:600]


def test_an_organiser_sets_up_next_years_event_and_a_participant_signs_up(page, live_server, settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    call_command("load_demo")
    last_year = Event.objects.filter(kind=Event.Kind.FACHTAG).order_by("starts_at").first()
    organiser = get_user_model().objects.create_user(
        email="orga@example.org", password="x" * 12, is_staff=True, language="de"
    )
    EventRole.objects.create(user=organiser, event=last_year, role=EventRole.Role.ORGANISER)
    log_in(page, live_server, organiser)

    # Copy last year's event to a new date.
    open_form(page, f"{live_server.url}/staff/events/{last_year.slug}/copy/")
    new_day = timezone.localdate() + timedelta(days=60)
    page.fill("#id_new_date", new_day.isoformat())
    page.fill("#id_title_de", f"Fachtag Arbeitsmarktintegration {new_day.year}")
    page.fill("#id_slug", "fachtag-naechstes-jahr")
    submit(page, "#form button[type=submit]")
    saved(page)
    event = Event.objects.get(slug="fachtag-naechstes-jahr")
    staff = f"{live_server.url}/staff/events/{event.slug}"
    assert timezone.localtime(event.starts_at).date() == new_day and event.status == Event.Status.DRAFT

    # The programme on one page: a workshop's capacity changed in place.
    workshop = Workshop.objects.filter(
        slot__event=event, slot__kind=TimeSlot.Kind.PARALLEL, status=Workshop.Status.SCHEDULED
    ).order_by("slot__starts_at", "position", "pk")[0]
    open_form(page, f"{staff}/programme/")
    page.click(f"#workshop-{workshop.pk} details summary")
    page.fill(f"#id_workshop-{workshop.pk}-capacity", "12")
    submit(page, f"form[action$='/workshops/{workshop.pk}/'] button[type=submit]")
    assert reload(workshop).capacity == 12

    # An Arabic title for the event, in the one-language view.
    open_form(page, f"{staff}/translations/ar/")
    page.fill(f"#id_event-{event.pk}-title", "اليوم المتخصص للعام القادم")
    submit(page, "main form button[type=submit]")
    saved(page)
    assert reload(event).title_ar == "اليوم المتخصص للعام القادم"

    # Childcare stays offered, but every age group is removed; sign-up opens today.
    open_form(page, f"{staff}/settings/")
    groups = event.childcare_groups.count()
    assert groups > 0
    for index in range(groups):
        page.check(f"#id_groups-{index}-remove")
    opens = timezone.localtime() - timedelta(hours=1)
    page.fill("#id_registration_opens_at", opens.strftime("%Y-%m-%dT%H:%M"))
    submit(page, "#form button[type=submit]")
    saved(page)
    assert reload(event).has_childcare and event.childcare_groups.count() == 0

    # Publishing is refused, and the checklist says why.
    open_form(page, f"{staff}/publish/")
    submit(page, "button[value=publish]")
    assert page.locator(".error-summary a[href='#check-childcare_groups']").is_visible()
    assert reload(event).status == Event.Status.DRAFT

    # An age group added on the settings page; now it publishes.
    open_form(page, f"{staff}/settings/")
    page.fill("#id_groups-0-min_age", "0")
    page.fill("#id_groups-0-max_age", "10")
    page.fill("#id_groups-0-capacity", "8")
    submit(page, "#form button[type=submit]")
    saved(page)
    open_form(page, f"{staff}/publish/")
    submit(page, "button[value=publish]")
    saved(page)
    assert reload(event).status == Event.Status.PUBLISHED

    # A participant signs up on the new event, in Arabic, with a typo in her address.
    open_form(page, f"{live_server.url}/ar/events/{event.slug}/signup/")
    assert "اليوم المتخصص للعام القادم" in page.locator("h1").inner_text()
    page.fill("#id_name", "أمل حداد")
    page.fill("#id_email", "amal@exmaple.org")
    page.check(f"input[value='{workshop.pk}']")
    page.fill("#id_child_ages", "4")
    page.check("#id_privacy_consent")
    submit(page, "#form button[type=submit]")
    assert page.url.endswith("/done/")
    amal = Registration.objects.get(event=event)
    assert amal.status == Registration.Status.CONFIRMED
    assert amal.bookings.get().workshop_id == workshop.pk and amal.children.get().age == 4

    # The organiser fixes the address: her link goes to the new one only.
    open_form(page, f"{staff}/participants/{amal.pk}/edit/")
    page.fill("#id_email", "amal@example.org")
    submit(page, "main form[method=post] button[type=submit]")
    saved(page)
    assert reload(amal).email == "amal@example.org"
    assert OutboxMessage.objects.filter(kind="personal_link", to="amal@example.org").count() == 1
    assert page.csp_errors == [] and page.foreign_requests == []
