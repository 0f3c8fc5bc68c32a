"""Check-in on the day: she has arrived. Who may check her in is the caller's decision (backoffice)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fachtag.models import Event
from registrations import codes
from registrations.errors import RegistrationError
from registrations.models import Registration
from registrations.services.locking import atomic, lock_event
from registrations.services.transitions import set_arrival


class CheckInRefused(RegistrationError):
    """She holds no place (waiting list, offer expired, cancelled): staff decide whether to let her in."""

    message = _("She has no place at this event and was not checked in.")


class CheckInClosed(RegistrationError):
    """Now is outside the event's check-in window (check_in_window): an organiser may check her in anyway."""

    message = _("Not checked in: check-in is not open now.")


def check_in_window(event: Event) -> tuple[datetime, datetime]:
    """When the door is open for check-in: CHECKIN_OPENS_HOURS_BEFORE hours before the start until the end."""
    return event.starts_at - timedelta(hours=settings.CHECKIN_OPENS_HOURS_BEFORE), event.ends_at


def check_in_open(event: Event, now: datetime) -> bool:
    opens, closes = check_in_window(event)
    return opens <= now < closes


def registration_for_code(*, event_id: int, typed: str) -> Registration | None:
    """Her registration in this event by the short code staff typed (forgiving case, separators and the
    usual confusions, registrations.codes), or None."""
    code = codes.normalise(typed)
    if code is None:
        return None
    return Registration.objects.filter(event_id=event_id, short_code=code).first()


def check_in(
    *, registration_id: int, now: datetime, anyway: bool = False, outside_window: bool = False
) -> tuple[Registration, bool]:
    """Record that she has arrived: sets checked_in_at once and returns (registration, True).

    A second check-in changes nothing and returns (registration, False). Someone without a place
    (waiting list, offer expired, cancelled) is checked in only with anyway=True, else CheckInRefused.
    Outside the event's check-in window (check_in_window) she is checked in only with outside_window=True,
    else CheckInClosed. Nothing is written when refused. Her status stays as it is. Raises Busy when the
    event is locked for too long, Registration.DoesNotExist for an unknown id.
    """
    event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
    with atomic():
        # The lock order of every service (event first, then its rows): no deadlock with a sign-up or a
        # cancellation changing her registration at this moment.
        lock_event(event_id)
        registration = _locked(registration_id)
        if registration.checked_in_at is not None:
            return registration, False
        if not outside_window and not check_in_open(registration.event, now):
            raise CheckInClosed()
        if not registration.holds_place and not anyway:
            raise CheckInRefused()
        set_arrival(registration, now)
    return registration, True


def undo_check_in(*, registration_id: int) -> tuple[Registration, bool]:
    """Take back her check-in (she was checked in by mistake): clears checked_in_at and returns
    (registration, True); when she is not checked in, changes nothing and returns (registration, False).
    Raises Busy, Registration.DoesNotExist."""
    event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
    with atomic():
        lock_event(event_id)
        registration = _locked(registration_id)
        if registration.checked_in_at is None:
            return registration, False
        set_arrival(registration, None)
    return registration, True


def _locked(registration_id: int) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",)).select_related("event").get(pk=registration_id)
    )
