import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook
from pypdf import PdfReader

from backoffice import exports
from backoffice.exports import neutralise
from backoffice.models import AuditEntry, EventRole
from fachtag import pdf
from fachtag.models import ChildcareGroup, Workshop
from registrations import services
from registrations.models import Booking, Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.registrations.helpers import sign_up

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.backoffice.export_test_urls")]

SPREADSHEETS = [
    "participants_csv",
    "participants_xlsx",
    "childcare_csv",
    "childcare_xlsx",
    "interpreting_csv",
    "interpreting_xlsx",
]
PDFS = ["attendance_pdf", "badges_pdf"]
EXPORTS = SPREADSHEETS + PDFS
ARABIC = "أمل حداد"
CYRILLIC = "Олена Коваленко"
SECRET_NEEDS = "Rollstuhl, Stufen unmöglich"
FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)", "\tfoo", "\rbar"]


def url(name, event, **query):
    address = reverse(f"backoffice-exports:{name}", kwargs={"slug": event.slug})
    return address + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def user(email="orga@example.org"):
    return get_user_model().objects.create_user(email=email, password="a-long-password-1")


def organiser_of(event, email="orga@example.org", role=EventRole.Role.ORGANISER):
    person = user(email)
    EventRole.objects.create(user=person, event=event, role=role)
    return person


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


def pdf_pages(response) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


@pytest.fixture
def fachtag():
    """Three places: Amal and Olena (the only seat of "Bewerbung" went to Amal) and Maria hold one;
    Samir waits with his child; Tom cancelled."""
    event = EventFactory(slug="fachtag-2027", title_de="Fachtag 2027", capacity=3, has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=2, capacity=5)
    ChildcareGroup.objects.create(event=event, min_age=3, max_age=6, capacity=5)
    morning = TimeSlotFactory(
        event=event, starts_at=berlin(2099, 3, 12, 10, 0), ends_at=berlin(2099, 3, 12, 11, 30)
    )
    afternoon = TimeSlotFactory(
        event=event, starts_at=berlin(2099, 3, 12, 13, 0), ends_at=berlin(2099, 3, 12, 14, 30)
    )
    w = {
        "bewerbung": WorkshopFactory(slot=morning, title_de="Bewerbung", room="Raum 101", capacity=1),
        "recht": WorkshopFactory(slot=morning, title_de="Aufenthaltsrecht", room="Raum 102"),
        "netzwerk": WorkshopFactory(slot=afternoon, title_de="Netzwerken", room="Raum 101"),
    }
    people = {
        "amal": sign_up(
            event,
            w["bewerbung"],
            w["netzwerk"],
            name=ARABIC,
            email="amal@example.org",
            phone="+49 341 1234567",
            organisation="Frauenzentrum",
            interpreting_language="ar",
            accessibility_needs=SECRET_NEEDS,
            accessibility_consent=True,
            child_ages=[1, 4],
            childcare_notes="Bringt Windeln mit",
        ),
        "olena": sign_up(
            event,
            w["bewerbung"],
            w["netzwerk"],
            name=CYRILLIC,
            email="olena@example.org",
            organisation="Jobcenter",
            language="uk",
            interpreting_language="uk",
        ),
        "maria": sign_up(
            event,
            w["recht"],
            name="Maria Schmidt",
            email="maria@example.org",
            language="de",
            interpreting_language="other",
            interpreting_other="Amharisch",
        ),
        "samir": sign_up(
            event, w["recht"], name="Samir Nouri", email="samir@example.org", phone="0341 555", child_ages=[5]
        ),
        "tom": sign_up(event, name="Tom Gekündigt", email="tom@example.org", child_ages=[3]),
    }
    services.cancel(registration_id=people["tom"].pk, now=timezone.now())
    Registration.objects.filter(pk=people["maria"].pk).update(checked_in_at=berlin(2099, 3, 12, 9, 5))
    return event, w, people


def test_neutralise_prefixes_formula_text_and_keeps_numbers_we_count():
    for text in [*FORMULAS, "\0baz"]:  # PostgreSQL cannot store NUL, but the function is ready for it
        assert neutralise(text).startswith("'")
    assert neutralise('=HYPERLINK("http://evil","x")') == '\'=HYPERLINK("http://evil","x")'
    assert neutralise("\0baz") == "'baz"  # dropped, as XLSX cannot hold it, but still marked
    assert neutralise("\x01=1+1") == "'=1+1"
    assert neutralise("\u202e=1+1") == "'=1+1"
    assert neutralise("\u202egnp.exe") == "gnp.exe"  # no override reorders the row (SEC-10)
    assert neutralise("Amal") == "Amal"
    assert neutralise("a=b") == "a=b"
    assert neutralise("") == ""
    assert neutralise(None) == ""
    assert neutralise(3) == 3
    assert neutralise(-2) == -2  # a number we computed stays a number
    assert neutralise("-2") == "'-2"  # text typed in by someone does not


def test_csv_quotes_per_rfc_4180_and_starts_with_a_bom():
    export = exports.Export(
        filename="x",
        sections=[
            exports.Section(sheet="S", header=["Name", "Kinder"], rows=[['Sie sagt "ja", dann\nnein', 2]])
        ],
    )
    content = exports.to_csv(export)
    assert content == '\ufeffName,Kinder\r\n"Sie sagt ""ja"", dann\nnein",2\r\n'.encode()


def test_worksheet_titles_keep_within_excels_rules():
    export = exports.Export(
        filename="x", sections=[exports.Section(sheet="Zeit: 10/11 [Raum*?] " + "x" * 40, header=["a"])]
    )
    book = load_workbook(io.BytesIO(exports.to_xlsx(export)))
    assert book.sheetnames == ["Zeit  10 11  Raum    " + "x" * 10]


def test_participants_csv_lists_everyone_active_with_workshops_per_slot(client, fachtag):
    event, w, people = fachtag
    client.force_login(organiser_of(event))
    response = client.get(url("participants_csv", event))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="fachtag-2027-participants.csv"'
    assert "no-store" in response["Cache-Control"]
    header, *rows = csv_rows(response)
    assert header[:6] == [
        "Name",
        "E-Mail-Adresse",
        "Telefon",
        "Organisation oder Funktion",
        header[4],
        "Status",
    ]
    assert len(header) == 6 + 2 * 2 + 3
    assert "10:00–11:30" in header[6] and "13:00–14:30" in header[8]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert sorted(by_name) == sorted([ARABIC, CYRILLIC, "Maria Schmidt", "Samir Nouri"])  # not Tom
    amal = list(by_name[ARABIC].values())
    assert amal[:4] == [ARABIC, "amal@example.org", "'+49 341 1234567", "Frauenzentrum"]
    assert amal[6:10] == ["Bewerbung", "Bestätigt", "Netzwerken", "Bestätigt"]
    assert amal[10:] == ["Arabisch", "2", ""]
    olena = list(by_name[CYRILLIC].values())
    assert olena[6:8] == ["Bewerbung", "Auf der Warteliste"]
    maria = list(by_name["Maria Schmidt"].values())
    assert maria[6:10] == ["Aufenthaltsrecht", "Bestätigt", "", ""]
    assert maria[10:] == ["Eine andere Sprache: Amharisch", "0", "12.03.2099 09:05"]
    assert list(by_name["Samir Nouri"].values())[5] == "Auf der Warteliste"
    assert SECRET_NEEDS not in response.content.decode("utf-8-sig")


def test_participants_xlsx_holds_the_same_cells_with_counts_as_numbers(client, fachtag):
    event, w, people = fachtag
    client.force_login(organiser_of(event))
    response = client.get(url("participants_xlsx", event))
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="fachtag-2027-participants.xlsx"'
    [sheet] = workbook(response).worksheets
    header, *rows = list(sheet.iter_rows(values_only=True))
    by_name = {row[0]: row for row in rows}
    assert by_name[ARABIC][:4] == (ARABIC, "amal@example.org", "'+49 341 1234567", "Frauenzentrum")
    assert by_name[ARABIC][-2] == 2
    assert by_name["Maria Schmidt"][-2] == 0
    assert SECRET_NEEDS not in {cell for row in rows for cell in row}
    csv_header = csv_rows(client.get(url("participants_csv", event)))[0]
    assert list(header) == csv_header


def test_participants_of_one_workshop_are_those_booked_or_waiting_for_it(client, fachtag):
    event, w, people = fachtag
    client.force_login(organiser_of(event))
    response = client.get(url("participants_csv", event, workshop=w["bewerbung"].pk))
    assert response["Content-Disposition"] == (
        f'attachment; filename="fachtag-2027-participants-workshop-{w["bewerbung"].pk}.csv"'
    )
    assert sorted(row[0] for row in csv_rows(response)[1:]) == sorted([ARABIC, CYRILLIC])
    sheet = workbook(client.get(url("participants_xlsx", event, workshop=w["recht"].pk))).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "Maria Schmidt",
        "Samir Nouri",
    ]


@pytest.mark.parametrize("name", ["participants_csv", "participants_xlsx"])
def test_a_workshop_of_another_event_or_no_workshop_id_is_not_found(client, fachtag, name):
    event, w, people = fachtag
    foreign = WorkshopFactory()
    client.force_login(organiser_of(event))
    assert client.get(url(name, event, workshop=foreign.pk)).status_code == 404
    assert client.get(url(name, event, workshop="abc")).status_code == 404
    assert client.get(url(name, event, workshop="٣")).status_code == 404
    assert client.get(url(name, event, workshop=999999)).status_code == 404
    assert client.get(url(name, event, workshop=10**30)).status_code == 404
    assert not AuditEntry.objects.exists()


def test_formula_names_are_neutralised_in_csv_and_xlsx(client, fachtag):
    event, w, people = fachtag
    persons = [sign_up(event, name=f"Person {n}", email=f"p{n}@example.org") for n in range(len(FORMULAS))]
    for person, text in zip(persons, FORMULAS, strict=True):
        # Straight into the row: the sign-up form strips leading blanks, an import or an old row may not.
        Registration.objects.filter(pk=person.pk).update(name=text, organisation=text, phone=text)
    client.force_login(organiser_of(event))

    rows = csv_rows(client.get(url("participants_csv", event)))[1:]
    cells = [cell for row in rows if row[1].startswith("p") for cell in (row[0], row[2], row[3])]
    assert len(cells) == 3 * len(FORMULAS)
    assert all(cell.startswith("'") for cell in cells)
    assert '\'=HYPERLINK("http://evil","x")' in cells
    assert "'\tfoo" in cells and "'-2" in cells and "'@SUM(A1)" in cells

    sheet = workbook(client.get(url("participants_xlsx", event))).active
    xlsx_cells = [
        cell
        for row in sheet.iter_rows(min_row=2)
        if str(row[1].value).startswith("p")
        for cell in (row[0], row[2], row[3])
    ]
    assert len(xlsx_cells) == 3 * len(FORMULAS)
    assert all(cell.data_type == "s" and cell.value.startswith("'") for cell in xlsx_cells)


def test_a_script_name_stays_inert_text_in_every_export(client, fachtag):
    event, w, people = fachtag
    payload = "<script>alert(1)</script>"
    Registration.objects.filter(pk=people["amal"].pk).update(
        name=payload, organisation='"><img src=x onerror=1>'
    )
    client.force_login(organiser_of(event))
    response = client.get(url("participants_csv", event))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert payload in [row[0] for row in csv_rows(response)]
    assert payload in [row[0] for row in workbook(client.get(url("participants_xlsx", event))).active.values]
    assert payload in "".join(pdf_pages(client.get(url("attendance_pdf", event))))
    assert payload in "".join(pdf_pages(client.get(url("badges_pdf", event))))


def test_childcare_list_is_confidential_and_shows_waiting_children_apart(client, fachtag):
    event, w, people = fachtag
    client.force_login(organiser_of(event))
    response = client.get(url("childcare_csv", event))
    assert response["Content-Disposition"] == 'attachment; filename="fachtag-2027-childcare.csv"'
    rows = csv_rows(response)
    mark = gettext("Confidential – childcare – for the carers only")
    assert rows[0] == [mark]
    header = rows[3]
    assert header[0] == gettext("Age") and len(header) == 6
    holding = rows[4:6]
    assert holding == [
        ["1", "0–2 Jahre", ARABIC, "'+49 341 1234567", "Bestätigt", "Bringt Windeln mit"],
        ["4", "3–6 Jahre", ARABIC, "'+49 341 1234567", "Bestätigt", "Bringt Windeln mit"],
    ]
    assert rows[6] == []
    assert rows[7] == [gettext("Children on the waiting list")]
    assert rows[9:] == [["5", "3–6 Jahre", "Samir Nouri", "0341 555", "Auf der Warteliste", ""]]
    assert "Tom" not in response.content.decode("utf-8-sig")
    assert SECRET_NEEDS not in response.content.decode("utf-8-sig")
    assert "amal@example.org" not in response.content.decode("utf-8-sig")

    book = workbook(client.get(url("childcare_xlsx", event)))
    assert book.sheetnames == [gettext("Confidential"), gettext("Confidential – waiting list")]
    first, waiting = book.worksheets
    assert first["A1"].value == mark and waiting["A1"].value == mark
    assert first.oddHeader.center.text == mark
    assert [row[:3] for row in first.iter_rows(min_row=4, values_only=True)] == [
        (1, "0–2 Jahre", ARABIC),
        (4, "3–6 Jahre", ARABIC),
    ]
    assert [row[:3] for row in waiting.iter_rows(min_row=4, values_only=True)] == [
        (5, "3–6 Jahre", "Samir Nouri")
    ]


def test_interpreting_list_counts_per_language_and_workshop_then_names(client, fachtag):
    event, w, people = fachtag
    sign_up(
        event, name="Zweite Arabisch", email="z@example.org", interpreting_language="ar"
    )  # waits: not counted
    client.force_login(organiser_of(event))
    response = client.get(url("interpreting_csv", event))
    assert response["Content-Disposition"] == 'attachment; filename="fachtag-2027-interpreting.csv"'
    rows = csv_rows(response)
    blank = [index for index, row in enumerate(rows) if row == []]
    languages, per_workshop, names = rows[: blank[0]], rows[blank[0] + 1 : blank[1]], rows[blank[1] + 1 :]
    assert sorted(languages[2:]) == [
        ["Arabisch", "1"],
        ["Eine andere Sprache: Amharisch", "1"],
        ["Ukrainisch", "1"],
    ]
    header = per_workshop[1]
    assert header[3:] == [row[0] for row in languages[2:]]
    table = {row[1]: dict(zip(header[3:], row[3:], strict=True)) for row in per_workshop[2:]}
    assert table["Bewerbung"] == {"Arabisch": "1", "Ukrainisch": "0", "Eine andere Sprache: Amharisch": "0"}
    assert table["Netzwerken"] == {"Arabisch": "1", "Ukrainisch": "1", "Eine andere Sprache: Amharisch": "0"}
    assert table["Aufenthaltsrecht"]["Eine andere Sprache: Amharisch"] == "1"
    assert sorted(names[2:]) == sorted(
        [["Arabisch", ARABIC], ["Ukrainisch", CYRILLIC], ["Eine andere Sprache: Amharisch", "Maria Schmidt"]]
    )
    book = workbook(client.get(url("interpreting_xlsx", event)))
    assert len(book.worksheets) == 3
    counts = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert counts == {"Arabisch": 1, "Ukrainisch": 1, "Eine andere Sprache: Amharisch": 1}
    matrix = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert all(isinstance(count, int) for row in matrix for count in row[3:])


def test_attendance_pdf_has_a_page_per_workshop_by_room_with_its_confirmed_participants(client, fachtag):
    event, w, people = fachtag
    client.force_login(organiser_of(event))
    response = client.get(url("attendance_pdf", event))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="fachtag-2027-attendance.pdf"'
    pages = pdf_pages(response)
    assert len(pages) == 3
    # Raum 101 (Bewerbung at 10:00, Netzwerken at 13:00), then Raum 102.
    assert ["Bewerbung" in pages[0], "Netzwerken" in pages[1], "Aufenthaltsrecht" in pages[2]] == [True] * 3
    assert all("Fachtag 2027" in page for page in pages)
    assert "Raum 101" in pages[0] and "12.03.2099 10:00–11:30" in pages[0]
    assert ARABIC in pages[0] and "Frauenzentrum" in pages[0]
    assert CYRILLIC not in pages[0]  # waiting for this workshop
    assert ARABIC in pages[1] and CYRILLIC in pages[1] and "Jobcenter" in pages[1]
    assert "Maria Schmidt" in pages[2] and "Samir" not in pages[2]


def test_attendance_list_of_a_big_workshop_runs_over_pages_with_its_header(client):
    event = EventFactory(capacity=80)
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), title_de="Großer Workshop", capacity=80)
    for n in range(60):
        sign_up(event, workshop, name=f"Teilnehmerin {n:02}", email=f"t{n}@example.org")
    client.force_login(organiser_of(event))
    pages = pdf_pages(client.get(url("attendance_pdf", event)))
    assert len(pages) >= 2
    assert all("Großer Workshop" in page for page in pages)
    text = "".join(pages)
    assert all(f"Teilnehmerin {n:02}" in text for n in range(60))


def test_badges_pdf_puts_eight_confirmed_participants_on_each_a4_sheet(client, fachtag):
    event, w, people = fachtag
    event.capacity = 20
    event.save()
    for n in range(7):
        sign_up(event, name=f"Badge {n}", email=f"b{n}@example.org", organisation=f"Verein {n}")
    client.force_login(organiser_of(event))
    response = client.get(url("badges_pdf", event))
    assert response["Content-Disposition"] == 'attachment; filename="fachtag-2027-badges.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    # Amal, Olena, Maria and seven more are confirmed (10); Samir still waits and Tom cancelled.
    assert len(reader.pages) == 2
    assert [round(float(value)) for value in reader.pages[0].mediabox[2:]] == [595, 842]
    first, second = (page.extract_text() for page in reader.pages)
    assert first.count("Fachtag 2027") == 8 and second.count("Fachtag 2027") == 2
    text = first + second
    assert ARABIC in text and CYRILLIC in text and "Jobcenter" in text and "Verein 6" in text
    assert "Samir" not in text and "Tom" not in text
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Our own fonts, embedded: Arabic script from Noto Sans Arabic (bold names), Latin from Fira Sans.
    assert any(font.startswith("Noto-Sans-Arabic") for font in fonts), fonts
    assert any(font.startswith("Fira-Sans") for font in fonts), fonts


def test_arabic_names_are_set_right_to_left():
    assert exports.text_direction(ARABIC) == "rtl"
    assert exports.text_direction("«" + "محمد") == "rtl"
    assert exports.text_direction(CYRILLIC) == "ltr"
    assert exports.text_direction("123") == "ltr"


def test_pdfs_may_use_our_static_files_only():
    fetcher = pdf.StaticFilesOnly()
    for address in ["http://example.org/font.woff2", "file:///etc/passwd", "file:///work/../etc/hosts"]:
        with pytest.raises(ValueError):
            fetcher.fetch(address)
    font = (settings.BASE_DIR / "static/vendor/fonts/fira-sans/FiraSans-Regular.woff2").as_uri()
    assert fetcher.fetch(font).read()[:4] == b"\x00\x01\x00\x00"  # unpacked to TrueType


def test_the_index_links_every_export_and_each_workshop(client, fachtag):
    event, w, people = fachtag
    client.force_login(organiser_of(event))
    response = client.get(url("index", event))
    assert response.status_code == 200
    assert response.templates[0].name == "backoffice/exports/index.html"
    html = response.content.decode()
    for name in EXPORTS:
        assert f'href="{url(name, event)}"' in html
    for workshop in w.values():
        assert f'href="{url("participants_csv", event)}?workshop={workshop.pk}"' in html
    assert not AuditEntry.objects.exists()


def test_the_exports_live_under_the_events_staff_address(fachtag):
    event, w, people = fachtag
    assert url("index", event) == "/staff/events/fachtag-2027/exports/"
    assert url("badges_pdf", event) == "/staff/events/fachtag-2027/exports/badges.pdf"


@pytest.mark.parametrize("name", ["index", *EXPORTS])
def test_organisers_of_another_event_and_door_staff_get_not_found(client, fachtag, name):
    event, w, people = fachtag
    other = EventFactory()
    client.force_login(organiser_of(other, "other@example.org"))
    assert client.get(url(name, event)).status_code == 404
    client.force_login(organiser_of(event, "door@example.org", role=EventRole.Role.CHECKIN))
    assert client.get(url(name, event)).status_code == 404
    client.force_login(user("nobody@example.org"))
    assert client.get(url(name, event)).status_code == 404
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("name", ["index", *EXPORTS])
def test_anonymous_visitors_are_sent_to_the_login(client, fachtag, name):
    event, w, people = fachtag
    response = client.get(url(name, event))
    assert response.status_code == 302
    assert "login" in response["Location"] and "next=" in response["Location"]


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_answer_only_get(client, fachtag, name):
    event, w, people = fachtag
    client.force_login(organiser_of(event))
    assert client.post(url(name, event)).status_code == 405
    client.force_login(user("nobody@example.org"))  # not hers: not found, whatever the method
    assert client.post(url(name, event)).status_code == 404


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_writes_one_audit_entry_without_personal_data(client, fachtag, name):
    event, w, people = fachtag
    organiser = organiser_of(event)
    client.force_login(organiser)
    assert client.get(url(name, event)).status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.event, entry.ip) == (organiser, "export", event, "127.0.0.1")
    assert entry.detail == {"kind": name.replace("_", ".")}
    assert entry.registration_id is None
    logged = str(entry.detail)
    assert all(secret not in logged for secret in (ARABIC, SECRET_NEEDS, "Windeln", "amal@example.org"))


def test_the_audit_entry_of_a_workshop_export_names_the_workshop(client, fachtag):
    event, w, people = fachtag
    client.force_login(organiser_of(event))
    client.get(url("participants_xlsx", event, workshop=w["recht"].pk))
    assert AuditEntry.objects.get().detail == {"kind": "participants.xlsx", "workshop": w["recht"].pk}


def test_a_global_administrator_may_export_any_event(client, fachtag):
    event, w, people = fachtag
    client.force_login(
        get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    )
    assert client.get(url("participants_csv", event)).status_code == 200


def _crowd(count: int):
    """An event with two parallel slots and `count` registrations, each with a child and two bookings."""
    event = EventFactory(capacity=count + 10, has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=count + 10)
    slots = [
        TimeSlotFactory(event=event, starts_at=event.starts_at + timedelta(hours=hours)) for hours in (1, 3)
    ]
    workshops = [WorkshopFactory(slot=slot, capacity=count // 2 + 1) for slot in slots for _ in range(2)]
    languages = ["ar", "uk", "fa", "other"]
    for n in range(count):
        sign_up(
            event,
            workshops[n % 2],
            workshops[2 + n % 2],
            name=f"Person {n}",
            email=f"crowd{n}@example.org",
            interpreting_language=languages[n % 4],
            interpreting_other="Amharisch" if n % 4 == 3 else "",
            child_ages=[n % 10],
        )
    Registration.objects.filter(event=event).update(status=Registration.Status.CONFIRMED)
    Booking.objects.filter(registration__event=event).update(status=Booking.Status.CONFIRMED)
    return event, workshops[0]


def test_exports_take_the_same_number_of_queries_for_50_and_200_registrations(client):
    small, small_workshop = _crowd(50)
    big, big_workshop = _crowd(200)
    organiser = user()
    for event in (small, big):
        EventRole.objects.create(user=organiser, event=event, role=EventRole.Role.ORGANISER)
    client.force_login(organiser)

    def queries(name, event, **query):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url(name, event, **query))
        assert response.status_code == 200
        return len(captured)

    for name in ["index", *EXPORTS]:
        assert queries(name, small) == queries(name, big), name
    assert queries("participants_csv", small, workshop=small_workshop.pk) == queries(
        "participants_csv", big, workshop=big_workshop.pk
    )
    rows = csv_rows(client.get(url("participants_csv", big)))
    assert len(rows) == 201
    assert Workshop.objects.filter(slot__event=big).count() == 4
