"""Reminders before each session, chosen by state, so a missed or doubled beat run is harmless."""

from datetime import timedelta

from django.db import transaction

from fachtag.models import Workshop
from mediators.models import SessionRecord
from mediators.services.messages import _message


def send_session_reminders(*, now, within_hours: int = 36) -> int:
    """Periodic: a reminder before each session to each enrolled mediator who has not said she is absent.
    Chosen by state (reminded_at), so running twice sends nothing twice."""
    due = (
        SessionRecord.objects.filter(
            reminded_at__isnull=True,
            session__status=Workshop.Status.SCHEDULED,
            session__slot__starts_at__gt=now,
            session__slot__starts_at__lte=now + timedelta(hours=within_hours),
            enrolment__mediator__is_active=True,
        )
        .exclude(reply=SessionRecord.Reply.ABSENT)
        .select_related("session__slot", "enrolment__event", "enrolment__mediator__user")
    )
    sent = 0
    for record in due:
        with transaction.atomic():
            if SessionRecord.objects.filter(pk=record.pk, reminded_at__isnull=True).update(reminded_at=now):
                _message(
                    record.enrolment.mediator,
                    "training_reminder",
                    key=f"session-reminder:{record.pk}",
                    enrolment=record.enrolment,
                    record=record,
                )
                sent += 1
    return sent
