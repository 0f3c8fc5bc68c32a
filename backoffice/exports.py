"""Organisers' exports of one event: lists as CSV and XLSX, attendance lists and name badges as PDF.

A list is built once as an `Export` (sections of header and rows) and written by `to_csv` or `to_xlsx`,
so both formats hold the same cells. Every cell passes through `neutralise`: spreadsheet programs run
text that starts like a formula (QUALITY-CHECKLIST SEC-11). Numbers we count ourselves stay numbers.
Each export reads with a fixed number of queries, however many people registered.
"""

import csv
import io
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from backoffice.selectors import event_workshops
from fachtag.languages import INTERPRETING_OTHER as OTHER
from fachtag.models import Event, TimeSlot, Workshop
from fachtag.pdf import render_pdf
from registrations.models import Booking, Child, Registration

# A cell starting with one of these is a formula (or becomes one) in Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
# Control characters no spreadsheet shows and XLSX cannot hold (TAB, LF and CR are allowed), and the
# bidi embeddings, overrides and isolates that could reorder a name and its neighbours (SEC-10).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Excel's limits for worksheet titles: 31 characters, none of these.
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
BADGES_PER_PAGE = 8  # A4, 2 columns × 4 rows
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOOKING_ORDER = {Booking.Status.CONFIRMED: 0, Booking.Status.OFFERED: 1, Booking.Status.WAITLISTED: 2}


def neutralise(value):
    """The value for a CSV or XLSX cell: numbers as they are, anything else as text that cannot run.

    Text starting with = + - @ TAB CR LF or NUL gets a leading apostrophe; invisible control characters
    (which XLSX cannot store) and bidi overrides are dropped. Only pass numbers we computed (counts, ages),
    never user text.
    """
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    cleaned = CONTROL_CHARACTERS.sub("", text)
    if text.startswith(FORMULA_STARTS) or cleaned.startswith(FORMULA_STARTS):
        return "'" + cleaned
    return cleaned


@dataclass
class Section:
    sheet: str  # worksheet title in the XLSX file
    header: list[str]
    rows: list[list] = field(default_factory=list)
    heading: str = ""  # a line above the header (CSV) or a first row (XLSX)


@dataclass
class Export:
    filename: str  # without the extension; ASCII
    sections: list[Section]
    mark: str = ""  # a confidentiality mark: first line of the file, first row of every sheet


def to_csv(export: Export) -> bytes:
    """RFC 4180 (the csv module's excel dialect, CRLF), UTF-8 with BOM so that Excel reads every script."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if export.mark:
        writer.writerow([neutralise(export.mark)])
    for index, section in enumerate(export.sections):
        if index or export.mark:
            writer.writerow([])
        if section.heading:
            writer.writerow([neutralise(section.heading)])
        writer.writerow([neutralise(cell) for cell in section.header])
        writer.writerows([neutralise(cell) for cell in row] for row in section.rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(export: Export) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for section in export.sections:
        title = SHEET_TITLE_FORBIDDEN.sub(" ", section.sheet)[:SHEET_TITLE_MAX].strip()
        sheet = workbook.create_sheet(title=title or None)
        if export.mark:
            sheet.append([neutralise(export.mark)])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            # Printed pages carry the mark too.
            sheet.oddHeader.center.text = export.mark
        if section.heading:
            sheet.append([neutralise(section.heading)])
        sheet.append([neutralise(cell) for cell in section.header])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
        for row in section.rows:
            sheet.append([neutralise(cell) for cell in row])
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        sheet.print_title_rows = f"{header_row}:{header_row}"
        for column, title in enumerate(section.header, start=1):
            letter = sheet.cell(row=header_row, column=column).column_letter
            sheet.column_dimensions[letter].width = max(12, min(len(str(title)) + 4, 40))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading -------------------------------------------------------------------------------------


def _label(model, field_name: str) -> str:
    return str(capfirst(model._meta.get_field(field_name).verbose_name))


def _local(moment, pattern: str = "%d.%m.%Y %H:%M") -> str:
    return timezone.localtime(moment).strftime(pattern) if moment else ""


def slot_label(slot: TimeSlot) -> str:
    times = f"{_local(slot.starts_at, '%H:%M')}–{_local(slot.ends_at, '%H:%M')}"
    return f"{times} {slot.title}".strip()


def choice_labels(model, field_name: str) -> dict:
    """What get_FOO_display shows, translated once for a whole export instead of once per row and column."""
    return {code: str(label) for code, label in model._meta.get_field(field_name).flatchoices}


def interpreting_label(registration: Registration, labels: dict | None = None) -> str:
    labels = labels or choice_labels(Registration, "interpreting_language")
    if registration.interpreting_language == OTHER:
        other = labels[OTHER]
        text = registration.interpreting_other.strip()
        return f"{other}: {text}" if text else other
    return labels.get(registration.interpreting_language, registration.interpreting_language)


def parallel_slots(event: Event) -> list[TimeSlot]:
    return list(TimeSlot.objects.filter(event=event, kind=TimeSlot.Kind.PARALLEL).order_by("starts_at", "pk"))


def workshops_of(event: Event):
    """The event's workshops in parallel slots, by time, with their slot."""
    return event_workshops(event, parallel_only=True)


def workshop_of(event: Event, pk: int) -> Workshop | None:
    return workshops_of(event).filter(pk=pk).first()


def participants(event: Event, *, workshop: Workshop | None = None) -> Export:
    """Everyone with an active registration (or, for one workshop, an active booking of it): contact,
    status, the workshop per slot with its booking status, interpreting, children, check-in.
    Accessibility needs are not exported: staff see them on the detail page only."""
    slots = parallel_slots(event)
    bookings = Booking.objects.filter(status__in=Booking.ACTIVE).select_related("workshop")
    registrations = (
        Registration.objects.filter(event=event, status__in=Registration.ACTIVE)
        .annotate(children_count=Count("children"))
        .prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="active_bookings"))
        .order_by(Lower("name"), "pk")
    )
    if workshop is not None:
        booked = Booking.objects.filter(workshop=workshop, status__in=Booking.ACTIVE)
        registrations = registrations.filter(pk__in=booked.values("registration_id"))
    header = [
        _label(Registration, "name"),
        _label(Registration, "email"),
        _label(Registration, "phone"),
        _label(Registration, "organisation"),
        _label(Registration, "language"),
        _label(Registration, "status"),
    ]
    for slot in slots:
        header += [
            _("%(slot)s: workshop") % {"slot": slot_label(slot)},
            _("%(slot)s: booking status") % {"slot": slot_label(slot)},
        ]
    header += [
        _label(Registration, "interpreting_language"),
        _("Children"),
        _label(Registration, "checked_in_at"),
    ]
    languages = choice_labels(Registration, "language")
    statuses = choice_labels(Registration, "status")
    booking_statuses = choice_labels(Booking, "status")
    interpreting_languages = choice_labels(Registration, "interpreting_language")
    rows = []
    for registration in registrations:
        per_slot = defaultdict(list)
        for booking in sorted(registration.active_bookings, key=lambda b: BOOKING_ORDER[b.status]):
            per_slot[booking.slot_id].append(booking)
        row = [
            registration.name,
            registration.email,
            registration.phone,
            registration.organisation,
            languages.get(registration.language, registration.language),
            statuses.get(registration.status, registration.status),
        ]
        for slot in slots:
            chosen = per_slot.get(slot.pk, [])
            row += [
                "; ".join(booking.workshop.title for booking in chosen),
                "; ".join(booking_statuses.get(booking.status, booking.status) for booking in chosen),
            ]
        row += [
            interpreting_label(registration, interpreting_languages),
            registration.children_count,
            _local(registration.checked_in_at),
        ]
        rows.append(row)
    name = f"{event.slug}-participants" + (f"-workshop-{workshop.pk}" if workshop else "")
    return Export(filename=name, sections=[Section(sheet=_("Participants"), header=header, rows=rows)])


def childcare(event: Event) -> Export:
    """Per child: age, age group, the parent's name and phone, status and notes; confidential.
    First the children of registrations holding a place, then those waiting."""
    header = [
        _("Age"),
        _("Age group"),
        _("Parent's name"),
        _label(Registration, "phone"),
        _("Registration status"),
        _label(Registration, "childcare_notes"),
    ]
    children = (
        Child.objects.filter(registration__event=event, registration__status__in=Registration.ACTIVE)
        .select_related("registration", "group")
        .order_by("group__min_age", "age", Lower("registration__name"), "pk")
    )
    statuses = choice_labels(Registration, "status")
    holding, waiting = [], []
    for child in children:
        registration = child.registration
        row = [
            child.age,
            str(child.group),
            registration.name,
            registration.phone,
            statuses.get(registration.status, registration.status),
            registration.childcare_notes,
        ]
        (holding if registration.holds_place else waiting).append(row)
    return Export(
        filename=f"{event.slug}-childcare",
        mark=_("Confidential – childcare – for the carers only"),
        sections=[
            Section(sheet=_("Confidential"), heading=_("Children with a place"), header=header, rows=holding),
            Section(
                sheet=_("Confidential – waiting list"),
                heading=_("Children on the waiting list"),
                header=header,
                rows=waiting,
            ),
        ],
    )


def interpreting(event: Event) -> Export:
    """Interpreting for people holding a place: how many per language, per workshop and language, and
    their names per language."""
    bookings = Booking.objects.filter(status__in=Booking.HOLDING).only("registration", "workshop")
    registrations = (
        Registration.objects.filter(event=event, status__in=Registration.HOLDING)
        .exclude(interpreting_language="")
        .prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="held_bookings"))
        .order_by(Lower("name"), "pk")
    )
    labels, people, per_workshop = {}, defaultdict(list), defaultdict(Counter)
    choices = choice_labels(Registration, "interpreting_language")
    for registration in registrations:
        key = (registration.interpreting_language, registration.interpreting_other.strip().casefold())
        if key not in labels:
            labels[key] = interpreting_label(registration, choices)
        people[key].append(registration.name)
        for booking in registration.held_bookings:
            per_workshop[booking.workshop_id][key] += 1
    languages = sorted(people, key=lambda key: (-len(people[key]), labels[key].casefold()))
    language_header = _("Language")
    count_header = _("People")
    workshop_rows = [
        [
            slot_label(workshop.slot),
            workshop.title,
            workshop.room,
            *(per_workshop[workshop.pk][key] for key in languages),
        ]
        for workshop in workshops_of(event).exclude(status=Workshop.Status.CANCELLED)
    ]
    return Export(
        filename=f"{event.slug}-interpreting",
        sections=[
            Section(
                sheet=_("Languages"),
                heading=_("People holding a place, per language"),
                header=[language_header, count_header],
                rows=[[labels[key], len(people[key])] for key in languages],
            ),
            Section(
                sheet=_("Workshops"),
                heading=_("People per workshop and language"),
                header=[_("Time slot"), _("Workshop"), _("Room"), *(labels[key] for key in languages)],
                rows=workshop_rows,
            ),
            Section(
                sheet=_("Names"),
                heading=_("Names per language"),
                header=[language_header, _label(Registration, "name")],
                rows=[[labels[key], name] for key in languages for name in people[key]],
            ),
        ],
    )


# --- PDF -----------------------------------------------------------------------------------------


def text_direction(text: str) -> str:
    """ "rtl" or "ltr" from the first strong character, as dir="auto" does in a browser."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"


def attendance_pdf(event: Event) -> bytes:
    """For each scheduled workshop, grouped by room and in time order, its confirmed participants with an
    empty column for signatures; every workshop starts a new page."""
    attendees = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED, registration__status=Registration.Status.CONFIRMED
        )
        .select_related("registration")
        .order_by(Lower("registration__name"), "pk")
    )
    workshops = sorted(
        workshops_of(event)
        .exclude(status=Workshop.Status.CANCELLED)
        .prefetch_related(Prefetch("bookings", queryset=attendees, to_attr="attendees")),
        key=lambda w: (not w.room, w.room.casefold(), w.slot.starts_at, w.position, w.pk),
    )
    pages = [
        {
            "workshop": workshop,
            "time": f"{_local(workshop.slot.starts_at, '%d.%m.%Y %H:%M')}–{_local(workshop.slot.ends_at, '%H:%M')}",
            "people": [booking.registration for booking in workshop.attendees],
        }
        for workshop in workshops
    ]
    return render_pdf("backoffice/exports/attendance.html", {"event": event, "pages": pages})


def badges_pdf(event: Event) -> bytes:
    """Name badges for the confirmed participants, eight to an A4 sheet."""
    people = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).order_by(
        Lower("name"), "pk"
    )
    badges = [
        {
            "name": person.name,
            "organisation": person.organisation,
            "dir": text_direction(person.name),
            "long": len(person.name) > 24,
        }
        for person in people
    ]
    sheets = [badges[start : start + BADGES_PER_PAGE] for start in range(0, len(badges), BADGES_PER_PAGE)]
    rows = [[sheet[start : start + 2] for start in range(0, len(sheet), 2)] for sheet in sheets]
    return render_pdf("backoffice/exports/badges.html", {"event": event, "sheets": rows})
