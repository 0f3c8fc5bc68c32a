from registrations.models import Booking, Registration, RegistrationLog

Action = RegistrationLog.Action


def log(
    registration: Registration, action: str, *, booking: Booking | None = None, actor=None, **detail
) -> RegistrationLog:
    """Record one state change. Detail holds ids only, never personal data."""
    return log_many(registration, [(action, booking, detail)], actor=actor)[0]


def log_many(registration: Registration, entries: list[tuple[str, Booking | None, dict]], *, actor=None):
    """Record several state changes of one registration in one query, in order; returns the entries."""
    return RegistrationLog.objects.bulk_create(
        [
            RegistrationLog(
                registration=registration, booking=booking, action=action, actor=actor, detail=detail
            )
            for action, booking, detail in entries
        ]
    )
