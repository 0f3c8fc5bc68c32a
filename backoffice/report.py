"""The report an organiser shows the coordination body: figures of one event, beside the previous year's.

Counts only, never names. Every breakdown cell under MIN_CELL people (but above none) is shown as "< 5",
so that no one can be recognised in a small group. Each event's figures take a fixed number of queries
(aggregations, not loops over rows), however many people registered.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.db.models.functions import TruncWeek
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from backoffice.exports import Export, Section
from fachtag.languages import interpreting_language_label
from fachtag.models import ChildcareGroup, Event, InterpreterBooking, Workshop
from fachtag.pdf import render_pdf
from feedback.models import Answer, NextStep, Rating, Survey
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
    hidden: bool = False  # feedback: too few answers, `values` holds only the note saying so


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]  # the value columns (the label column's heading is `label`)
    label: str
    rows: list[Row] = field(default_factory=list)
    with_previous: bool = False
    scale: int | None = None  # the chart's full length (5 for mean ratings), else the largest value

    @property
    def largest(self) -> int:
        if self.scale:
            return self.scale
        numbers = [v for row in self.rows for v in (row.values[0], row.previous) if isinstance(v, int)]
        return max(numbers, default=0) or 1


@dataclass
class Report:
    event: Event
    previous: Event | None
    tables: list[Table]
    feedback: "Feedback | None" = None  # None: the event has no feedback survey


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


def _per_week(event: Event) -> list[tuple]:
    """(Monday of the week in Berlin, sign-ups made that week), in time order."""
    rows = (
        Registration.objects.filter(event=event)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by("week")
    )
    return [(timezone.localtime(row["week"]).date(), row["n"]) for row in rows]


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
    for code in sorted(current, key=lambda c: (-current[c][0], c)):
        asked, provided = current[code]
        earlier = masked(before.get(code, 0)) if before is not None else None
        table.rows.append(Row(interpreting_language_label(code), [masked(asked), masked(provided)], earlier))
    for code in sorted(set(before or ()) - set(current)):
        table.rows.append(Row(interpreting_language_label(code), [0, 0], masked(before[code])))
    return table


def workshop_label(workshop: Workshop, *, series: bool = False) -> str:
    """A workshop as the report names it: its time (a training session: its date) and its title."""
    when = timezone.localtime(workshop.slot.starts_at)
    day_or_time = formats.date_format(when, "SHORT_DATE_FORMAT") if series else f"{when:%H:%M}"
    return f"{day_or_time} {workshop.title}"


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def side_by_side(key, title, label, column, current: dict, previous: dict | None, name) -> Table:
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
    """Every figure of the report, in a fixed number of queries however many people registered."""
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

    # Sign-ups over time: counts of a week tell nothing about anyone, so they are not masked.
    weeks = Table("weeks", _("Sign-ups per week"), [_("New sign-ups"), _("Sign-ups so far")], _("Week from"))
    so_far = 0
    for monday, n in _per_week(event):
        so_far += n
        weeks.rows.append(Row(formats.date_format(monday, "SHORT_DATE_FORMAT"), [n, so_far]))

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
                workshop_label(workshop),
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
    languages = side_by_side(
        "languages",
        _("Participants' languages"),
        _("Language"),
        _("People"),
        _counted(event, "language"),
        _counted(previous, "language") if previous else None,
        name=_language_name,
    )
    return Report(
        event,
        previous,
        [total_table, weeks, workshops, childcare, interpreting, languages],
        feedback=build_feedback(event, previous),
    )


def _section(table: Table) -> Section:
    header = [table.label, *table.columns] + ([_("Previous event")] if table.with_previous else [])
    rows = [[row.label, *row.values] + ([row.previous] if table.with_previous else []) for row in table.rows]
    return Section(sheet=table.title, header=header, rows=rows, heading=table.title)


def to_export(built: Report) -> Export:
    """The report's figures as a spreadsheet: one sheet per table, the same cells as on the page."""
    sections = [_section(table) for table in built.tables]
    sections += feedback_sections(built.feedback)
    return Export(filename=f"{built.event.slug}-report", sections=sections)


def to_pdf(event: Event, builder=None) -> bytes:
    """The report as an A4 PDF in German (whatever the organiser's language), with its charts. `builder`:
    another function making the Report of the event (a training series': backoffice.series_report)."""
    with translation.override("de"):
        built = (builder or build)(event)
        return render_pdf("backoffice/report/pdf.html", {"event": event, "report": built})


# Feedback: the answers to the event's survey, beside the previous event's. ----------------------

MIN_ANSWERS = 5
LEVELS = sorted(Rating.values, reverse=True)  # very good first
QUESTIONS = ("overall", "childcare", "interpreting")


def breakdown_shown(answers: int) -> bool:
    """The anonymity rule of the feedback: a breakdown (a workshop's ratings, childcare, interpreting, any
    set of rows) based on fewer than MIN_ANSWERS answers is not shown at all, not even its count."""
    return answers >= MIN_ANSWERS


def not_shown() -> str:
    return _("fewer than %(number)s answers: not shown") % {"number": MIN_ANSWERS}


@dataclass
class Comment:
    text: str
    language: str  # for the lang attribute only (never shown: a rare language could tell who wrote it)


@dataclass
class Feedback:
    answers: int
    previous_answers: int | None  # None: the previous event had no survey (or there is none)
    tables: list[Table]
    comments: list[Comment]
    min_answers: int = MIN_ANSWERS

    @property
    def comments_in_downloads(self) -> bool:
        """Free text goes into the PDF and the XLSX only when the survey had at least MIN_ANSWERS answers."""
        return breakdown_shown(self.answers)


def _survey_figures(events: list[Event]) -> dict[int, dict]:
    """Per event with a survey: the number of answers and, per rating question, how many answered it, the
    mean and the count per level: one grouped query for this year's and the previous event's survey."""
    # Named n_…: an annotation called "answers" would shadow the relation in the ones after it.
    figures = {"n_answers": Count("answers"), "n_comments": Count("answers", filter=~Q(answers__comment=""))}
    for question in QUESTIONS:
        figures[f"{question}_n"] = Count(f"answers__{question}")
        figures[f"{question}_mean"] = Avg(f"answers__{question}")
        for level in LEVELS:
            figures[f"{question}_{level}"] = Count("answers", filter=Q(**{f"answers__{question}": level}))
    rows = Survey.objects.filter(event__in=events).values("event_id").annotate(**figures).order_by()
    return {row["event_id"]: row for row in rows}


def _answer_rows(events: list[Event]) -> dict[int, list[tuple]]:
    """The JSON parts of the answers (workshop ratings, next steps) and the comments, counted in Python: the
    ORM's JSON key lookups read a numeric key such as "12" as an array index (PostgreSQL and SQLite), and
    SQLite has no JSON containment lookup. One query, whatever the number of answers."""
    rows = defaultdict(list)
    answers = Answer.objects.filter(survey__event__in=events).values_list(
        "survey__event_id", "workshops", "next_steps", "comment", "language"
    )
    for event_id, *values in answers:
        rows[event_id].append(tuple(values))
    return rows


def _mean(value) -> float:
    return round(float(value), 1)


def _rating_row(label: str, counts: dict[int, int], mean, previous) -> Row:
    answered = sum(counts.values())
    if not breakdown_shown(answered):
        return Row(label, [not_shown()], previous, hidden=True)
    return Row(label, [_mean(mean), answered, *(counts.get(level, 0) for level in LEVELS)], previous)


def _rating_columns() -> list[str]:
    return [_("Mean (1 = bad, 5 = very good)"), _("Answers"), *(str(Rating(level).label) for level in LEVELS)]


def _previous_mean(before: dict | None, question: str):
    if before is None:
        return None
    if not breakdown_shown(before[f"{question}_n"]):
        return not_shown()
    return _mean(before[f"{question}_mean"])


def _ratings_table(now: dict, before: dict | None, *, series: bool = False) -> Table:
    table = Table(
        "feedback_ratings",
        _("Ratings: mean and distribution"),
        _rating_columns(),
        _("Question"),
        with_previous=before is not None,
        scale=max(LEVELS),
    )
    questions = (
        [("overall", _("The series overall"))]
        if series
        else [
            ("overall", _("The day overall")),
            ("childcare", _("Childcare")),
            ("interpreting", _("Interpreting")),
        ]
    )
    for question, label in questions:
        counts = {level: now[f"{question}_{level}"] for level in LEVELS}
        table.rows.append(
            _rating_row(label, counts, now[f"{question}_mean"], _previous_mean(before, question))
        )
    return table


def _workshops_table(event: Event, rows: list[tuple], *, series: bool = False) -> Table:
    """Per workshop rated at least once, in programme order (one query for the titles, only when rated).
    For a training series: per session, labelled with its date."""
    ratings: dict[int, Counter] = defaultdict(Counter)
    for workshops, _steps, _comment, _language in rows:
        for key, rating in (workshops or {}).items():
            if str(key).isdigit() and rating in LEVELS:
                ratings[int(key)][rating] += 1
    table = Table(
        "feedback_workshops",
        _("Ratings per session") if series else _("Ratings per workshop"),
        _rating_columns(),
        _("Session") if series else _("Workshop"),
        scale=max(LEVELS),
    )
    if not ratings:
        return table
    rated = Workshop.objects.filter(slot__event=event, pk__in=ratings).select_related("slot")
    for workshop in rated.order_by("slot__starts_at", "position", "pk"):
        counts = ratings[workshop.pk]
        mean = sum(level * n for level, n in counts.items()) / sum(counts.values())
        table.rows.append(_rating_row(workshop_label(workshop, series=series), counts, mean, None))
    return table


def _next_steps(rows: list[tuple]) -> Counter:
    return Counter(step for _workshops, steps, _comment, _language in rows for step in steps or ())


def _next_steps_table(answers: int, rows: list[tuple], before: dict | None, before_rows) -> Table:
    table = Table(
        "feedback_next_steps",
        _("What will you do next?"),
        [_("Answers")],
        _("Choice"),
        with_previous=before is not None,
    )
    counts, earlier = _next_steps(rows), _next_steps(before_rows)
    for step in NextStep:
        previous = None
        if before is not None:
            previous = earlier[step.value] if breakdown_shown(before["n_answers"]) else not_shown()
        if breakdown_shown(answers):
            table.rows.append(Row(str(step.label), [counts[step.value]], previous))
        else:
            table.rows.append(Row(str(step.label), [not_shown()], previous, hidden=True))
    return table


def build_feedback(event: Event, previous: Event | None, *, series: bool = False) -> Feedback | None:
    """The feedback part of the report, in a fixed number of queries however many answers.
    `series`: only the questions a training series asks (overall, per session, comments)."""
    events = [event] + ([previous] if previous else [])
    surveys = _survey_figures(events)
    now = surveys.get(event.pk)
    if now is None:
        return None
    before = surveys.get(previous.pk) if previous else None
    rows = _answer_rows(events) if now["n_answers"] or (before and before["n_answers"]) else {}
    current, earlier = rows.get(event.pk, []), rows.get(previous.pk, []) if previous else []
    summary = Table(
        "feedback_answers",
        _("Answers to the feedback survey"),
        [_("Number")],
        _("Feedback"),
        with_previous=before is not None,
    )
    summary.rows = [
        Row(_("Answers"), [now["n_answers"]], before["n_answers"] if before else None),
        Row(_("Answers with a comment"), [now["n_comments"]], before["n_comments"] if before else None),
    ]
    comments = sorted(
        (Comment(text, language.split("-")[0]) for _w, _s, text, language in current if text),
        key=lambda comment: comment.text.casefold(),
    )
    return Feedback(
        answers=now["n_answers"],
        previous_answers=before["n_answers"] if before else None,
        tables=[
            summary,
            _ratings_table(now, before, series=series),
            _workshops_table(event, current, series=series),
            *([] if series else [_next_steps_table(now["n_answers"], current, before, earlier)]),
        ],
        comments=comments,
    )


def feedback_sections(feedback: Feedback | None) -> list[Section]:
    """The feedback tables for the spreadsheet; the comments only when the survey had enough answers."""
    if feedback is None:
        return []
    sections = [_section(table) for table in feedback.tables]
    if feedback.comments_in_downloads:
        title = _("Comments (free text)")
        rows = [[comment.text] for comment in feedback.comments]
        sections.append(Section(sheet=title, header=[_("Comment")], rows=rows, heading=title))
    return sections
