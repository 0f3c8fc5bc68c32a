"""Changes to staff accounts made in the back office."""

from django.conf import settings


def set_staff_language(*, user, language: str) -> None:
    """Save the language the back office speaks to her (one of settings.STAFF_LANGUAGES); ValueError for
    any other code. Saving the same language again changes nothing."""
    if language not in dict(settings.STAFF_LANGUAGES):
        raise ValueError(f"not a back-office language: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
