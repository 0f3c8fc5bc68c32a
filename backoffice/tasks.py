"""Periodic clean-up of the back office's own records."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from backoffice.models import AuditEntry

# The audit log keeps who did what for good; the IP address of the staff member's device only as long as
# it helps to investigate misuse (docs/privacy.md).
AUDIT_IP_RETENTION = timedelta(days=90)


@shared_task
def forget_old_audit_ips() -> int:
    """IP addresses in audit entries older than AUDIT_IP_RETENTION are removed (idempotent)."""
    cutoff = timezone.now() - AUDIT_IP_RETENTION
    return AuditEntry.objects.filter(created_at__lt=cutoff, ip__isnull=False).update(ip=None)
