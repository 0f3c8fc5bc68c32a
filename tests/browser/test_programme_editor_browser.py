"""The programme on one page in Chromium (#23): an organiser builds and changes the day through the page's
real forms, sent through the production middleware (CSP, Referrer-Policy, CSRF with the browser's Origin);
the page and its confirmation page have no WCAG 2.1 AA violations and reflow at 320 px in de and ar."""

import pytest
from django.contrib.auth import get_user_model

from accounts.services import set_staff_language
from backoffice.models import AuditEntry, EventRole
from fachtag.models import TimeSlot, Workshop
from notifications.models import OutboxMessage
from tests.browser_support import axe_violations, log_in, open_form, submit
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.registrations.helpers import reload, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPEN_EVERY_FORM = "document.querySelectorAll('details').forEach((d) => { d.open = true; })"


def reflows_at_320(page, organiser, language: str, direction: str) -> None:
    set_staff_language(user=organiser, language=language)  # the back office speaks her own language
    page.reload()
    assert (page.locator("html").get_attribute("lang"), page.locator("html").get_attribute("dir")) == (
        language,
        direction,
    )
    page.evaluate(OPEN_EVERY_FORM)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), language


def test_an_organiser_builds_and_changes_the_programme_on_one_page(page, live_server):
    event = EventFactory(slug="fachtag-2099", title_de="Fachtag Arbeitsmarktintegration von Migrantinnen")
    morning = TimeSlotFactory(event=event, title_de="Workshop-Phase I")  # 10:00–11:30
    pause = TimeSlotFactory(
        event=event, title_de="Pause", starts_at=berlin(2099, 3, 12, 12), ends_at=berlin(2099, 3, 12, 13)
    )
    first = WorkshopFactory(slot=morning, title_de="Anerkennung ausländischer Berufsabschlüsse", capacity=3)
    second = WorkshopFactory(slot=morning, title_de="Bewerbungstraining", capacity=10)
    seated = [sign_up(event, first), sign_up(event, first)]
    told = sign_up(event, second)
    organiser = get_user_model().objects.create_user(
        email="orga@example.org", password="x" * 12, is_staff=True
    )
    EventRole.objects.create(user=organiser, event=event, role=EventRole.Role.ORGANISER)
    log_in(page, live_server, organiser)
    programme = f"{live_server.url}/staff/events/{event.slug}/programme/"

    # The page, every form opened: accessible, and no sideways scrolling on a phone in de and ar.
    open_form(page, programme)
    page.evaluate(OPEN_EVERY_FORM)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 740})
    reflows_at_320(page, organiser, "ar", "rtl")
    reflows_at_320(page, organiser, "de", "ltr")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert "2 von 3" in page.locator(f"#workshop-{first.pk}").inner_text()

    # A new time slot in the afternoon, then its end moved.
    page.select_option("#id_new-slot-kind", "parallel")
    page.fill("#id_new-slot-starts_at", "13:00")
    page.fill("#id_new-slot-ends_at", "14:30")
    page.fill("#id_new-slot-title_de", "Workshop-Phase II")
    submit(page, "#new-slot button[type=submit]")
    afternoon = TimeSlot.objects.get(title_de="Workshop-Phase II")
    assert (afternoon.starts_at, afternoon.ends_at) == (berlin(2099, 3, 12, 13), berlin(2099, 3, 12, 14, 30))
    assert page.locator(".kern-alert--success").count() == 1
    page.click(f"#slot-{afternoon.pk} details:has(form[action$='/slots/{afternoon.pk}/']) summary")
    page.fill(f"#id_slot-{afternoon.pk}-ends_at", "15:00")
    submit(page, f"form[action$='/slots/{afternoon.pk}/'] button[type=submit]")
    assert reload(afternoon).ends_at == berlin(2099, 3, 12, 15)

    # A workshop in it, with its languages.
    page.click(f"#slot-{afternoon.pk} details:has(form[action$='/workshops/']) summary")
    page.fill(f"#id_add-{afternoon.pk}-title_de", "Sprachkurse finden")
    page.fill(f"#id_add-{afternoon.pk}-speakers", "Amal Haddad")
    page.fill(f"#id_add-{afternoon.pk}-room", "Raum 2")
    page.fill(f"#id_add-{afternoon.pk}-capacity", "15")
    page.check(f"#slot-{afternoon.pk} input[name='add-{afternoon.pk}-languages'][value='ar']")
    submit(page, f"form[action$='/slots/{afternoon.pk}/workshops/'] button[type=submit]")
    added = Workshop.objects.get(title_de="Sprachkurse finden")
    assert (added.slot, added.capacity, added.languages, added.room) == (afternoon, 15, ["ar"], "Raum 2")

    # A capacity below the two seats taken is refused next to the field, with her entry kept; then raised.
    capacity = f"#id_workshop-{first.pk}-capacity"
    page.click(f"#workshop-{first.pk} details summary")
    page.fill(capacity, "1")
    submit(page, f"form[action$='/workshops/{first.pk}/'] button[type=submit]")
    assert page.title().startswith("Fehler:")
    assert page.locator(".error-summary a").first.get_attribute("href") == capacity
    assert page.locator(capacity).get_attribute("aria-invalid") == "true"
    assert page.locator(capacity).input_value() == "1"
    assert "(2)" in page.locator(f"#id_workshop-{first.pk}-capacity_error").inner_text()
    assert axe_violations(page) == []
    page.fill(capacity, "20")
    submit(page, f"form[action$='/workshops/{first.pk}/'] button[type=submit]")
    assert reload(first).capacity == 20

    # Reordered: the second workshop moves up.
    submit(page, f"#workshop-{second.pk} button[value=up]")
    assert list(morning.workshops.order_by("position", "pk")) == [second, first]
    assert page.locator(f"#slot-{morning.pk} h3").first.inner_text() == second.title_de

    # The empty slot is removed.
    page.click(f"#slot-{pause.pk} details:has(form[action$='/slots/{pause.pk}/']) summary")
    submit(page, f"form[action$='/slots/{pause.pk}/remove/'] button")
    assert not TimeSlot.objects.filter(pk=pause.pk).exists()

    # Cancelled, after a confirmation page that says who is told.
    page.click(f"#workshop-{second.pk} a[href$='/cancel/']")
    page.wait_for_url(f"**/workshops/{second.pk}/cancel/")
    open_form(page, page.url)
    assert axe_violations(page) == []
    submit(page, "main form button[type=submit]")
    assert reload(second).is_cancelled
    assert OutboxMessage.objects.filter(to=told.email, kind="workshop_cancelled").exists()
    assert "Abgesagt" in page.locator(f"#workshop-{second.pk}").inner_text()
    assert not any(OutboxMessage.objects.filter(to=p.email, kind="workshop_cancelled") for p in seated)

    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "programme_slot_add",
        "programme_slot_edit",
        "programme_workshop_add",
        "programme_workshop_edit",
        "programme_workshop_order",
        "programme_slot_remove",
        "programme_workshop_cancel",
    ]
    assert page.csp_errors == [] and page.foreign_requests == []
