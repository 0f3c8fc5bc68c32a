"""Every state change for mediators: invitations, enrolments, replies, attendance, certificates."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone, translation

from fachtag.models import Event, Workshop
from mediators import calendar
from mediators.models import Enrolment, MediatorProfile, SessionRecord, new_feed_token
from notifications import outbox

INVITATION_SALT = "mediators.invitation"
INVITATION_MAX_AGE = 14 * 24 * 3600


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
def invite(*, emails: list[str], language: str = "de") -> list[MediatorProfile]:
    """Invite mediators by e-mail (new accounts get a link to set a password; known ones are re-invited
    only while they have not set one). Returns the profiles of everyone invited now."""
    invited = []
    for email in sorted({address.strip().lower() for address in emails if address.strip()}):
        user, created = get_user_model().objects.get_or_create(email=email)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        profile, _ = MediatorProfile.objects.get_or_create(user=user, defaults={"language": language})
        if user.has_usable_password():
            continue
        profile.invited_at = timezone.now()
        profile.save(update_fields=["invited_at"])
        valid_until = timezone.localtime(profile.invited_at + timedelta(seconds=INVITATION_MAX_AGE))
        with translation.override(profile.language):
            path = reverse("mediators:invitation", kwargs={"token": invitation_token(user)})
            # The link's last day (its token runs out to the second, so the day before is said).
            last_day = formats.date_format(valid_until - timedelta(days=1), "DATE_FORMAT")
        _message(
            profile,
            "mediator_invitation",
            key=f"invitation:{user.pk}:{profile.invited_at.timestamp()}",
            context={"invitation_path": path, "valid_until": last_day},
        )
        invited.append(profile)
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
            "session_when": _when(record.session),
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


def reply(*, record_id: int, answer: str, reason: str = "") -> None:
    """Her answer for one session, which organisers see."""
    SessionRecord.objects.filter(pk=record_id).update(
        reply=answer,
        reason=reason.strip() if answer == SessionRecord.Reply.ABSENT else "",
        replied_at=timezone.now(),
    )


@transaction.atomic
def record_attendance(*, session_id: int, present_record_ids: set[int], recorded_by) -> list[Enrolment]:
    """Tick who came to a session; everyone else enrolled is marked absent. Mediators who reach the
    series' minimum get their certificate by e-mail (once). Returns the enrolments certified now."""
    now = timezone.now()
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
        .annotate(attended_sessions=Count("records", filter=Q(records__attended=True)))
    )
    return [enrolment for enrolment in enrolments if _certify_if_due(enrolment)]


def attended_count(enrolment: Enrolment) -> int:
    return enrolment.records.filter(attended=True).count()


def certificate_due(event: Event, attended: int) -> bool:
    """The series' rule: a certificate once she attended its minimum number of sessions (if it has one)."""
    needed = event.min_sessions_for_certificate
    return bool(needed) and attended >= needed


def is_certified(enrolment: Enrolment) -> bool:
    attended = getattr(enrolment, "attended_sessions", None)  # annotated by record_attendance()
    return certificate_due(enrolment.event, attended_count(enrolment) if attended is None else attended)


def _certify_if_due(enrolment: Enrolment) -> bool:
    if enrolment.certificate_sent_at or not is_certified(enrolment):
        return False
    enrolment.certificate_sent_at = timezone.now()
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
                    context={"session_title": record.session.title, "session_when": _when(record.session)},
                )
                sent += 1
    return sent


# --- Messages ------------------------------------------------------------------------------------------


def _when(session: Workshop) -> str:
    start, end = timezone.localtime(session.slot.starts_at), timezone.localtime(session.slot.ends_at)
    return f"{formats.date_format(start, 'DATE_FORMAT')}, {start:%H:%M}–{end:%H:%M}"


def _message(
    profile: MediatorProfile, kind: str, *, key: str, enrolment=None, calendar=None, context=None
) -> None:
    user = profile.user
    with translation.override(profile.language):
        full = {
            "name": user.get_full_name() or user.email,
            "portal_path": reverse("mediators:portal"),
            **(context or {}),
        }
        if enrolment is not None:
            event = enrolment.event
            full["event_title"] = event.title
            full["sessions"] = [
                {
                    "when": _when(record.session),
                    "title": record.session.title,
                    "cancelled": record.session.is_cancelled,
                }
                for record in enrolment.records.select_related("session__slot")
            ]
    if calendar is not None:
        full["calendar"] = {**calendar, "attendee": [user.email, full["name"]]}
    outbox.enqueue(key=f"mediator:{key}", kind=kind, to=user.email, language=profile.language, context=full)


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
