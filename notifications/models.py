"""The outbox: every message is a row first, written in the transaction of the change that causes it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
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
    claimed_at = models.DateTimeField(null=True, blank=True)
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
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="outbox_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
