"""The one way a mediator gets a message: an outbox row in her language, greeting her by name."""

from django.urls import reverse
from django.utils import formats, timezone, translation

from fachtag.models import Workshop
from mediators.models import MediatorProfile
from notifications import outbox


def session_when(session: Workshop) -> str:
    """A session's day and time, as mediator mails and their previews write it."""
    start, end = timezone.localtime(session.slot.starts_at), timezone.localtime(session.slot.ends_at)
    return f"{formats.date_format(start, 'DATE_FORMAT')}, {start:%H:%M}–{end:%H:%M}"


def message_context(*, name: str, email: str, event=None, sessions=(), calendar=None, context=None) -> dict:
    """What a mediator's message holds besides `context` (in the active language): her name (empty when not
    known: the greeting then goes without one, never her address), her portal; for a message about her place
    in a series its `event` and its `sessions` (Workshop rows, in order); the calendar entry it carries, with
    her as the attendee. The outbox row's context, and the mail previews' (backoffice.mail_previews)."""
    full = {"name": name, "portal_path": reverse("mediators:portal"), **(context or {})}
    if event is not None:
        full["event_title"] = event.title
        full["sessions"] = [
            {"when": session_when(session), "title": session.title, "cancelled": session.is_cancelled}
            for session in sessions
        ]
    if calendar is not None:
        full["calendar"] = {**calendar, "attendee": [email, name or email]}
    return full


def session_context(session: Workshop, event) -> dict:
    """One session as a message about it names it (in the active language)."""
    return {"session_title": session.title, "session_when": session_when(session), "event_title": event.title}


def _message(
    profile: MediatorProfile, kind: str, *, key: str, enrolment=None, record=None, calendar=None, context=None
):
    """Her message in her language: `record`, the SessionRecord of a message about one session (named in it)."""
    user = profile.user
    event, sessions = None, ()
    if enrolment is not None:
        event = enrolment.event
        sessions = [row.session for row in enrolment.records.select_related("session__slot")]
    with translation.override(profile.language):
        if record is not None:
            context = {**session_context(record.session, record.enrolment.event), **(context or {})}
        full = message_context(
            name=user.get_full_name(),
            email=user.email,
            event=event,
            sessions=sessions,
            calendar=calendar,
            context=context,
        )
    return outbox.enqueue(
        key=f"mediator:{key}", kind=kind, to=user.email, language=profile.language, context=full
    )
