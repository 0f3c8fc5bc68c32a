"""Calendar entries for training sessions: each session is its own entry (UID stable per enrolment and
session), sent as its own invite (see notifications/calendar.py for why) and listed in her feed."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from fachtag.languages import title_language
from mediators.models import SessionRecord


def session_uid(record: SessionRecord) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "fachtag.invalid"
    return f"training-{record.enrolment_id}-session{record.session_id}@{domain}"


def session_entry(record: SessionRecord, language: str) -> dict:
    """The session in her language (titles are translated fields, read under her language), stamped with
    the last change of her entry (so that a feed's bytes change only when an entry does)."""
    with translation.override(language):
        return _entry(record, language)


def _entry(record: SessionRecord, language: str) -> dict:
    session, event = record.session, record.enrolment.event
    venue = event.venue_one_line()
    return {
        "uid": session_uid(record),
        "sequence": record.calendar_sequence,
        "stamp": record.calendar_changed_at.isoformat(),
        "start": session.slot.starts_at.isoformat(),
        "end": session.slot.ends_at.isoformat(),
        "summary": session.title,
        "description": "\n".join(filter(None, [session.title, session.speakers, event.title])),
        "location": ", ".join(filter(None, [session.room, venue])),
        "language": title_language(language, session, event),
    }


def feed_name(events: list, language: str) -> str:
    """The feed's display name in her language: the series' title, or "My trainings" for several."""
    with translation.override(language):
        if len(events) == 1:
            return events[0].title
        return _("My trainings")
