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
