"""Hostile names (markup, spreadsheet formulas, bidi overrides) are inert on every staff page that shows
names and in every spreadsheet export.

The sign-up form refuses control and bidi characters, but names reach the database by other ways too
(walk-in form, admin, older rows): here they are written straight into the rows.
"""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from backoffice.models import EventRole
from fachtag.models import ChildcareGroup, Event, TimeSlot
from mediators import services as mediator_services
from mediators.models import MediatorProfile, SessionRecord
from registrations.models import Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
    "\u202eevil",
    "\u2066isolated\u2069",
]
# Each name ends in its own marker, so that its cells and its places on a page can be found.
NAMES = [f"{payload} Zq{number}" for number, payload in enumerate(HOSTILE)]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
SPREADSHEETS = [
    f"{name}_{fmt}" for name in ("participants", "childcare", "interpreting") for fmt in ("csv", "xlsx")
]


@pytest.fixture
def fachtag():
    event = EventFactory(slug="hostile", has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=50)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), capacity=50)
    people = []
    for number, name in enumerate(NAMES):
        person = sign_up(
            event,
            workshop,
            name=f"Person {number}",
            child_ages=[3],
            interpreting_language="ar",
            phone="0341 1234",
        )
        Registration.objects.filter(pk=person.pk).update(name=name, organisation=name)
        people.append(person)
    organiser = get_user_model().objects.create_user(
        email="orga@example.org", password="x" * 12, is_staff=True
    )
    EventRole.objects.create(user=organiser, event=event, role=EventRole.Role.ORGANISER)
    return event, people, organiser


def assert_inert_html(content: str, names=NAMES) -> None:
    """No markup from a name runs, and every name in the page body sits in its own <bdi>."""
    assert "<script>alert(1)" not in content
    assert "<img src=x" not in content
    head, body = content.split("</title>", 1) if "</title>" in content else ("", content)
    for name in names:
        if escape(name) in head:  # the tab title has no markup: the name sits between FSI and PDI
            assert f"&#x2068;{escape(name)}&#x2069;" in head or f"\u2068{escape(name)}\u2069" in head, name
        shown = escape(name)
        found = body.count(shown)
        assert found, f"{name!r} is not on the page"
        isolated = len(re.findall(r"<bdi[^>]*>" + re.escape(shown) + "</bdi>", body))
        assert isolated == found, f"{name!r} is shown {found} times, {isolated} of them isolated in <bdi>"


def test_hostile_names_are_inert_in_the_participant_list_and_each_registration(client, fachtag):
    event, people, organiser = fachtag
    client.force_login(organiser)
    assert_inert_html(client.get(f"/staff/events/{event.slug}/participants/").content.decode())
    for person, name in zip(people, NAMES, strict=True):
        page = client.get(f"/staff/events/{event.slug}/participants/{person.pk}/").content.decode()
        assert_inert_html(page, [name])


def test_hostile_names_are_inert_in_check_in_search_results_and_result_pages(client, fachtag):
    event, people, organiser = fachtag
    client.force_login(organiser)
    results = client.get(f"/staff/events/{event.slug}/checkin/", {"q": " Zq"}).content.decode()
    assert_inert_html(results)
    for person, name in zip(people, NAMES, strict=True):
        page = client.get(f"/staff/events/{event.slug}/checkin/registrations/{person.pk}/").content.decode()
        assert_inert_html(page, [name])
        checked_in = client.post(
            f"/staff/events/{event.slug}/checkin/registrations/{person.pk}/"
        ).content.decode()
        assert_inert_html(checked_in, [name])


def test_hostile_mediator_names_are_inert_on_the_organisers_pages(client):
    event = EventFactory(
        kind=Event.Kind.TRAINING,
        slug="hostile-training",
        starts_at=berlin(2099, 2, 1, 16),
        ends_at=berlin(2099, 3, 1, 19),
    )
    slot = TimeSlotFactory(
        event=event,
        kind=TimeSlot.Kind.PLENARY,
        starts_at=berlin(2099, 2, 10, 16),
        ends_at=berlin(2099, 2, 10, 19),
    )
    session = WorkshopFactory(slot=slot, capacity=30)
    users = get_user_model().objects
    profiles = [
        MediatorProfile.objects.create(
            user=users.create_user(
                email=f"m{number}@example.org", password="x" * 12, first_name=name, last_name=""
            )
        )
        for number, name in enumerate(NAMES)
    ]
    mediator_services.enrol(event_id=event.pk, profile_ids=[p.pk for p in profiles])
    SessionRecord.objects.update(reply="attending")
    client.force_login(users.create_superuser(email="admin@example.org", password="x" * 12))
    for url in (
        reverse("mediators-staff:pool"),
        reverse("mediators-staff:series", kwargs={"slug": event.slug}),
        reverse("mediators-staff:attendance", kwargs={"slug": event.slug, "session_id": session.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        # A full name is first and last name, stripped of the blanks around it.
        assert_inert_html(response.content.decode(), [name.strip() for name in NAMES])


def spreadsheet_cells(response, fmt: str) -> list:
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    # Read back as text: not one cell is a formula.
    assert all(cell.data_type != "f" for cell in cells)
    return [cell.value for cell in cells if isinstance(cell.value, str)]


@pytest.mark.parametrize("export", SPREADSHEETS)
def test_hostile_names_are_neutralised_in_every_spreadsheet_export(client, fachtag, export):
    event, _people, organiser = fachtag
    client.force_login(organiser)
    response = client.get(reverse(f"backoffice-exports:{export}", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    cells = spreadsheet_cells(response, export.rsplit("_", 1)[1])
    for number in range(len(NAMES)):
        marker = f" Zq{number}"
        found = [cell for cell in cells if cell.endswith(marker)]
        assert found, f"name {number} is not in {export}"
        for cell in found:
            assert not cell.startswith(FORMULA_STARTS), (export, cell)
            assert not BIDI.search(cell), (export, cell)
            assert "<script>" not in cell or cell.startswith(("<", "'")), cell
