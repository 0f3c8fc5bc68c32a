"""The report an organiser shows the coordination body: figures of one event, beside the previous year's.

Counts only, never names. Every breakdown cell under MIN_CELL people (but above none) is shown as "< 5",
so that no one can be recognised in a small group. Each event's figures take a fixed number of queries
(aggregations, not loops over rows), however many people registered.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice.exports import Export, Section
from fachtag.models import ChildcareGroup, Event, InterpreterBooking, Workshop
from fachtag.pdf import render_pdf
from registrations.choices import INTERPRETING_LANGUAGES
from registrations.models import Booking, Child, Registration

MIN_CELL = 5
MASKED = "< 5"


def masked(value: int) -> int | str:
    """A breakdown cell as shown: "< 5" for 1 to 4 people, the number otherwise."""
    return MASKED if 0 < value < MIN_CELL else value


@dataclass
class Row:
    label: str
    values: list  # numbers, or MASKED
    previous: int | str | None = None  # the first value's figure in the previous year's event


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]  # the value columns (the label column's heading is `label`)
    label: str
    rows: list[Row] = field(default_factory=list)
    with_previous: bool = False

    @property
    def largest(self) -> int:
        numbers = [v for row in self.rows for v in (row.values[0], row.previous) if isinstance(v, int)]
        return max(numbers, default=0) or 1


@dataclass
class Report:
    event: Event
    previous: Event | None
    totals: Table
    tables: list[Table]


def previous_event(event: Event) -> Event | None:
    """The latest event of the same kind that started before this one."""
    return (
        Event.objects.filter(kind=event.kind, starts_at__lt=event.starts_at)
        .exclude(pk=event.pk)
        .order_by("-starts_at")
        .first()
    )


def _totals(event: Event) -> dict:
    return Registration.objects.filter(event=event).aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )


def _per_day(event: Event) -> list[tuple]:
    rows = (
        Registration.objects.filter(event=event)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return [(row["day"], row["n"]) for row in rows]


def _workshops(event: Event) -> list[Workshop]:
    return list(
        Workshop.objects.filter(slot__event=event)
        .select_related("slot")
        .annotate(
            confirmed=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
            waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
        )
        .order_by("slot__starts_at", "position", "pk")
    )


def _childcare(event: Event) -> dict[tuple, dict]:
    """Per age group: children asked for (any active registration), placed (holding a place) and used
    (their parent checked in)."""
    groups = (
        Child.objects.filter(registration__event=event)
        .values("group__min_age", "group__max_age")
        .annotate(
            asked=Count("pk", filter=Q(registration__status__in=Registration.ACTIVE)),
            placed=Count("pk", filter=Q(registration__status__in=Registration.HOLDING)),
            used=Count("pk", filter=Q(registration__checked_in_at__isnull=False)),
        )
        .order_by("group__min_age")
    )
    return {(g["group__min_age"], g["group__max_age"]): g for g in groups}


def _counted(event: Event, column: str) -> dict[str, int]:
    rows = (
        Registration.objects.filter(event=event, status__in=Registration.ACTIVE)
        .exclude(**{column: ""})
        .values(column)
        .annotate(n=Count("pk"))
    )
    return {row[column]: row["n"] for row in rows}


def _interpreting(event: Event, *, with_check_in: bool) -> dict[str, tuple[int, int]]:
    """Per language (one query): people who asked for interpreting into it (active registrations), and those
    provided with it: who asked for a language with an interpreter arranged (fachtag.InterpreterBooking),
    after an event with check-ins only those checked in (they were there to be interpreted for)."""
    arranged = InterpreterBooking.objects.filter(event=event, language=OuterRef("interpreting_language"))
    rows = (
        Registration.objects.filter(event=event, status__in=Registration.ACTIVE)
        .exclude(interpreting_language="")
        .values("interpreting_language")
        .annotate(
            asked=Count("pk"),
            present=Count("pk", filter=Q(checked_in_at__isnull=False)),
            arranged=Exists(arranged),
        )
    )
    return {
        row["interpreting_language"]: (
            row["asked"],
            (row["present"] if with_check_in else row["asked"]) if row["arranged"] else 0,
        )
        for row in rows
    }


def _interpreting_table(event: Event, previous: Event | None, *, with_check_in: bool) -> Table:
    """Asked for and provided per language; the previous event's figure is the number who asked there."""
    current = _interpreting(event, with_check_in=with_check_in)
    before = _counted(previous, "interpreting_language") if previous else None
    table = Table(
        "interpreting",
        _("Interpreting by language"),
        [_("Asked for"), _("Provided")],
        _("Language"),
        with_previous=before is not None,
    )
    names = dict(INTERPRETING_LANGUAGES)
    for code in sorted(current, key=lambda c: (-current[c][0], c)):
        asked, provided = current[code]
        earlier = masked(before.get(code, 0)) if before is not None else None
        table.rows.append(Row(str(names.get(code, code)), [masked(asked), masked(provided)], earlier))
    for code in sorted(set(before or ()) - set(current)):
        table.rows.append(Row(str(names.get(code, code)), [0, 0], masked(before[code])))
    return table


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def _side_by_side(key, title, label, column, current: dict, previous: dict | None, name) -> Table:
    table = Table(key, title, [column], label, with_previous=previous is not None)
    for code in sorted(current, key=lambda c: -current[c]):
        table.rows.append(
            Row(
                name(code),
                [masked(current[code])],
                masked(previous.get(code, 0)) if previous is not None else None,
            )
        )
    for code in sorted(set(previous or ()) - set(current)):
        table.rows.append(Row(name(code), [0], masked(previous[code])))
    return table


def build(event: Event) -> Report:
    """Every figure of the report (at most 13 queries with a previous event, 7 without)."""
    previous = previous_event(event)
    totals, before = _totals(event), (_totals(previous) if previous else None)
    names = {
        "total": _("Sign-ups"),
        "confirmed": _("Confirmed"),
        "waiting": _("On the waiting list"),
        "cancelled": _("Cancelled"),
        "checked_in": _("Checked in"),
    }
    total_table = Table(
        "totals", _("Sign-ups by status"), [_("Number")], _("Status"), with_previous=bool(before)
    )
    for key, name in names.items():
        total_table.rows.append(Row(name, [totals[key]], before[key] if before else None))

    days = Table("days", _("Sign-ups per day"), [_("Sign-ups")], _("Day"))
    days.rows = [Row(day.isoformat(), [masked(n)]) for day, n in _per_day(event)]

    workshops = Table(
        "workshops",
        _("Fill rate and waiting list per workshop"),
        [_("Fill rate (%)"), _("Confirmed"), _("Capacity"), _("Waiting")],
        _("Workshop"),
    )
    for workshop in _workshops(event):
        rate = round(100 * workshop.confirmed / workshop.capacity) if workshop.capacity else 0
        workshops.rows.append(
            Row(
                f"{timezone.localtime(workshop.slot.starts_at):%H:%M} {workshop.title}",
                [rate, masked(workshop.confirmed), workshop.capacity or "–", masked(workshop.waiting)],
            )
        )

    childcare = Table(
        "childcare",
        _("Childcare per age group (children)"),
        [_("Asked for"), _("Placed"), _("Used")],
        _("Age group"),
    )
    groups = ChildcareGroup.objects.filter(event=event).order_by("min_age").values_list("min_age", "max_age")
    counted = _childcare(event)
    for ages in groups:
        figures = counted.get(ages, {})
        childcare.rows.append(
            Row(
                _("%(min)s to %(max)s years") % {"min": ages[0], "max": ages[1]},
                [masked(figures.get(name, 0)) for name in ("asked", "placed", "used")],
            )
        )

    interpreting = _interpreting_table(event, previous, with_check_in=totals["checked_in"] > 0)
    languages = _side_by_side(
        "languages",
        _("Participants' languages"),
        _("Language"),
        _("People"),
        _counted(event, "language"),
        _counted(previous, "language") if previous else None,
        name=_language_name,
    )
    return Report(
        event, previous, total_table, [total_table, days, workshops, childcare, interpreting, languages]
    )


def to_export(built: Report) -> Export:
    """The report's figures as a spreadsheet: one sheet per table, the same cells as on the page."""
    sections = []
    for table in built.tables:
        header = [table.label, *table.columns] + ([_("Previous event")] if table.with_previous else [])
        rows = [
            [row.label, *row.values] + ([row.previous] if table.with_previous else []) for row in table.rows
        ]
        sections.append(Section(sheet=table.title, header=header, rows=rows, heading=table.title))
    return Export(filename=f"{built.event.slug}-report", sections=sections)


def to_pdf(event: Event) -> bytes:
    """The report as an A4 PDF in German (whatever the organiser's language), with its charts."""
    with translation.override("de"):
        return render_pdf("backoffice/report/pdf.html", {"event": event, "report": build(event)})
