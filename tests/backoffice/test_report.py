"""H11: the report for the coordination body — figures on a known data set, the previous year beside
them, "< 5" cells, and a fixed number of queries at 5,000 registrations."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from backoffice import report
from backoffice.models import AuditEntry, EventRole
from fachtag.models import ChildcareGroup, Event
from registrations.models import Booking, Child, Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin

pytestmark = pytest.mark.django_db


def people(
    event, n, *, status=Registration.Status.CONFIRMED, language="de", interpreting="", checked_in=False
):
    now = timezone.now()
    start = Registration.objects.count()
    return Registration.objects.bulk_create(
        Registration(
            event=event,
            status=status,
            name=f"Person {start + i}",
            email=f"p{start + i}@example.org",
            language=language,
            interpreting_language=interpreting,
            privacy_consent_at=now,
            privacy_notice_version="1",
            checked_in_at=now if checked_in else None,
        )
        for i in range(n)
    )


def book(registrations, workshop, status=Booking.Status.CONFIRMED):
    Booking.objects.bulk_create(
        Booking(registration=r, workshop=workshop, slot=workshop.slot, status=status) for r in registrations
    )


@pytest.fixture
def known():
    return known_data()


def known_data():
    """This year: 12 confirmed (6 Arabic-speaking with interpreting into Arabic and a toddler each, 5 of
    them checked in; 6 German, 2 checked in), 3 waiting (Persian, interpreting into Persian, one child of
    4), 2 cancelled. Last year: 8 confirmed in German, 4 checked in. Two years ago and a training series
    last year must not be the comparison."""
    EventFactory(slug="fachtag-2097", starts_at=berlin(2097, 3, 12, 9, 0))
    EventFactory(slug="training-2098", kind=Event.Kind.TRAINING, starts_at=berlin(2098, 9, 1, 9, 0))
    last = EventFactory(slug="fachtag-2098", title_de="Fachtag 2098", starts_at=berlin(2098, 3, 12, 9, 0))
    people(last, 4, checked_in=True)
    people(last, 4)
    event = EventFactory(slug="fachtag-2099", title_de="Fachtag 2099", has_childcare=True)
    slot = TimeSlotFactory(event=event)
    full = WorkshopFactory(slot=slot, title_de="Bewerbung", capacity=10)
    quiet = WorkshopFactory(slot=slot, title_de="Netzwerken", capacity=20)
    toddlers = ChildcareGroup.objects.create(event=event, min_age=0, max_age=2, capacity=10)
    older = ChildcareGroup.objects.create(event=event, min_age=3, max_age=6, capacity=10)
    arabic = people(event, 5, language="ar", interpreting="ar", checked_in=True)
    arabic += people(event, 1, language="ar", interpreting="ar")
    german = people(event, 2, checked_in=True) + people(event, 4)
    waiting = people(event, 3, status=Registration.Status.WAITLISTED, language="fa", interpreting="fa")
    people(event, 2, status=Registration.Status.CANCELLED)
    book(arabic + german[:4], full)
    book(german[4:], quiet)
    book(waiting, full, Booking.Status.WAITLISTED)
    Child.objects.bulk_create(Child(registration=r, age=1, group=toddlers) for r in arabic)
    Child.objects.create(registration=waiting[0], age=4, group=older)
    # Sign-ups over two weeks: ten on a Friday, the other seven on the Tuesday after.
    Registration.objects.filter(event=event).update(created_at=berlin(2099, 1, 13, 9))
    Registration.objects.filter(pk__in=[r.pk for r in arabic + german[:4]]).update(
        created_at=berlin(2099, 1, 9, 9)
    )
    return event, last


def table(built, key):
    return next(t for t in built.tables if t.key == key)


def figures(built, key):
    return {row.label: (row.values, row.previous) for row in table(built, key).rows}


def test_figures_of_a_known_event_beside_the_previous_one(known):
    event, last = known
    built = report.build(event)
    assert built.previous == last
    assert figures(built, "totals") == {
        "Anmeldungen": ([17], 8),
        "Bestätigt": ([12], 8),
        "Auf der Warteliste": ([3], 0),
        "Abgesagt": ([2], 0),
        "Eingecheckt": ([7], 4),
    }
    assert figures(built, "weeks") == {"05.01.2099": ([10, 10], None), "12.01.2099": ([7, 17], None)}
    assert figures(built, "workshops") == {
        f"{built.tables[2].rows[0].label}": ([100, 10, 10, "< 5"], None),
        f"{built.tables[2].rows[1].label}": ([10, "< 5", 20, 0], None),
    }
    assert [row.label.split(" ", 1)[1] for row in table(built, "workshops").rows] == [
        "Bewerbung",
        "Netzwerken",
    ]
    assert [row.values for row in table(built, "childcare").rows] == [[6, 6, 5], ["< 5", 0, 0]]
    interpreting = figures(built, "interpreting")
    assert [values for values, _ in interpreting.values()] == [[6, 0], ["< 5", 0]]
    languages = {label: pair for label, pair in figures(built, "languages").items()}
    assert sorted(languages.values(), key=str) == sorted([([6], 0), ([6], 8), (["< 5"], 0)], key=str)


def test_no_previous_event_no_comparison():
    event = EventFactory(slug="first", starts_at=berlin(2099, 3, 12, 9, 0))
    people(event, 3)
    built = report.build(event)
    assert built.previous is None
    assert not table(built, "totals").with_previous
    assert figures(built, "languages") == {"Deutsch": (["< 5"], None)}


def test_the_page_shows_charts_with_their_tables_and_masks_small_groups(known, client, django_user_model):
    event, _ = known
    organiser = django_user_model.objects.create_user(email="orga@example.org", password="a-long-password-1")
    EventRole.objects.create(user=organiser, event=event, role=EventRole.Role.ORGANISER)
    client.force_login(organiser)
    address = reverse("backoffice:report", kwargs={"slug": event.slug})
    assert address in client.get(reverse("backoffice:dashboard", kwargs={"slug": event.slug})).text
    page = client.get(address).text
    assert page.count('role="img"') == 6
    assert page.count("<caption") == 6
    assert "&lt; 5" in page
    assert "Fachtag 2098" in page
    assert "Person 1" not in page and "p1@example.org" not in page  # counts only, never names


def test_a_fixed_number_of_queries_at_5000_registrations(known, client, django_user_model):
    """The figures, the page and the spreadsheet take as many queries at 5,000 sign-ups as at 17."""
    event, last = known
    organiser = organiser_client(client, django_user_model, event)
    addresses = [
        reverse(f"backoffice:{name}", kwargs={"slug": event.slug}) for name in ("report", "report_xlsx")
    ]

    def measure():
        with CaptureQueriesContext(connection) as figures:
            built = report.build(event)
        counts = [len(figures)]
        for address in addresses:
            with CaptureQueriesContext(connection) as page:
                assert organiser.get(address).status_code == 200
            counts.append(len(page))
        return built, counts

    _built, small = measure()
    workshops = list(event.slots.first().workshops.all())
    group = event.childcare_groups.first()
    for index in range(5):
        batch = people(event, 1000, language=["de", "ar", "uk", "fa", "tr"][index], interpreting="ar")
        book(batch, workshops[index % 2])
        Child.objects.bulk_create(Child(registration=r, age=1, group=group) for r in batch[::3])
    people(last, 500)
    assert Registration.objects.filter(event=event).count() > 5000
    built, large = measure()
    assert large == small
    assert large[0] <= 13 and large[1] <= 25
    assert figures(built, "totals")["Anmeldungen"] == ([5017], 508)


def organiser_client(client, django_user_model, event):
    organiser = django_user_model.objects.create_user(email="orga2@example.org", password="a-long-password-1")
    EventRole.objects.create(user=organiser, event=event, role=EventRole.Role.ORGANISER)
    client.force_login(organiser)
    return client


def test_the_spreadsheet_holds_the_figures_of_the_page(known, client, django_user_model):
    event, _ = known
    response = organiser_client(client, django_user_model, event).get(
        reverse("backoffice:report_xlsx", kwargs={"slug": event.slug})
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 6
    totals = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert ["Eingecheckt", 7, 4] in totals and ["Anmeldungen", 17, 8] in totals
    childcare = [list(row) for row in workbook.worksheets[3].iter_rows(values_only=True)]
    assert ["0 bis 2 Jahre", 6, 6, 5] in childcare and ["3 bis 6 Jahre", "< 5", 0, 0] in childcare
    assert AuditEntry.objects.filter(event=event, action="export", detail__kind="report.xlsx").exists()


def test_the_pdf_is_german_with_its_charts_and_figures(known, client, django_user_model):
    event, _ = known
    organiser = organiser_client(client, django_user_model, event)
    with translation.override("ar"):
        response = organiser.get(reverse("backoffice:report_pdf", kwargs={"slug": event.slug}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Bericht: Fachtag 2099" in text
    assert "Kinderbetreuung nach Altersgruppe" in text and "Fachtag 2098" in text
    assert "< 5" in text and "Person 1" not in text


def test_the_demo_gives_last_years_fachtag_figures_for_the_report():
    call_command("load_demo")
    call_command("load_demo_registrations")
    call_command("load_demo_registrations")  # a second run adds nothing
    upcoming = Event.objects.filter(kind=Event.Kind.FACHTAG).order_by("-starts_at").first()
    built = report.build(upcoming)
    assert built.previous is not None and built.previous.registrations.count() == 120
    totals = figures(built, "totals")
    assert totals["Anmeldungen"] == ([0], 120)
    assert 0 < totals["Eingecheckt"][1] < totals["Bestätigt"][1]
    last = report.build(built.previous)
    assert all(row.values[0] for row in table(last, "childcare").rows)
    assert sum(row.values[1] for row in table(last, "workshops").rows if isinstance(row.values[1], int)) > 0
