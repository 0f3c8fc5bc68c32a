"""Importing mediators from a CSV or XLSX file (#24, H8): the file is read and checked row by row, the
preview shows every row's errors in the organiser's language, then the valid rows are invited, all or
nothing."""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from openpyxl import Workbook

from accounts.services import set_staff_language
from mediators import imports, services
from mediators.models import MediatorProfile
from notifications import outbox
from notifications.models import OutboxMessage
from tests.factories import mediator_manager

pytestmark = pytest.mark.django_db

IMPORT, PREVIEW = "/staff/mediators/import/", "/staff/mediators/import/preview/"
HEADER = "Name;E-Mail;Sprachen;Nachrichtensprache;Telefon\n"


@pytest.fixture
def organiser(client):
    user = mediator_manager("office@example.org")
    set_staff_language(user=user, language="de")
    client.force_login(user)
    return user


def upload(client, content: bytes, name: str = "liste.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def preview_rows(client) -> dict[int, dict]:
    return {row["line"]: row for row in client.get(PREVIEW).context["rows"]}


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_german_excel_csv_with_semicolons_and_a_bom_is_previewed_and_invited(client, organiser):
    content = (
        "\ufeff"
        + HEADER
        + "Leyla Demir;Leyla.Demir@example.org;Arabisch, Persisch;Arabisch;+49 341 1234567\n"
        + "Olena Koval;olena@example.org;uk, ru;uk;\n"
    ).encode()
    response = upload(client, content)
    assert response.status_code == 302 and response["Location"] == PREVIEW
    assert not get_user_model().objects.filter(email="olena@example.org").exists()  # nothing yet

    rows = preview_rows(client)
    assert [row["outcome"] for row in rows.values()] == [imports.INVITE, imports.INVITE]
    assert rows[2]["languages"] == ["ar", "fa"] and rows[2]["language"] == "ar"
    page = client.get(PREVIEW).content.decode()
    assert "Leyla Demir" in page and "Arabisch, Persisch" in page

    response = client.post(PREVIEW)
    assert response.status_code == 302 and response["Location"] == "/staff/mediators/"
    leyla = MediatorProfile.objects.select_related("user").get(user__email="leyla.demir@example.org")
    assert (leyla.user.first_name, leyla.user.last_name) == ("Leyla", "Demir")
    assert leyla.languages == ["ar", "fa"] and leyla.language == "ar" and leyla.phone == "+49 341 1234567"
    olena = MediatorProfile.objects.get(user__email="olena@example.org")
    assert olena.languages == ["uk", "ru"] and olena.language == "uk"
    assert OutboxMessage.objects.filter(kind="mediator_invitation").count() == 2
    assert client.get(PREVIEW).status_code == 302  # the preview is gone once it was used


def test_a_comma_separated_utf8_csv_with_english_headers_and_codes_is_read():
    table = imports.read_table(
        b'name,email,languages,language,phone\n"Demir, Leyla",leyla@example.org,"ar, fa",fa,\n', "list.csv"
    )
    (row,) = imports.check(table, {})
    assert row["name"] == "Demir, Leyla" and row["languages"] == ["ar", "fa"] and row["language"] == "fa"
    assert row["outcome"] == imports.INVITE


def test_an_xlsx_workbook_is_read_with_numbers_as_text():
    content = xlsx(
        [
            ["Name", "E-Mail", "Sprachen", "Nachrichtensprache", "Telefon"],
            ["Leyla Demir", "leyla@example.org", "Arabic", "Arabic", 493411234567],
            [None, None, None, None, None],
            ["Samira Haddad", "samira@example.org", "Arabisch", None, None],
        ]
    )
    rows = imports.check(imports.read_table(content, "liste.xlsx"), {})
    assert [(row["line"], row["email"]) for row in rows] == [
        (2, "leyla@example.org"),
        (3, "samira@example.org"),
    ]
    assert rows[0]["phone"] == "493411234567" and rows[0]["language"] == "ar"
    assert rows[1]["language"] == "" and rows[1]["languages"] == ["ar"]


def test_every_kind_of_row_error_is_named_in_its_column_in_the_organisers_language(client, organiser):
    content = (
        HEADER
        + "Leyla Demir;leyla(at)example.org;Arabisch;Arabisch;\n"
        + "Samira\u200bHaddad;samira@example.org;Klingonisch, ar;ar;\n"
        + "Olena Koval;olena@example.org;uk;uk;\n"
        + "Olena K.;OLENA@example.org;uk;uk;\n"
        + "Mira Ost;mira@example.org;uk;Elbisch;12ab\n"
    ).encode()
    upload(client, content)
    rows = preview_rows(client)
    assert rows[2]["errors"] == {"email": "Geben Sie eine E-Mail-Adresse wie name@example.org an."}
    assert set(rows[3]["errors"]) == {"name", "languages"}
    assert "Klingonisch" in rows[3]["errors"]["languages"] and rows[3]["errors"]["languages"].startswith(
        "Unbekannte Sprache"
    )
    assert rows[4]["errors"] == {} and rows[4]["outcome"] == imports.INVITE
    assert rows[5]["errors"] == {"email": "Dieselbe Adresse steht schon in Zeile 4."}
    assert set(rows[6]["errors"]) == {"language", "phone"} and "Elbisch" in rows[6]["errors"]["language"]
    assert rows[6]["errors"]["phone"].startswith("Geben Sie eine Telefonnummer")
    assert {row["outcome"] for line, row in rows.items() if line != 4} == {imports.ERROR}
    page = client.get(PREVIEW).content.decode()
    assert "Nicht importiert" in page and "Dieselbe Adresse steht schon in Zeile 4." in page

    client.post(PREVIEW)
    assert list(MediatorProfile.objects.values_list("user__email", flat=True)) == ["olena@example.org"]


def test_the_preview_speaks_the_organisers_own_language(client, organiser):
    set_staff_language(user=organiser, language="ar")
    upload(client, (HEADER + "Leyla;leyla(at)example.org;ar;ar;\n").encode())
    page = client.get(PREVIEW).content.decode()
    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "name@example.org" in client.get(PREVIEW).context["rows"][0]["errors"]["email"]
    assert "Geben Sie" not in page


def test_an_address_already_in_the_pool_is_shown_and_not_invited_again_unless_her_invitation_is_open(
    client, organiser
):
    member = get_user_model().objects.create_user(email="leyla@example.org", password="x" * 12)
    MediatorProfile.objects.create(user=member, language="ar")
    services.invite(emails=["samira@example.org"])  # invited, no password yet
    get_user_model().objects.create_user(
        email="chefin@example.org", password="x" * 12
    )  # staff, not a mediator
    first = OutboxMessage.objects.count()
    content = (
        HEADER
        + "Leyla Demir;Leyla@example.org;ar;ar;\n"
        + "Samira Haddad;samira@example.org;ar;ar;\n"
        + "Die Chefin;chefin@example.org;de;de;\n"
    ).encode()
    upload(client, content)
    rows = preview_rows(client)
    assert rows[2]["outcome"] == imports.SKIP and rows[3]["outcome"] == imports.REINVITE
    assert rows[4]["outcome"] == imports.ERROR and "email" in rows[4]["errors"]
    page = client.get(PREVIEW).content.decode()
    assert "Schon im Pool" in page

    client.post(PREVIEW)
    sent = OutboxMessage.objects.filter(kind="mediator_invitation").order_by("pk")[first:]
    assert [message.to for message in sent] == ["samira@example.org"]
    assert MediatorProfile.objects.get(user__email="samira@example.org").language == "ar"
    assert not MediatorProfile.objects.filter(user__email="chefin@example.org").exists()


def test_the_pool_is_checked_again_when_the_rows_are_invited(client, organiser):
    upload(client, (HEADER + "Leyla Demir;leyla@example.org;ar;ar;\n").encode())
    assert preview_rows(client)[2]["outcome"] == imports.INVITE
    # Meanwhile she was invited by hand and set her password.
    (profile,) = services.invite(emails=["leyla@example.org"])
    profile.user.set_password("x" * 12)
    profile.user.save()
    sent = OutboxMessage.objects.count()
    client.post(PREVIEW)
    assert OutboxMessage.objects.count() == sent


@pytest.mark.parametrize(
    ("content", "name", "error"),
    [
        (b"x" * (imports.MAX_BYTES + 1), "liste.csv", "größer als 1 MB"),
        (
            (HEADER + "".join(f"M {n};m{n}@example.org;ar;ar;\n" for n in range(501))).encode(),
            "liste.csv",
            "mehr als 500 Zeilen",
        ),
        ("Name;E-Mail\nJürgen Müller;jm@example.org\n".encode("cp1252"), "liste.csv", "UTF-8"),
        (b"Name;Adresse\nLeyla;leyla@example.org\n", "liste.csv", "E-Mail"),
        (HEADER.encode(), "liste.csv", "keine Zeilen"),
        (b"PK\x03\x04 not really a workbook", "liste.xlsx", "XLSX"),
        (b"\xd0\xcf\x11\xe0 an old Excel file", "liste.xls", "XLSX"),
    ],
    ids=["over-1-MB", "over-500-rows", "not-utf8", "no-email-column", "header-only", "broken-xlsx", "xls"],
)
def test_a_file_that_cannot_be_imported_is_refused_beside_the_field(client, organiser, content, name, error):
    response = upload(client, content, name)
    assert response.status_code == 200
    assert error in response.context["form"].errors["file"][0]
    assert "Fehler:" in response.content.decode().split("</title>")[0]
    assert "mediator_import" not in client.session


def test_a_workbook_that_unpacks_to_far_more_than_it_weighs_is_refused_unread(monkeypatch):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (imports.MAX_UNPACKED + 1))
    assert len(bomb.getvalue()) < imports.MAX_BYTES
    monkeypatch.setattr(imports, "load_workbook", lambda *a, **k: pytest.fail("opened"))
    with pytest.raises(imports.ImportFileError):
        imports.read_table(bomb.getvalue(), "liste.xlsx")


def test_the_session_keeps_only_the_columns_the_import_reads(client, organiser):
    content = "Notiz;E-Mail;Name;Geheim\nbitte anrufen;leyla@example.org;Leyla Demir;Kinderbetreuung\n"
    upload(client, content.encode())
    assert client.session["mediator_import"]["table"] == [
        ["name", "email"],
        ["Leyla Demir", "leyla@example.org"],
    ]
    assert preview_rows(client)[2]["outcome"] == imports.INVITE


def test_the_import_is_logged_with_counts_and_no_addresses(client, organiser, caplog):
    upload(client, (HEADER + "Leyla Demir;leyla@example.org;ar;ar;\nX;kaputt;ar;ar;\n").encode())
    with caplog.at_level("INFO", logger="mediators.services"):
        client.post(PREVIEW)
    (record,) = [r for r in caplog.records if r.name == "mediators.services"]
    assert record.getMessage() == f"mediator import by user={organiser.pk}: 1 of 2 rows invited"


def test_500_rows_are_accepted():
    table = imports.read_table(
        (HEADER + "".join(f"M {n};m{n}@example.org;ar;ar;\n" for n in range(500))).encode(), "l.csv"
    )
    assert len(imports.check(table, {})) == 500


def test_a_file_up_to_twice_the_limit_is_read_in_memory_and_never_written_to_disk(
    client, organiser, monkeypatch
):
    written = []
    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", lambda self, *a, **k: written.append(a))
    response = upload(client, (HEADER + "Leyla Demir;leyla@example.org;ar;ar;\n").encode())
    assert response.status_code == 302
    response = upload(client, b"y" * (2 * imports.MAX_BYTES))
    assert "größer als 1 MB" in response.context["form"].errors["file"][0]
    assert written == []


def test_nothing_is_half_imported_when_an_invitation_fails_midway(client, organiser, monkeypatch):
    content = (
        HEADER + "Leyla Demir;leyla@example.org;ar;ar;\n" + "Olena Koval;olena@example.org;uk;uk;\n"
    ).encode()
    upload(client, content)
    enqueue, calls = outbox.enqueue, []

    def fails_the_second_time(**kwargs):
        calls.append(kwargs["to"])
        if len(calls) == 2:
            raise ConnectionError("the database went away")
        return enqueue(**kwargs)

    monkeypatch.setattr(outbox, "enqueue", fails_the_second_time)
    with pytest.raises(ConnectionError):
        client.post(PREVIEW)
    assert len(calls) == 2
    assert not get_user_model().objects.filter(email__in=["leyla@example.org", "olena@example.org"]).exists()
    assert not MediatorProfile.objects.exists() and not OutboxMessage.objects.exists()
    monkeypatch.setattr(outbox, "enqueue", enqueue)
    client.post(PREVIEW)  # the preview is still there: the organiser can try again
    assert MediatorProfile.objects.count() == 2


def test_only_organisers_of_the_pool_may_import(client):
    client.force_login(
        get_user_model().objects.create_user(email="staff@example.org", password="x" * 12, is_staff=True)
    )
    assert client.get(IMPORT).status_code == 404
    assert client.post(IMPORT, {"file": SimpleUploadedFile("l.csv", HEADER.encode())}).status_code == 404
    assert client.get(PREVIEW).status_code == 404


def test_the_preview_of_500_rows_keeps_its_query_budget(client, organiser, django_assert_max_num_queries):
    member = get_user_model().objects.create_user(email="m7@example.org", password="x" * 12)
    MediatorProfile.objects.create(user=member)
    services.invite(emails=["m8@example.org"])
    upload(client, (HEADER + "".join(f"M {n};m{n}@example.org;ar;ar;\n" for n in range(500))).encode())
    with django_assert_max_num_queries(6):
        response = client.get(PREVIEW)
    rows = preview_rows(client)
    assert response.status_code == 200 and len(rows) == 500
    assert rows[9]["outcome"] == imports.SKIP and rows[10]["outcome"] == imports.REINVITE


def test_a_name_with_markup_is_shown_as_text_in_the_preview(client, organiser):
    upload(client, (HEADER + '<img src=x onerror="alert(1)">;leyla@example.org;ar;ar;\n').encode())
    page = client.get(PREVIEW).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
