"""Every state change for mediators: invitations, enrolments, replies, attendance, certificates, and the
survey on a series (asked through the feedback app, see "Feedback on a series" below)."""

import logging
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy

from fachtag.models import Event, Workshop
from feedback import services as feedback
from feedback.models import Survey
from mediators import calendar, imports
from mediators.models import Enrolment, MediatorProfile, SessionRecord, new_feed_token
from notifications import outbox

logger = logging.getLogger(__name__)

INVITATION_SALT = "mediators.invitation"
INVITATION_MAX_AGE = 14 * 24 * 3600


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


# --- Accounts ---------------------------------------------------------------------------------------


def invitation_token(user) -> str:
    """Signed, valid for 14 days, and dead once a password is set (the hash it carries changes)."""
    return signing.dumps([user.pk, user.password[-16:]], salt=INVITATION_SALT)


def user_from_invitation(token: str):
    """The invited user, or None for a forged, expired or used link."""
    try:
        pk, fingerprint = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or isinstance(pk, bool) or not isinstance(fingerprint, str):
        return None  # signed by us, but not an invitation's [pk, fingerprint]
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    return user if user and user.password[-16:] == fingerprint and not user.has_usable_password() else None


@transaction.atomic
def invite(
    *, emails: list[str], language: str | None = None, names: dict[str, str] | None = None
) -> list[MediatorProfile]:
    """Invite mediators by e-mail (new accounts get a link to set a password; known ones are re-invited
    only while they have not set one). Returns the profiles of everyone invited now.

    `language` is her message language when the organisers know it (until she has set her password and
    chooses it in her profile; German when nobody knows it); `names`
    maps an address to the full name given with it, kept for an account that has no name yet. The mail
    greets her by that name, or without one, never by her address, in German and in her language."""
    names = {address.strip().lower(): name for address, name in (names or {}).items()}
    invited = []
    for email in sorted({address.strip().lower() for address in emails if address.strip()}):
        user, created = get_user_model().objects.get_or_create(email=email)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        profile, _ = MediatorProfile.objects.get_or_create(user=user, defaults={"language": language or "de"})
        if user.has_usable_password():
            continue
        if language and profile.language != language:
            profile.language = language
            profile.save(update_fields=["language"])
        if names.get(email) and not user.get_full_name():
            user.first_name, _, user.last_name = names[email].strip().rpartition(" ")
            if not user.first_name:  # one word only: a first name
                user.first_name, user.last_name = user.last_name, ""
            user.save(update_fields=["first_name", "last_name"])
        profile.invited_at = timezone.now()
        profile.save(update_fields=["invited_at"])
        valid_until = timezone.localtime(profile.invited_at + timedelta(seconds=INVITATION_MAX_AGE))
        token = invitation_token(user)
        # The link and its last day (the token runs out to the second, so the day before is said) in her
        # language and in German: the mail says everything in both.
        paths, last_day = {}, {}
        for code in {"de", profile.language}:
            with translation.override(code):
                paths[code] = reverse("mediators:invitation", kwargs={"token": token})
                last_day[code] = formats.date_format(valid_until - timedelta(days=1), "DATE_FORMAT")
        _message(
            profile,
            "mediator_invitation",
            key=f"invitation:{user.pk}:{profile.invited_at.timestamp()}",
            context={
                "invitation_path": paths[profile.language],
                "invitation_path_de": paths["de"],
                "valid_until": last_day[profile.language],
                "valid_until_de": last_day["de"],
            },
        )
        invited.append(profile)
    return invited


def pool_states(emails) -> dict[str, str]:
    """What the pool knows of these addresses (lower case): imports.IN_POOL, INVITATION_OPEN or
    OTHER_ACCOUNT; addresses nobody has are left out."""
    users = get_user_model().objects.filter(email__in={e.lower() for e in emails}).select_related("mediator")
    states = {}
    for user in users:
        mediator = hasattr(user, "mediator")  # the reverse one-to-one, loaded with the user
        if user.has_usable_password():
            states[user.email.lower()] = imports.IN_POOL if mediator else imports.OTHER_ACCOUNT
        else:
            states[user.email.lower()] = imports.INVITATION_OPEN if mediator else None
    return {email: state for email, state in states.items() if state}


def check_import(table: list[list[str]]) -> list[dict]:
    """The rows of an uploaded list, checked against the file and against the pool as it is now."""
    emails = [row["email"] for row in imports.check(table, {}) if row["email"]]
    return imports.check(table, pool_states(emails))


@transaction.atomic
def import_mediators(*, table: list[list[str]], by_user_id: int) -> list[MediatorProfile]:
    """Invite every valid row of an uploaded list (checked again here: the pool may have changed since the
    preview) with her name and message language, and keep the languages she mediates in and her phone.
    Rows with errors and mediators already in the pool are left out; one whose invitation is still open is
    invited again. All or nothing: one transaction, so a failure midway leaves nobody imported (and no
    invitation queued). Returns the profiles invited."""
    rows = [row for row in check_import(table) if row["outcome"] in (imports.INVITE, imports.REINVITE)]
    invited = []
    for language in sorted({row["language"] for row in rows}):
        group = [row for row in rows if row["language"] == language]
        invited += invite(
            emails=[row["email"] for row in group],
            language=language or None,
            names={row["email"]: row["name"] for row in group if row["name"]},
        )
    details = {row["email"]: row for row in rows}
    for profile in invited:
        row = details[profile.user.email.lower()]
        profile.languages = row["languages"] or profile.languages
        profile.phone = row["phone"] or profile.phone
        profile.save(update_fields=["languages", "phone"])
    logger.info("mediator import by user=%s: %d of %d rows invited", by_user_id, len(invited), len(table) - 1)
    return invited


def accept_invitation(*, user, password: str) -> None:
    """She set her password: the invitation proved her address, so it counts as verified."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )


def set_active(*, profile_id: int, active: bool) -> None:
    MediatorProfile.objects.filter(pk=profile_id).update(is_active=active)


def renew_feed(*, profile_id: int) -> str:
    """A new secret calendar URL; the old one stops working at once."""
    token = new_feed_token()
    MediatorProfile.objects.filter(pk=profile_id).update(feed_token=token)
    return token


# --- Training series ---------------------------------------------------------------------------------


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
        records = enrolment.records.select_related("session__slot", "enrolment__event")
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
    with translation.override(profile.language):
        context = {
            "session_title": record.session.title,
            "session_when": session_when(record.session),
            "event_title": record.enrolment.event.title,
        }
    method = "CANCEL" if record.session.is_cancelled else "REQUEST"
    _message(
        profile,
        kind,
        key=key,
        enrolment=record.enrolment if kind != "training_session_invite" else None,
        calendar={"method": method, "entry": calendar.session_entry(record, profile.language)},
        context=context,
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
                    context={
                        "session_title": record.session.title,
                        "session_when": session_when(record.session),
                    },
                )
                sent += 1
    return sent


# --- Messages ------------------------------------------------------------------------------------------


def session_when(session: Workshop) -> str:
    """A session's day and time, as mediator mails and their previews write it."""
    start, end = timezone.localtime(session.slot.starts_at), timezone.localtime(session.slot.ends_at)
    return f"{formats.date_format(start, 'DATE_FORMAT')}, {start:%H:%M}–{end:%H:%M}"


def _message(profile: MediatorProfile, kind: str, *, key: str, enrolment=None, calendar=None, context=None):
    user = profile.user
    with translation.override(profile.language):
        full = {
            # Empty when her name is not known: the greeting then goes without one, never her address.
            "name": user.get_full_name(),
            "portal_path": reverse("mediators:portal"),
            **(context or {}),
        }
        if enrolment is not None:
            event = enrolment.event
            full["event_title"] = event.title
            full["sessions"] = [
                {
                    "when": session_when(record.session),
                    "title": record.session.title,
                    "cancelled": record.session.is_cancelled,
                }
                for record in enrolment.records.select_related("session__slot")
            ]
    if calendar is not None:
        full["calendar"] = {**calendar, "attendee": [user.email, full["name"] or user.email]}
    return outbox.enqueue(
        key=f"mediator:{key}", kind=kind, to=user.email, language=profile.language, context=full
    )


def pool():
    """The mediator pool with each one's number of enrolments, for organisers."""
    return MediatorProfile.objects.select_related("user").annotate(series=Count("enrolments"))


def replies_for(event: Event):
    """Every enrolled mediator's reply and attendance per session, for organisers (a fixed number of queries)."""
    return (
        SessionRecord.objects.filter(enrolment__event=event)
        .select_related("enrolment__mediator__user", "session__slot")
        .order_by("session__slot__starts_at", "enrolment__mediator__user__email")
    )


# --- Feedback on a series ------------------------------------------------------------------------------
# The feedback app asks a series' mediators through invite_to_feedback (registered in MediatorsConfig.ready
# for training series: the same beat and window as a Fachtag's survey). Her answer is stored by
# feedback.services without any link to her: only a keyed hash of (survey, feedback_respondent) marks that
# she answered. She answers behind her login in the portal; the edit key in her cookie lets her change it.

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
            context = {
                "event_title": survey.event.title,
                "closes_on": formats.date_format(timezone.localtime(survey.closes_at), "DATE_FORMAT"),
                "feedback_path": reverse("mediators:feedback", kwargs={"enrolment_id": enrolment.pk}),
            }
        with transaction.atomic():
            message = _message(
                profile, FEEDBACK_KIND, key=f"feedback:{survey.pk}:{enrolment.pk}", context=context
            )
        written += message is not None
    return written


def series_survey(enrolment: Enrolment) -> Survey | None:
    return Survey.objects.filter(event_id=enrolment.event_id).first()


def give_feedback(
    *, enrolment: Enrolment, survey: Survey, data: feedback.AnswerData, language: str, now: datetime
) -> str:
    """Her anonymous answer for the series (feedback.services.answer_once): AlreadyAnswered the second
    time, SurveyClosed outside its window. Returns her edit key, for her cookie only."""
    return feedback.answer_once(
        survey=survey, respondent=feedback_respondent(enrolment.pk), data=data, language=language, now=now
    )
