from backoffice.models import AuditEntry
from config.http import client_ip


def record(request, action: str, *, event=None, registration=None, **detail) -> None:
    """Write one audit entry for a staff action (ids and field names only)."""
    AuditEntry.objects.create(
        actor=request.user,
        action=action,
        event=event,
        registration_id=registration.pk if registration is not None else None,
        detail=detail,
        ip=client_ip(request) or None,
    )
