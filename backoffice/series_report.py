"""The report of a training series: what the mediators' coordinators need, in the shape of the
Fachtag's report (backoffice.report: Report, Table, Row; the same page, PDF and XLSX).

Enrolled mediators (active in the pool or not), certificates issued; per session the replies and the
attendance recorded; the languages the mediators mediate in ("< 5" below five, as in the Fachtag's report);
the feedback part with the questions a series asks. Beside the previous series where a figure allows it.
Per session the counts are not masked: the same coordinators see each mediator's reply and attendance by
name on the series page. A fixed number of queries, however many mediators.
"""

from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from backoffice import report
from backoffice.report import Report, Row, Table
from fachtag.languages import SESSION_LANGUAGES
from fachtag.models import Event, Workshop
from mediators.models import Enrolment, SessionRecord

ATTENDING, ABSENT = SessionRecord.Reply.ATTENDING, SessionRecord.Reply.ABSENT


def is_series(event: Event) -> bool:
    return event.kind == Event.Kind.TRAINING


def _enrolments(events: list[Event]) -> dict[int, dict]:
    """Per series (one grouped query): enrolled, still active in the pool, left it, certificates issued."""
    rows = (
        Enrolment.objects.filter(event__in=events)
        .values("event_id")
        .annotate(
            enrolled=Count("pk"),
            active=Count("pk", filter=Q(mediator__is_active=True)),
            left=Count("pk", filter=Q(mediator__is_active=False)),
            certified=Count("pk", filter=Q(certificate_sent_at__isnull=False)),
        )
        .order_by()
    )
    return {row["event_id"]: row for row in rows}


def _languages(events: list[Event]) -> dict[int, Counter]:
    """Per series: how many of its enrolled mediators mediate in each language (one query; the languages are
    a JSON list per mediator, counted here)."""
    counted = {event.pk: Counter() for event in events}
    rows = Enrolment.objects.filter(event__in=events).values_list("event_id", "mediator__languages")
    for event_id, languages in rows:
        counted[event_id].update(set(languages or ()))
    return counted


def _sessions(event: Event) -> list[Workshop]:
    """The series' sessions with their replies and attendance counted (one query)."""
    records = "mediator_records"
    return list(
        Workshop.objects.filter(slot__event=event)
        .select_related("slot")
        .annotate(
            attending=Count(records, filter=Q(**{f"{records}__reply": ATTENDING})),
            absent=Count(records, filter=Q(**{f"{records}__reply": ABSENT})),
            present=Count(records, filter=Q(**{f"{records}__attended": True})),
            missed=Count(records, filter=Q(**{f"{records}__attended": False})),
            unrecorded=Count(records, filter=Q(**{f"{records}__attended__isnull": True})),
        )
        .order_by("slot__starts_at", "position", "pk")
    )


def attendance_rate(present: int, absent: int) -> int | str:
    """Present among those recorded, in per cent; "–" while no one is recorded."""
    recorded = present + absent
    return round(100 * present / recorded) if recorded else "–"


def build(event: Event) -> Report:
    """Every figure of a series' report, in a fixed number of queries however many mediators."""
    previous = report.previous_event(event)
    events = [event] + ([previous] if previous else [])
    enrolled = _enrolments(events)
    empty = {"enrolled": 0, "active": 0, "left": 0, "certified": 0}
    now = enrolled.get(event.pk, empty)
    before = enrolled.get(previous.pk, empty) if previous else None
    totals = Table(
        "enrolments",
        _("Mediators of the series"),
        [_("Number")],
        _("Status"),
        with_previous=previous is not None,
    )
    for key, name in (
        ("enrolled", _("Enrolled mediators")),
        ("active", _("Active in the pool")),
        ("left", _("Left the pool")),
        ("certified", _("Certificates issued")),
    ):
        totals.rows.append(Row(name, [now[key]], before[key] if before else None))

    sessions = Table(
        "sessions",
        _("Replies and attendance per session"),
        [
            _("Attendance rate (%)"),
            _("Reply: attending"),
            _("Reply: absent"),
            _("Present"),
            _("Absent"),
            _("Not recorded yet"),
        ],
        _("Session"),
        scale=100,  # the chart: attendance rates, of 100 %
    )
    for session in _sessions(event):
        label = report.workshop_label(session, series=True)
        if session.is_cancelled:
            label = f"{label} ({_('cancelled')})"
        sessions.rows.append(
            Row(
                label,
                [
                    attendance_rate(session.present, session.missed),
                    session.attending,
                    session.absent,
                    session.present,
                    session.missed,
                    session.unrecorded,
                ],
            )
        )

    counted = _languages(events)
    names = {code: str(name) for code, name in SESSION_LANGUAGES}
    languages = report.side_by_side(
        "mediator_languages",
        _("Languages the mediators mediate in"),
        _("Language"),
        _("Mediators"),
        dict(counted[event.pk]),
        dict(counted[previous.pk]) if previous else None,
        name=lambda code: names.get(code, code),
    )
    return Report(
        event,
        previous,
        [totals, sessions, languages],
        feedback=report.build_feedback(event, previous, series=True),
    )


def build_for(event: Event) -> Report:
    """The report of any event: a training series' or a Fachtag's."""
    return build(event) if is_series(event) else report.build(event)


def to_pdf(event: Event) -> bytes:
    return report.to_pdf(event, build_for)
