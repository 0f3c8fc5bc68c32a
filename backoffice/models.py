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


class Announcement(models.Model):
    """A message organisers write to a group of participants, in German with optional translations."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone with a place")
        WORKSHOP = "workshop", _("Everyone booked in a workshop")
        WAITLIST = "waitlist", _("The event's waiting list")
        WORKSHOP_WAITLIST = "workshop_waitlist", _("A workshop's waiting list")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="announcements")
    audience = models.CharField(_("recipients"), max_length=24, choices=Audience.choices)
    workshop = models.ForeignKey(
        "fachtag.Workshop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("workshop"),
    )
    subject = models.CharField(_("subject (German)"), max_length=150)
    body = models.TextField(_("text (German)"), max_length=5000)
    # {"ar": {"subject": "...", "body": "..."}, ...}: each recipient gets her language where given.
    translations = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject

    def text_for(self, language: str) -> tuple[str, str]:
        given = self.translations.get(language) or {}
        if given.get("subject") and given.get("body"):
            return given["subject"], given["body"]
        return self.subject, self.body
