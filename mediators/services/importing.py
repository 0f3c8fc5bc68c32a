"""Importing mediators from an uploaded list: the check against the pool, then the invitations."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from mediators import imports
from mediators.models import MediatorProfile
from mediators.services.invitations import invite

# The package's name, as before the split: the import's log line keeps its logger.
logger = logging.getLogger("mediators.services")


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
    return imports.check(table, pool_states(imports.addresses(table)))


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
