"""Interpreters arranged by the organisers, per event and interpreting language (fachtag.InterpreterBooking).

Participants ask for interpreting into a language (Registration.interpreting_language); the organisers book
interpreters and mark here which requested languages are covered. The dashboard shows the languages still
without an interpreter, and the report counts who was provided with interpreting.
"""

from django.db import transaction
from django.utils import timezone

from fachtag.languages import INTERPRETING_LANGUAGES
from fachtag.models import InterpreterBooking
from registrations.services.locking import lock_event

LANGUAGE_CODES = frozenset(code for code, _label in INTERPRETING_LANGUAGES)


@transaction.atomic
def set_interpreter_arranged(*, event_id: int, language: str, arranged: bool) -> bool:
    """Mark (or unmark) an interpreter as arranged for `language` at the event. Returns whether anything
    changed: marking twice, or unmarking a language that was never marked, changes nothing.

    Taken under the event's lock, like every change of an event's settings (backoffice.setup), so that it
    waits for a settings change in progress. Raises ValueError for a code outside the interpreting languages
    (the form offers only those), Busy when the event stays locked too long.
    """
    if language not in LANGUAGE_CODES:
        raise ValueError(language)
    lock_event(event_id)
    if not arranged:
        deleted, _by_model = InterpreterBooking.objects.filter(event_id=event_id, language=language).delete()
        return bool(deleted)
    _booking, created = InterpreterBooking.objects.get_or_create(
        event_id=event_id, language=language, defaults={"arranged_at": timezone.now()}
    )
    return created
