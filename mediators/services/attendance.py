"""Attendance organisers record, and the certificate it may earn: what counts, and when it is due."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy

from fachtag.models import Event, Workshop
from mediators.models import Enrolment, SessionRecord
from mediators.services.messages import _message


class AttendanceTooEarly(Exception):
    """Attendance for a session that has not begun: nobody can have been there yet."""

    def __init__(self, session: Workshop):
        self.session = session
        super().__init__(
            gettext_lazy("Attendance for this session can be recorded from %(start)s, when it begins.")
            % {"start": when_it_begins(session)}
        )


def when_it_begins(session: Workshop) -> str:
    """Its start in the active language: "5. Februar 2099, 16:00"."""
    start = timezone.localtime(session.slot.starts_at)
    return f"{formats.date_format(start, 'DATE_FORMAT')}, {start:%H:%M}"


def has_begun(session: Workshop, *, now=None) -> bool:
    return session.slot.starts_at <= (now or timezone.now())


def took_place(prefix: str = "", *, now=None) -> Q:
    """The records that count for a certificate: she was there, and the session was held (it has begun and
    was not cancelled). `prefix` reaches the records from another model ("records__")."""
    return Q(
        **{
            f"{prefix}attended": True,
            f"{prefix}session__slot__starts_at__lte": now or timezone.now(),
        }
    ) & ~Q(**{f"{prefix}session__status": Workshop.Status.CANCELLED})


def counts(record: SessionRecord, *, now=None) -> bool:
    """The same rule as took_place() for a record already loaded with its session and slot."""
    return bool(record.attended) and not record.session.is_cancelled and has_begun(record.session, now=now)


@transaction.atomic
def record_attendance(
    *, session_id: int, present_record_ids: set[int], recorded_by, now=None
) -> list[Enrolment]:
    """Tick who came to a session; everyone else enrolled is marked absent. Mediators who reach the
    series' minimum with sessions that took place get their certificate by e-mail (once). Returns the
    enrolments certified now.

    Raises AttendanceTooEarly for a session that has not begun (nothing is recorded)."""
    now = now or timezone.now()
    session = Workshop.objects.select_related("slot").get(pk=session_id)
    if not has_begun(session, now=now):
        raise AttendanceTooEarly(session)
    records = SessionRecord.objects.filter(session_id=session_id)
    records.filter(pk__in=present_record_ids).update(
        attended=True, attendance_recorded_at=now, attendance_recorded_by=recorded_by
    )
    records.exclude(pk__in=present_record_ids).update(
        attended=False, attendance_recorded_at=now, attendance_recorded_by=recorded_by
    )
    enrolled = SessionRecord.objects.filter(session_id=session_id).values("enrolment_id")
    enrolments = (
        Enrolment.objects.filter(pk__in=enrolled)
        .select_related("event", "mediator__user")
        .annotate(attended_sessions=Count("records", filter=took_place("records__", now=now)))
    )
    return [enrolment for enrolment in enrolments if _certify_if_due(enrolment, now=now)]


def sessions_that_count(enrolment: Enrolment, *, now=None):
    """Her attended sessions that took place, in order: what her certificate lists."""
    return (
        enrolment.records.filter(took_place(now=now))
        .select_related("session__slot")
        .order_by("session__slot__starts_at", "pk")
    )


def attended_count(enrolment: Enrolment, *, now=None) -> int:
    return sessions_that_count(enrolment, now=now).count()


def certificate_due(event: Event, attended: int) -> bool:
    """The series' rule: a certificate once she attended its minimum number of sessions that took place
    (if it has a minimum)."""
    needed = event.min_sessions_for_certificate
    return bool(needed) and attended >= needed


def is_certified(enrolment: Enrolment, *, now=None) -> bool:
    attended = getattr(enrolment, "attended_sessions", None)  # annotated by record_attendance()
    return certificate_due(
        enrolment.event, attended_count(enrolment, now=now) if attended is None else attended
    )


def certificate_date(enrolment: Enrolment, *, now=None):
    """The day she reached the series' minimum: the date of the session that made it up (not the day
    someone recorded it). None while she has not."""
    needed = enrolment.event.min_sessions_for_certificate
    if not needed:
        return None
    reached = sessions_that_count(enrolment, now=now)[needed - 1 : needed]
    return next((timezone.localdate(record.session.slot.starts_at) for record in reached), None)


def _certify_if_due(enrolment: Enrolment, *, now) -> bool:
    if enrolment.certificate_sent_at or not is_certified(enrolment, now=now):
        return False
    enrolment.certificate_sent_at = now
    enrolment.save(update_fields=["certificate_sent_at"])
    profile = enrolment.mediator
    _message(
        profile,
        "training_certificate",
        key=f"certificate:{enrolment.pk}",
        enrolment=enrolment,
        context={"attachments": [{"name": "mediator-certificate", "kwargs": {"enrolment_id": enrolment.pk}}]},
    )
    return True
