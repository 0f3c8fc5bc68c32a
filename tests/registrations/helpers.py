import itertools

from registrations import services

_numbers = itertools.count(1)


def applicant(**fields) -> services.Applicant:
    number = next(_numbers)
    defaults = {"name": f"Amal Haddad {number}", "email": f"amal{number}@example.org", "language": "ar"}
    return services.Applicant(**{**defaults, **fields})


def sign_up(event, *workshops, now=None, **fields):
    """Register a new person through the service; returns the registration."""
    return services.register(
        event_id=event.pk,
        applicant=applicant(**fields),
        workshop_ids=[workshop.pk for workshop in workshops],
        privacy_notice_version="2026-11-26",
        now=now,
    ).registration


def reload(*objects):
    for obj in objects:
        obj.refresh_from_db()
    return objects[0] if len(objects) == 1 else objects
