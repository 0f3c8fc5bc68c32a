"""Feedback on a series. The feedback app asks a series' mediators through invite_to_feedback (registered
in MediatorsConfig.ready for training series: the same beat and window as a Fachtag's survey). Her answer is
stored by feedback.services without any link to her: only a keyed hash of (survey, feedback_respondent)
marks that she answered. She answers behind her login in the portal; the edit key in her cookie lets her
change it."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation

from fachtag.models import Workshop
from feedback import services as feedback
from feedback.models import Survey
from mediators.models import Enrolment
from mediators.services.attendance import sessions_that_count, took_place
from mediators.services.messages import _message

FEEDBACK_KIND = "training_feedback_invitation"


def feedback_respondent(enrolment_id: int) -> str:
    """Who she is to the feedback app (never stored: only its keyed hash is)."""
    return f"enrolment:{enrolment_id}"


def attended_sessions(enrolment: Enrolment, *, now=None) -> list[Workshop]:
    """The sessions she attended that took place, in order: the ones she is asked about."""
    return [record.session for record in sessions_that_count(enrolment, now=now)]


def invite_to_feedback(*, survey: Survey, now: datetime) -> int:
    """One invitation per mediator of the series who attended at least one session (and is still in the
    pool), in her language. Keyed per survey and enrolment: a second run writes nothing twice. Returns
    the number of messages written now."""
    enrolments = (
        Enrolment.objects.filter(event_id=survey.event_id, mediator__is_active=True)
        .filter(pk__in=Enrolment.objects.filter(took_place("records__", now=now)).values("pk"))
        .select_related("mediator__user")
        .order_by("pk")
    )
    written = 0
    for enrolment in enrolments:
        profile = enrolment.mediator
        with translation.override(profile.language), timezone.override(settings.TIME_ZONE):
            context = feedback_invitation_context(
                event=survey.event, closes_at=survey.closes_at, enrolment_id=enrolment.pk
            )
        with transaction.atomic():
            message = _message(
                profile, FEEDBACK_KIND, key=f"feedback:{survey.pk}:{enrolment.pk}", context=context
            )
        written += message is not None
    return written


def feedback_invitation_context(*, event, closes_at: datetime, enrolment_id: int) -> dict:
    """The series, the survey's last day and her link to it, as the invitation says them (in the active
    language and time zone)."""
    return {
        "event_title": event.title,
        "closes_on": formats.date_format(timezone.localtime(closes_at), "DATE_FORMAT"),
        "feedback_path": reverse("mediators:feedback", kwargs={"enrolment_id": enrolment_id}),
    }


def series_survey(enrolment: Enrolment) -> Survey | None:
    return Survey.objects.select_related("event").filter(event_id=enrolment.event_id).first()


def give_feedback(
    *, enrolment: Enrolment, survey: Survey, data: feedback.AnswerData, language: str, now: datetime
) -> str:
    """Her anonymous answer for the series (feedback.services.answer_once): AlreadyAnswered the second
    time, SurveyClosed outside its window. Returns her edit key, for her cookie only."""
    return feedback.answer_once(
        survey=survey, respondent=feedback_respondent(enrolment.pk), data=data, language=language, now=now
    )
