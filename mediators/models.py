"""Language and integration mediators: their profiles, enrolments in training series, replies and attendance."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fachtag.models import Event, Workshop

# Who may run the mediator pool, the training series and their attendance (invitations, deactivation,
# attendance that sends certificates): a model permission, granted to the ORGANISERS_GROUP (migration 0005)
# and to nobody by the staff flag alone. Superusers have it.
MANAGE_PERMISSION = "mediators.manage_mediators"
ORGANISERS_GROUP = "Organisers"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class MediatorProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mediator")
    languages = models.JSONField(_("languages she mediates in"), default=list, blank=True)
    language = models.CharField(
        _("language for messages"), max_length=10, choices=settings.LANGUAGES, default="de"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active in the pool"), default=True)
    # The secret of her calendar feed URL: renewing it makes the old URL stop working.
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["user__last_name", "user__first_name", "user__email"]
        permissions = [
            ("manage_mediators", _("Can manage the mediator pool, training series and attendance"))
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email


class Enrolment(models.Model):
    """A mediator enrolled in a training series."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="enrolments")
    mediator = models.ForeignKey(MediatorProfile, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    certificate_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["event", "mediator"], name="one_enrolment_per_series")]

    def __str__(self) -> str:
        return f"{self.mediator} – {self.event}"


class SessionRecord(models.Model):
    """One mediator and one session: her reply, the attendance organisers recorded, and her calendar entry."""

    class Reply(models.TextChoices):
        ATTENDING = "attending", _("I will attend")
        ABSENT = "absent", _("I cannot attend")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="records")
    session = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="mediator_records")
    reply = models.CharField(_("reply"), max_length=16, choices=Reply.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    # The last change of her calendar entry for this session: its DTSTAMP in the feed.
    calendar_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("session record")
        verbose_name_plural = _("session records")
        ordering = ["session__slot__starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "session"], name="one_record_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.mediator}: {self.session}"
