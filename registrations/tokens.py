"""Personal links: signed, unguessable, without database ids; renewing bumps the version and kills old links.

A link also stops working a while after its event has ended (settings.PERSONAL_LINK_DAYS_AFTER_EVENT): by
then there is nothing left to manage, and a link found later in an old mailbox opens nothing. The link in
the e-mail-confirmation mail works only until her address had to be confirmed (confirm_email_by).
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from registrations import selectors
from registrations.models import Registration

MANAGE_SALT = "registrations.manage"
CONFIRM_SALT = "registrations.confirm-email"
UNSUBSCRIBE_SALT = "registrations.unsubscribe"
# What her QR code holds: not a link, and not her manage link (anyone who scans it learns nothing).
CHECKIN_SALT = "registrations.checkin"


class BadToken(Exception):
    pass


class ExpiredToken(BadToken):
    """A genuine link that has run out. A BadToken too, so callers that only ask "does it work?" stay right."""

    # Why it ran out: the event is long over, or her address was not confirmed in time.
    EVENT_OVER = "event_over"
    NOT_CONFIRMED = "not_confirmed"

    def __init__(self, registration: Registration, reason: str):
        super().__init__(reason)
        self.registration = registration
        self.reason = reason


def make_token(registration: Registration, *, salt: str = MANAGE_SALT) -> str:
    return signing.dumps([registration.uuid.hex, registration.token_version], salt=salt)


def links_expire_at(registration: Registration) -> datetime:
    """When every personal link of hers stops working."""
    return registration.event.ends_at + timedelta(days=settings.PERSONAL_LINK_DAYS_AFTER_EVENT)


def registration_from_token(
    token: str, *, salt: str = MANAGE_SALT, now: datetime | None = None
) -> Registration:
    """The registration a link belongs to.

    BadToken for a forged, altered or outdated (renewed or revoked) link; ExpiredToken for a genuine,
    current link that has run out.
    """
    try:
        payload = signing.loads(token, salt=salt)
        # Signed by us, but maybe of another shape (another purpose, an older format): only [hex, version].
        uuid_hex, version = payload if isinstance(payload, list) else (None, None)
        registration = Registration.objects.get(uuid=uuid.UUID(hex=uuid_hex))
    except (signing.BadSignature, ValueError, TypeError, AttributeError, Registration.DoesNotExist) as exc:
        raise BadToken() from exc
    if registration.token_version != version:
        raise BadToken()
    registration.event = selectors.event_by_id(registration.event_id)  # as her pages show it
    now = now or timezone.now()
    if now >= links_expire_at(registration):
        raise ExpiredToken(registration, ExpiredToken.EVENT_OVER)
    if salt == CONFIRM_SALT and _confirmation_too_late(registration, now):
        raise ExpiredToken(registration, ExpiredToken.NOT_CONFIRMED)
    return registration


def _confirmation_too_late(registration: Registration, now: datetime) -> bool:
    # A pending registration can only become confirmed (then the link just opens her page) or cancelled:
    # released for want of confirmation, or cancelled by her; either way there is nothing left to confirm.
    deadline = registration.confirm_email_by
    unconfirmed = registration.status in (Registration.Status.PENDING, Registration.Status.CANCELLED)
    return deadline is not None and now >= deadline and unconfirmed
