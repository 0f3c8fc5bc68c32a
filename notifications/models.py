"""The outbox: every message is a row first, written in the transaction of the change that causes it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Lane(models.IntegerChoices):
        # Someone waits for it (confirmations, offers, changes, cancellations, invitations): sent first.
        TRANSACTIONAL = 0, _("transactional")
        # Many at once (reminders, announcements): sent when no transactional message waits.
        BULK = 1, _("bulk")

    # (recipient, kind, object, version): the same message can never be written twice.
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=64)
    # Messages sent together (e.g. "announcement:12"), so that their delivery can be counted at once.
    group = models.CharField(max_length=64, blank=True, db_index=True)
    to = models.EmailField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # What the templates need, already in the recipient's language: plain JSON values, no secrets beyond her own link.
    context = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    lane = models.PositiveSmallIntegerField(_("lane"), choices=Lane.choices, default=Lane.TRANSACTIONAL)
    # The claim: when a worker took the message (its lease starts then) and which worker (host:pid).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # After a transient failure: not before this time (the sweep respects the back-off too).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["created_at", "pk"]
        permissions = [("resend_outboxmessage", _("Can send failed messages again"))]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="outbox_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
