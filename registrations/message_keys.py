"""The outbox key of every message to a participant starts with her registration's uuid
(`registration:<uuid hex>:…`), whichever app writes it (her own messages here, organisers'
announcements in the back office). Her messages are found by that prefix for an export or an erasure,
without knowing how another app numbers its messages."""

from django.db.models import Q

PREFIX = "registration"


def message_key(registration, *parts) -> str:
    """The key of a message to her: the prefix, her uuid, then what makes this message unique."""
    return ":".join([PREFIX, registration.uuid.hex, *(str(part) for part in parts)])


def messages_to(uuid_hexes: list[str]) -> Q:
    """The outbox rows written for these registrations (by their uuids' hex)."""
    condition = Q(pk__in=[])
    for hexa in uuid_hexes:
        condition |= Q(key__startswith=f"{PREFIX}:{hexa}:")
    return condition
