"""Invitations to the pool: the signed link, the invitation mail, and her accepting it."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation

from mediators.models import MediatorProfile
from mediators.services.messages import _message

INVITATION_SALT = "mediators.invitation"
INVITATION_MAX_AGE = 14 * 24 * 3600


def invitation_token(user) -> str:
    """Signed, valid for 14 days, and dead once a password is set (the hash it carries changes)."""
    return signing.dumps([user.pk, user.password[-16:]], salt=INVITATION_SALT)


def user_from_invitation(token: str):
    """The invited user, or None for a forged, expired or used link."""
    try:
        pk, fingerprint = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or isinstance(pk, bool) or not isinstance(fingerprint, str):
        return None  # signed by us, but not an invitation's [pk, fingerprint]
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    return user if user and user.password[-16:] == fingerprint and not user.has_usable_password() else None


@transaction.atomic
def invite(
    *, emails: list[str], language: str | None = None, names: dict[str, str] | None = None
) -> list[MediatorProfile]:
    """Invite mediators by e-mail (new accounts get a link to set a password; known ones are re-invited
    only while they have not set one). Returns the profiles of everyone invited now.

    `language` is her message language when the organisers know it (until she has set her password and
    chooses it in her profile; German when nobody knows it); `names`
    maps an address to the full name given with it, kept for an account that has no name yet. The mail
    greets her by that name, or without one, never by her address, in German and in her language."""
    names = {address.strip().lower(): name for address, name in (names or {}).items()}
    invited = []
    for email in sorted({address.strip().lower() for address in emails if address.strip()}):
        user, created = get_user_model().objects.get_or_create(email=email)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        profile, _ = MediatorProfile.objects.get_or_create(user=user, defaults={"language": language or "de"})
        if user.has_usable_password():
            continue
        if language and profile.language != language:
            profile.language = language
            profile.save(update_fields=["language"])
        if names.get(email) and not user.get_full_name():
            user.first_name, _, user.last_name = names[email].strip().rpartition(" ")
            if not user.first_name:  # one word only: a first name
                user.first_name, user.last_name = user.last_name, ""
            user.save(update_fields=["first_name", "last_name"])
        profile.invited_at = timezone.now()
        profile.save(update_fields=["invited_at"])
        _message(
            profile,
            "mediator_invitation",
            key=f"invitation:{user.pk}:{profile.invited_at.timestamp()}",
            context=invitation_context(
                invitation_token(user), language=profile.language, invited_at=profile.invited_at
            ),
        )
        invited.append(profile)
    return invited


def invitation_context(token: str, *, language: str, invited_at) -> dict:
    """The invitation's link and its last day (the token runs out to the second, so the day before is said)
    in her language and in German: the mail says everything in both."""
    valid_until = timezone.localtime(invited_at + timedelta(seconds=INVITATION_MAX_AGE))
    paths, last_day = {}, {}
    for code in {"de", language}:
        with translation.override(code):
            paths[code] = reverse("mediators:invitation", kwargs={"token": token})
            last_day[code] = formats.date_format(valid_until - timedelta(days=1), "DATE_FORMAT")
    return {
        "invitation_path": paths[language],
        "invitation_path_de": paths["de"],
        "valid_until": last_day[language],
        "valid_until_de": last_day["de"],
    }


def accept_invitation(*, user, password: str) -> None:
    """She set her password: the invitation proved her address, so it counts as verified."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
