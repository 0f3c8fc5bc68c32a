"""Who may do what for which event, and the record of every staff action."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fachtag.models import Event


class EventRole(models.Model):
    """Rights are given per event; superusers are global administrators."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser: everything for this event")
        CHECKIN = "checkin", _("Door staff: check-in only")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_roles")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("event role")
        verbose_name_plural = _("event roles")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_role_per_event")]

    def __str__(self) -> str:
        return f"{self.user} – {self.event}: {self.get_role_display()}"


class AuditEntry(models.Model):
    """Append-only: who did what, when, to which event or registration (ids and names of fields, never
    the values of sensitive answers)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=64)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    registration_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
