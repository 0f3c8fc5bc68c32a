from celery import shared_task
from django.utils import timezone

from feedback import services


@shared_task
def open_due_surveys() -> int:
    """Beat: ended Fachtage (and training series, whose mediators are asked through the inviter mediators
    registers) get their survey; each survey that has opened gets one task queueing its mails."""
    now = timezone.now()
    services.create_due_surveys(now=now)
    due = services.due_surveys(now=now)
    for survey_id in due:
        invite_participants.delay(survey_id)
    return len(due)


@shared_task
def invite_participants(survey_id: int) -> int:
    """One invitation per participant (or mediator) of one survey (idempotent: keyed outbox messages)."""
    return services.invite(survey_id=survey_id, now=timezone.now())
