"""Training series: enrolment with its schedule and invites, changed sessions, her replies."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from fachtag.models import Event, Workshop
from mediators import calendar
from mediators.models import Enrolment, MediatorProfile, SessionRecord
from mediators.services.messages import _message


def sessions_of(event: Event):
    return Workshop.objects.filter(slot__event=event).select_related("slot").order_by("slot__starts_at")


@transaction.atomic
def enrol(*, event_id: int, profile_ids: list[int] | None = None) -> list[Enrolment]:
    """Enrol mediators (all active ones when no selection is given) in a training series. Each new one
    gets the schedule in her language and one invite per session (one calendar entry per message, see
    notifications/calendar.py). Enrolling twice does nothing."""
    event = Event.objects.get(pk=event_id, kind=Event.Kind.TRAINING)
    profiles = MediatorProfile.objects.filter(is_active=True)
    if profile_ids is not None:
        profiles = MediatorProfile.objects.filter(pk__in=profile_ids)
    sessions = list(sessions_of(event))
    enrolled = []
    for profile in profiles.select_related("user"):
        enrolment, created = Enrolment.objects.get_or_create(event=event, mediator=profile)
        if not created:
            continue
        SessionRecord.objects.bulk_create(SessionRecord(enrolment=enrolment, session=s) for s in sessions)
        _message(profile, "training_schedule", key=f"schedule:{enrolment.pk}", enrolment=enrolment)
        records = enrolment.records.select_related(
            "session__slot", "enrolment__event", "enrolment__mediator__user"
        )
        for record in records:
            if not record.session.is_cancelled:
                _session_invite(record, "training_session_invite", key=f"session-invite:{record.pk}")
        enrolled.append(enrolment)
    return enrolled


@transaction.atomic
def session_changed(*, session_id: int) -> int:
    """A session was moved, re-roomed or cancelled, or its series changed: each enrolled mediator gets an
    update (or a cancellation) for that one session; its SEQUENCE grows, the other sessions' entries stay
    as they are."""
    records = SessionRecord.objects.filter(session_id=session_id).select_related(
        "session__slot", "enrolment__event", "enrolment__mediator__user"
    )
    now = timezone.now()
    for record in records:
        record.calendar_sequence += 1
        record.calendar_changed_at = now
        record.save(update_fields=["calendar_sequence", "calendar_changed_at"])
        cancelled = record.session.is_cancelled
        kind = "training_session_cancelled" if cancelled else "training_session_changed"
        _session_invite(record, kind, key=f"session:{record.pk}:{record.calendar_sequence}")
    return len(records)


def _session_invite(record: SessionRecord, kind: str, *, key: str) -> None:
    """A message about one session carrying its invite: CANCEL once the session is cancelled, else REQUEST."""
    profile = record.enrolment.mediator
    method = "CANCEL" if record.session.is_cancelled else "REQUEST"
    _message(
        profile,
        kind,
        key=key,
        enrolment=record.enrolment if kind != "training_session_invite" else None,
        record=record,
        calendar={"method": method, "entry": calendar.session_entry(record, profile.language)},
    )


class ReplyTooLate(Exception):
    """A reply for a session that has begun: what happened is the attendance organisers record."""

    def __init__(self):
        super().__init__(
            gettext_lazy("This session has already begun, so your reply can no longer be changed.")
        )


def reply(*, record_id: int, answer: str, reason: str = "", now=None) -> None:
    """Her answer for one session still ahead, which organisers see. ReplyTooLate once it has begun."""
    updated = SessionRecord.objects.filter(
        pk=record_id, session__slot__starts_at__gt=now or timezone.now()
    ).update(
        reply=answer,
        reason=reason.strip() if answer == SessionRecord.Reply.ABSENT else "",
        replied_at=timezone.now(),
    )
    if not updated:
        raise ReplyTooLate


def replies_for(event: Event):
    """Every enrolled mediator's reply and attendance per session, for organisers (a fixed number of queries)."""
    return (
        SessionRecord.objects.filter(enrolment__event=event)
        .select_related("enrolment__mediator__user", "session__slot")
        .order_by("session__slot__starts_at", "enrolment__mediator__user__email")
    )
