"""The pool as organisers keep it: who is active, her calendar URL, the list."""

from django.db.models import Count

from mediators.models import MediatorProfile, new_feed_token


def set_active(*, profile_id: int, active: bool) -> bool:
    """She is in the pool (active) or no longer. False when there is no such profile: nothing changed."""
    return bool(MediatorProfile.objects.filter(pk=profile_id).update(is_active=active))


def renew_feed(*, profile_id: int) -> str:
    """A new secret calendar URL; the old one stops working at once."""
    token = new_feed_token()
    MediatorProfile.objects.filter(pk=profile_id).update(feed_token=token)
    return token


def pool():
    """The mediator pool with each one's number of enrolments, for organisers."""
    return MediatorProfile.objects.select_related("user").annotate(series=Count("enrolments"))
