"""Personal links: signed, unguessable, without database ids; renewing bumps the version and kills old links."""

import uuid

from django.core import signing

from registrations.models import Registration

MANAGE_SALT = "registrations.manage"
CONFIRM_SALT = "registrations.confirm-email"
UNSUBSCRIBE_SALT = "registrations.unsubscribe"
# What her QR code holds: not a link, and not her manage link (anyone who scans it learns nothing).
CHECKIN_SALT = "registrations.checkin"


class BadToken(Exception):
    pass


def make_token(registration: Registration, *, salt: str = MANAGE_SALT) -> str:
    return signing.dumps([registration.uuid.hex, registration.token_version], salt=salt)


def registration_from_token(token: str, *, salt: str = MANAGE_SALT) -> Registration:
    """The registration a link belongs to; BadToken for a forged, altered or outdated link."""
    try:
        payload = signing.loads(token, salt=salt)
        # Signed by us, but maybe of another shape (another purpose, an older format): only [hex, version].
        uuid_hex, version = payload if isinstance(payload, list) else (None, None)
        registration = Registration.objects.select_related("event").get(uuid=uuid.UUID(hex=uuid_hex))
    except (signing.BadSignature, ValueError, TypeError, AttributeError, Registration.DoesNotExist) as exc:
        raise BadToken() from exc
    if registration.token_version != version:
        raise BadToken()
    return registration
