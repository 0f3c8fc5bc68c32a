"""Check-in on the day: she has arrived. Who may check her in is the caller's decision (backoffice)."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from registrations.errors import RegistrationError
from registrations.models import Registration
from registrations.services.locking import atomic, lock_event


class CheckInRefused(RegistrationError):
    """She holds no place (waiting list, offer expired, cancelled): staff decide whether to let her in."""

    message = _("She has no place at this event and was not checked in.")


def check_in(*, registration_id: int, now: datetime, anyway: bool = False) -> tuple[Registration, bool]:
    """Record that she has arrived: sets checked_in_at once and returns (registration, True).

    A second check-in changes nothing and returns (registration, False). Someone without a place
    (waiting list, offer expired, cancelled) is checked in only with anyway=True, else CheckInRefused
    and nothing is written. Her status stays as it is. Raises Busy when the event is locked for too long,
    Registration.DoesNotExist for an unknown id.
    """
    event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
    with atomic():
        # The lock order of every service (event first, then its rows): no deadlock with a sign-up or a
        # cancellation changing her registration at this moment.
        lock_event(event_id)
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event")
            .get(pk=registration_id)
        )
        if registration.checked_in_at is not None:
            return registration, False
        if not registration.holds_place and not anyway:
            raise CheckInRefused()
        registration.checked_in_at = now
        registration.save(update_fields=["checked_in_at", "updated_at"])
    return registration, True
