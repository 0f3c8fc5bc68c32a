"""Reading a list of mediators from a CSV or XLSX file, and checking it row by row (pure functions: the
caller says which addresses are known already). Nothing here touches the database or the disk."""

import csv
import functools
import io
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from fachtag.languages import SESSION_LANGUAGES, session_language_label
from registrations.validators import name_characters, phone_number

MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
# A cell longer than this is cut when the file is read: no column's valid value comes near it, and the
# preview kept in the session stays small.
MAX_CELL = 300
COLUMNS = ("name", "email", "languages", "language", "phone")

# Header spellings, compared without case, spaces, hyphens and underscores.
HEADERS = {
    "name": "name",
    "vollständigername": "name",
    "email": "email",
    "emailadresse": "email",
    "emailaddress": "email",
    "mail": "email",
    "languages": "languages",
    "sprachen": "languages",
    "language": "language",
    "messagelanguage": "language",
    "languageformessages": "language",
    "languageforemails": "language",
    "sprache": "language",
    "nachrichtensprache": "language",
    "sprachefüremails": "language",
    "phone": "phone",
    "telefon": "phone",
    "telefonnummer": "phone",
    "tel": "phone",
}

# Known pool states of an address (what the caller reports for each one it finds).
IN_POOL = "pool"  # a mediator who has set her password
INVITATION_OPEN = "open"  # a mediator invited before who has not set one yet
OTHER_ACCOUNT = "account"  # an account with a password that is not a mediator's (staff, for example)

# What becomes of a row.
INVITE, REINVITE, SKIP, ERROR = "invite", "reinvite", "pool", "error"
OUTCOMES = (INVITE, REINVITE, SKIP, ERROR)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do, in the active language."""


def read_table(content: bytes, filename: str) -> list[list[str]]:
    """The file's rows (each a list of cell texts, empty rows left out), header row first.

    Raises ImportFileError for a file that is too big, has too many rows, or is neither UTF-8 CSV nor XLSX."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB. Split it into smaller files."))
    if filename.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(content)
    elif filename.lower().endswith(".xls"):
        raise ImportFileError(_("Save the file as XLSX or as CSV (UTF-8) and upload it again."))
    else:
        rows = _csv_rows(content)
    table = []
    for row in rows:
        cells = [_cell(value) for value in row]
        if any(cells):
            table.append(cells)
        if len(table) > MAX_ROWS + 1:
            raise ImportFileError(
                _("The file has more than %(count)d rows. Split it into smaller files.") % {"count": MAX_ROWS}
            )
    if len(table) < 2:
        raise ImportFileError(_("The file has no rows below its header row."))
    return table


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a spreadsheet cell
    return " ".join(str(value).split())[:MAX_CELL]


def _csv_rows(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not a CSV file in UTF-8. Save it as “CSV UTF-8” and upload it again.")
        ) from None
    if "\x00" in text:
        raise ImportFileError(_("Save the file as XLSX or as CSV (UTF-8) and upload it again."))
    first = text.split("\n", 1)[0]
    # German Excel separates with ";", most other programs with ",".
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise ImportFileError(_("Save the file as XLSX or as CSV (UTF-8) and upload it again.")) from None


# A workbook is a zip file: its parts unpacked may be far bigger than the file uploaded. A list of MAX_ROWS
# people unpacks to well under this; a "zip bomb" is refused before openpyxl reads it.
MAX_UNPACKED = 50 * MAX_BYTES


def _xlsx_rows(content: bytes):
    unreadable = ImportFileError(
        _("The file could not be read as an Excel workbook. Save it as XLSX and upload it again.")
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise unreadable from None
    if unpacked > MAX_UNPACKED:
        raise unreadable
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS * 4:  # many empty rows are left out later; a bound all the same
                break
        workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, IndexError, OSError):
        raise unreadable from None
    return rows


def columns(header: list[str]) -> dict[str, int]:
    """Which cell holds which column. Raises ImportFileError when there is no e-mail column."""
    found = {}
    for index, title in enumerate(header):
        key = HEADERS.get(re.sub(r"[\s_\-]", "", title.lower()))
        if key and key not in found:
            found[key] = index
    if "email" not in found:
        raise ImportFileError(
            _(
                "The first row must name the columns: name, e-mail, languages, message language, phone. "
                "No column is called “e-mail”."
            )
        )
    return found


def slim(table: list[list[str]]) -> list[list[str]]:
    """Only the columns the import reads, under their own names (what the session keeps for the preview).
    Raises ImportFileError when there is no e-mail column."""
    where = columns(table[0])
    keys = [key for key in COLUMNS if key in where]
    return [keys] + [
        [cells[where[key]] if where[key] < len(cells) else "" for key in keys] for cells in table[1:]
    ]


@functools.cache
def _language_names(which: str) -> dict[str, str]:
    """Every spelling of each language (its code, and its name in each interface language) to its code;
    `which`: "session" (the languages she mediates in) or "message" (the interface languages)."""
    choices = SESSION_LANGUAGES if which == "session" else settings.LANGUAGES
    names = {}
    for code, _label in choices:
        names[code.lower()] = code
        names[code.lower().replace("-", "_")] = code
    for interface, _label in settings.LANGUAGES:
        with translation.override(interface):
            for code, label in choices:
                names.setdefault(str(label).lower(), code)
    return names


def session_language(text: str) -> str | None:
    return _language_names("session").get(text.strip().lower())


def message_language(text: str) -> str | None:
    return _language_names("message").get(text.strip().lower())


def addresses(table: list[list[str]]) -> set[str]:
    """The data rows' e-mail cells in lower case, as check() compares them with `known` (empty cells left
    out): what the caller looks up before checking."""
    index = columns(table[0])["email"]
    return {cells[index].lower() for cells in table[1:] if index < len(cells) and cells[index]}


def check(table: list[list[str]], known: dict[str, str]) -> list[dict]:
    """Each data row as {line, name, email, languages, language, phone, errors, outcome}: `errors` maps a
    column to its message (in the active language), `outcome` is INVITE, REINVITE (her invitation is still
    open), SKIP (already in the pool) or ERROR. `known` maps lower-case addresses to their pool state.
    `line` is the row's number in the file (the header is row 1)."""
    where = columns(table[0])
    seen = {}
    checked = []
    for line, cells in enumerate(table[1:], start=2):
        value = {key: cells[index] if index < len(cells) else "" for key, index in where.items()}
        row, errors = _check_row(value)
        email = row["email"]
        if "email" not in errors:
            if email in seen:
                errors["email"] = _("The same address is in row %(line)d already.") % {"line": seen[email]}
            elif known.get(email) == OTHER_ACCOUNT:
                errors["email"] = _("This address belongs to an account that is not a mediator's.")
            seen.setdefault(email, line)
        if errors:
            outcome = ERROR
        else:
            outcome = {IN_POOL: SKIP, INVITATION_OPEN: REINVITE}.get(known.get(email), INVITE)
        labels = {
            "languages_label": ", ".join(session_language_label(code) for code in row["languages"]),
            "language_label": str(dict(settings.LANGUAGES).get(row["language"], "")),
        }
        checked.append({"line": line, **row, **labels, "errors": errors, "outcome": outcome})
    return checked


def is_name(text: str) -> bool:
    """A full name as an invitation keeps it: only the characters a name can have, at most 150 of them
    (the length of the account's name fields)."""
    try:
        name_characters(text)
    except ValidationError:
        return False
    return len(text) <= 150


def _check_row(value: dict[str, str]) -> tuple[dict, dict[str, str]]:
    errors = {}
    name = value.get("name", "")
    if not is_name(name):
        errors["name"] = _("A name can have at most 150 letters, spaces and punctuation.")
    email = value.get("email", "").lower()
    try:
        validate_email(email)
        if len(email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        errors["email"] = _("Enter an e-mail address like name@example.org.")
    codes, unknown = [], []
    for part in re.split(r"[,;/]", value.get("languages", "")):
        if part.strip():
            code = session_language(part)
            if code is None:
                unknown.append(part.strip())
            elif code not in codes:
                codes.append(code)
    if unknown:
        errors["languages"] = _("Unknown language: %(names)s") % {"names": ", ".join(unknown)}
    language = ""
    if value.get("language", "").strip():
        language = message_language(value["language"]) or ""
        if not language:
            errors["language"] = _("Unknown language: %(names)s") % {"names": value["language"].strip()}
    phone = value.get("phone", "")
    if phone:
        try:
            phone_number(phone)
        except ValidationError as error:
            errors["phone"] = error.messages[0]
    row = {"name": name, "email": email, "languages": codes, "language": language, "phone": phone}
    return row, errors
