from registrations.models import Booking, Registration, RegistrationLog

Action = RegistrationLog.Action


def log(
    registration: Registration, action: str, *, booking: Booking | None = None, actor=None, **detail
) -> RegistrationLog:
    """Record one state change. Detail holds ids only, never personal data."""
    return RegistrationLog.objects.create(
        registration=registration, booking=booking, action=action, actor=actor, detail=detail
    )
