"""Calendar entries for training sessions: one VEVENT per session, UID stable per (enrolment, session)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation

from mediators.models import SessionRecord


def session_uid(record: SessionRecord) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "fachtag.invalid"
    return f"training-{record.enrolment_id}-session{record.session_id}@{domain}"


def session_entry(record: SessionRecord, language: str) -> dict:
    """The session in her language (titles are translated fields, read under her language)."""
    with translation.override(language):
        return _entry(record, language)


def _entry(record: SessionRecord, language: str) -> dict:
    session, event = record.session, record.enrolment.event
    venue = event.venue_one_line()
    return {
        "uid": session_uid(record),
        "sequence": record.calendar_sequence,
        "start": session.slot.starts_at.isoformat(),
        "end": session.slot.ends_at.isoformat(),
        "summary": session.title,
        "description": "\n".join(filter(None, [session.title, session.speakers, event.title])),
        "location": ", ".join(filter(None, [session.room, venue])),
        "language": language,
    }
