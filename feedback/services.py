"""Feedback: surveys open the morning after a Fachtag, one invitation per participant, anonymous answers.

Every state change of the feedback app happens here (the views and the task only call these functions).

Other kinds of event (a mediators' training series) are asked by the same beat, without this app knowing
who their respondents are: an app above it registers an inviter for its event kind
(`register_inviter(Event.Kind.TRAINING, mediators.services.invite_to_feedback)` in its AppConfig.ready).
For such a kind, `create_due_surveys` makes the survey with the same default window and `invite` hands the
open survey to the inviter, which queues one keyed message per respondent and stores each answer through
`answer_once` with a respondent string of its own. A Fachtag's inviter (its participants) is this module's
own `invite_participants`, registered the same way.

Whoever answered is remembered only as a UsedLink: a keyed HMAC (the site's SECRET_KEY, a fixed salt) of the
survey and the respondent. Someone holding only the database cannot recompute it from the guessable values
(a registration's uuid, an enrolment's id) to learn who answered.
"""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from fachtag.models import Event
from feedback.models import Answer, Survey, UsedLink
from notifications import outbox
from registrations.models import Booking, Registration
from registrations.services.locking import lock_event

SALT = "feedback.answer"
KIND = "feedback_invitation"
USED_SALT = "feedback.used-link"

# Event kind -> inviter(survey=, now=) -> number of messages written (see the module docstring).
_INVITERS: dict[str, Callable[..., int]] = {}


def register_inviter(kind: str, inviter: Callable[..., int]) -> None:
    """An app above feedback asks the respondents of its kind of event (called once, in AppConfig.ready)."""
    _INVITERS[kind] = inviter


class FeedbackError(Exception):
    pass


class BadLink(FeedbackError):
    pass


class AlreadyAnswered(FeedbackError):
    pass


class SurveyClosed(FeedbackError):
    pass


@dataclass
class AnswerData:
    overall: int
    workshops: dict = field(default_factory=dict)
    childcare: int | None = None
    interpreting: int | None = None
    next_steps: list = field(default_factory=list)
    comment: str = ""


def default_window(event: Event) -> tuple[datetime, datetime]:
    """The morning after the event's end at FEEDBACK_OPENS_HOUR (Europe/Berlin), open FEEDBACK_OPEN_DAYS days."""
    berlin = ZoneInfo(settings.TIME_ZONE)
    day_after = event.ends_at.astimezone(berlin).date() + timedelta(days=1)
    opens = datetime.combine(day_after, time(settings.FEEDBACK_OPENS_HOUR), tzinfo=berlin)
    return opens, opens + timedelta(days=settings.FEEDBACK_OPEN_DAYS)


def create_due_surveys(*, now: datetime) -> int:
    """Every Fachtag (and event of a kind with a registered inviter) that has ended and is not anonymised
    gets its survey, with the default window."""
    events = Event.objects.filter(
        kind__in=list(_INVITERS), ends_at__lte=now, anonymised_at=None, survey__isnull=True
    ).only("pk", "ends_at")
    created = 0
    for event in events:
        opens, closes = default_window(event)
        _survey, new = Survey.objects.get_or_create(
            event=event, defaults={"opens_at": opens, "closes_at": closes}
        )
        created += new
    return created


def participants(event_id: int):
    """Who gets the invitation: those checked in; for an event without any check-in, those confirmed."""
    registrations = Registration.objects.filter(event_id=event_id).exclude(email="")
    checked_in = registrations.filter(checked_in_at__isnull=False)
    if checked_in.exists():
        return checked_in
    return registrations.filter(status=Registration.Status.CONFIRMED)


def make_token(registration: Registration) -> str:
    """Her feedback link: her registration's random uuid, signed (no database id, another salt than her
    personal link: it opens nothing else)."""
    return signing.dumps(registration.uuid.hex, salt=SALT)


def invitation_context(*, name: str, event: Event, closes_at: datetime, token: str) -> dict:
    """What her invitation says: her name, the event and its day, the survey's last day, her link (in the
    active language and time zone)."""
    return {
        "name": name,
        "event_title": event.title,
        "event_date": formats.date_format(timezone.localtime(event.starts_at), "DATE_FORMAT"),
        "closes_on": formats.date_format(timezone.localtime(closes_at), "DATE_FORMAT"),
        "feedback_path": reverse("feedback:answer", kwargs={"token": token}),
    }


def invite_participants(*, survey: Survey, now: datetime) -> int:
    """A Fachtag's inviter: one invitation per participant, in her language, with her own link. Keyed per
    survey and registration: a second run writes nothing twice."""
    written = 0
    for registration in participants(survey.event_id).only("pk", "uuid", "name", "email", "language"):
        with translation.override(registration.language), timezone.override(settings.TIME_ZONE):
            context = invitation_context(
                name=registration.name,
                event=survey.event,
                closes_at=survey.closes_at,
                token=make_token(registration),
            )
        with transaction.atomic():
            message = outbox.enqueue(
                key=f"feedback:{survey.pk}:{registration.pk}",
                kind=KIND,
                to=registration.email,
                language=registration.language,
                context=context,
            )
        written += message is not None
    return written


register_inviter(Event.Kind.FACHTAG, invite_participants)


def invite(*, survey_id: int, now: datetime) -> int:
    """Queue the invitations of an open survey through the inviter of its kind of event. Returns the number
    of messages written now (none twice, however often it runs)."""
    survey = Survey.objects.select_related("event").get(pk=survey_id)
    if not survey.is_open(now):
        return 0
    written = _INVITERS[survey.event.kind](survey=survey, now=now)
    Survey.objects.filter(pk=survey.pk, invitations_queued_at=None).update(invitations_queued_at=now)
    return written


def due_surveys(*, now: datetime) -> list[int]:
    return list(
        Survey.objects.filter(
            opens_at__lte=now, closes_at__gt=now, invitations_queued_at=None, is_off=False
        ).values_list("pk", flat=True)
    )


def read_token(token: str) -> tuple[Registration, Survey]:
    """BadLink for a forged or altered link, or one whose registration or survey is gone."""
    try:
        registration = Registration.objects.get(uuid=signing.loads(token, salt=SALT))
        survey = Survey.objects.select_related("event").get(event_id=registration.event_id)
    except (
        signing.BadSignature,
        ValueError,
        TypeError,
        Survey.DoesNotExist,
        Registration.DoesNotExist,
    ) as exc:
        raise BadLink from exc
    return registration, survey


def used_digest(survey_id: int, respondent: str) -> str:
    """The used-marker of one respondent of one survey: a keyed HMAC-SHA256 (64 hex digits)."""
    return salted_hmac(USED_SALT, f"{survey_id}:{respondent}", algorithm="sha256").hexdigest()


def _respondent(registration: Registration) -> str:
    """A participant as a respondent: her registration's random uuid (never stored, only its keyed hash)."""
    return registration.uuid.hex


def hash_key(edit_key: str) -> str:
    return hashlib.sha256(edit_key.encode()).hexdigest()


def link_used(survey: Survey, registration: Registration) -> bool:
    return UsedLink.objects.filter(digest=used_digest(survey.pk, _respondent(registration))).exists()


def her_workshops(registration: Registration) -> list:
    """The workshops she had a seat in (confirmed bookings), in programme order."""
    bookings = (
        Booking.objects.filter(registration=registration, status=Booking.Status.CONFIRMED)
        .select_related("workshop")
        .order_by("slot__starts_at")
    )
    return [booking.workshop for booking in bookings]


def answer(
    *, registration: Registration, survey: Survey, data: AnswerData, language: str, now: datetime
) -> str:
    """Store her answer without any link to her registration; mark her link used (answer_once)."""
    return answer_once(
        survey=survey, respondent=_respondent(registration), data=data, language=language, now=now
    )


def answer_once(*, survey: Survey, respondent: str, data: AnswerData, language: str, now: datetime) -> str:
    """Store the answer of a respondent (her registration, or one another app names, e.g. "enrolment:12")
    without it: only its used-marker is kept. AlreadyAnswered for a second answer, SurveyClosed outside the
    window. Returns the edit key (kept in her cookie only), of which only a hash is stored."""
    if not survey.is_open(now):
        raise SurveyClosed
    edit_key = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            UsedLink.objects.create(digest=used_digest(survey.pk, respondent), survey=survey)
            Answer.objects.create(
                survey=survey, language=language, edit_key_hash=hash_key(edit_key), **_fields(data)
            )
    except IntegrityError as exc:
        raise AlreadyAnswered from exc
    return edit_key


def answered(respondents: dict[int, str]) -> set[int]:
    """Of {survey id: respondent}, the surveys that respondent has answered (one query)."""
    digests = [used_digest(survey_id, respondent) for survey_id, respondent in respondents.items()]
    if not digests:
        return set()
    return set(UsedLink.objects.filter(digest__in=digests).values_list("survey_id", flat=True))


def answer_for_key(*, slug: str, edit_key: str | None) -> Answer | None:
    """Her answer to the survey of the event `slug`, found by the key in her cookie."""
    if not edit_key:
        return None
    return (
        Answer.objects.select_related("survey__event")
        .filter(survey__event__slug=slug, edit_key_hash=hash_key(edit_key))
        .first()
    )


def change(*, survey_id: int, edit_key: str, data: AnswerData, now: datetime) -> None:
    """She changes her answer, with her edit key, until the survey closes."""
    with transaction.atomic():
        answer = (
            Answer.objects.select_for_update(of=("self",))
            .select_related("survey")
            .filter(survey_id=survey_id, edit_key_hash=hash_key(edit_key))
            .first()
        )
        if answer is None:
            raise BadLink
        if not answer.survey.is_open(now):
            raise SurveyClosed
        for name, value in _fields(data).items():
            setattr(answer, name, value)
        answer.save()


def _fields(data: AnswerData) -> dict:
    return {
        "overall": data.overall,
        "workshops": {str(k): (int(v) if v else None) for k, v in data.workshops.items()},
        "childcare": data.childcare,
        "interpreting": data.interpreting,
        "next_steps": sorted(data.next_steps),
        "comment": data.comment.strip(),
    }


def delete_event_feedback(*, event_id: int) -> int:
    """Retention: the survey, its answers and used links go with the event's other data."""
    deleted, _by_model = Survey.objects.filter(event_id=event_id).delete()
    return deleted


# --- The organisers' window for an event's survey ---------------------------------------------------------


class WindowError(FeedbackError):
    """A window refused, with a message for the organiser and the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class SurveyState:
    """What the back office shows of an event's survey: its window (the default one while no survey exists
    yet), whether it is off, when invitations were queued and how many answers came in."""

    stage: str  # "default" (no survey yet), else Survey.phase: "off", "not_yet", "open" or "closed"
    opens_at: datetime
    closes_at: datetime
    is_off: bool = False
    invitations_queued_at: datetime | None = None
    answers: int = 0

    @property
    def invitations_sent(self) -> bool:
        return self.invitations_queued_at is not None


def survey_state(event: Event, *, now: datetime) -> SurveyState:
    """The survey of an event as it stands."""
    survey = Survey.objects.filter(event=event).first()
    if survey is None:
        opens, closes = default_window(event)
        return SurveyState("default", opens, closes)
    return SurveyState(
        survey.phase(now),
        survey.opens_at,
        survey.closes_at,
        is_off=survey.is_off,
        invitations_queued_at=survey.invitations_queued_at,
        answers=Answer.objects.filter(survey=survey).count(),
    )


@transaction.atomic
def set_window(
    *, event_id: int, opens_at: datetime, closes_at: datetime, is_off: bool, now: datetime
) -> tuple[Survey, list[str]]:
    """Set when the survey of an event opens and closes, or switch it off (or on again); creates the survey
    ahead of the event if it has none yet (create_due_surveys then leaves it as it is). Returns the survey and
    the names of the fields that changed.

    Once invitations went out, the opening stays as it was and the closing may move, but not into the past.
    The survey never opens before the event has ended. Raises WindowError (with the field) when a rule is
    broken. Under the event's lock, so two organisers saving at once change one after the other.
    """
    event = lock_event(event_id)
    survey = Survey.objects.select_for_update().filter(event_id=event_id).first()
    if closes_at <= opens_at:
        raise WindowError(_("The survey must close after it opens."), field="closes_at")
    if survey is not None and survey.invitations_queued_at is not None:
        if opens_at != survey.opens_at:
            raise WindowError(
                _("The invitations have gone out: the opening can no longer change."), field="opens_at"
            )
        if closes_at != survey.closes_at and closes_at <= now:
            raise WindowError(
                _("The invitations have gone out: choose a closing time in the future."),
                field="closes_at",
            )
    elif opens_at < event.ends_at:
        raise WindowError(_("The survey can open only after the event has ended."), field="opens_at")
    if survey is None:
        survey = Survey(event_id=event_id)
    values = {"opens_at": opens_at, "closes_at": closes_at, "is_off": is_off}
    changed = [name for name, value in values.items() if getattr(survey, name) != value]
    for name, value in values.items():
        setattr(survey, name, value)
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError:
        # The beat created the survey in between (it takes no lock): set the values on that one.
        Survey.objects.filter(event_id=event_id).update(**values)
        survey = Survey.objects.get(event_id=event_id)
    return survey, changed
