"""Feedback after a Fachtag: one survey per event, anonymous answers (see docs/privacy.md, "Feedback").

An answer holds no link to a registration: no foreign key, no id, no token, no time. Its primary key is
random (no sequence that could be matched with the order of the used links). What is kept per registration
is only UsedLink, a hash saying that her link was used, so that a second use is refused.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from fachtag.models import Event


class Rating(models.IntegerChoices):
    VERY_GOOD = 5, _("Very good")
    GOOD = 4, _("Good")
    OKAY = 3, _("Okay")
    NOT_GOOD = 2, _("Not so good")
    BAD = 1, _("Bad")


class NextStep(models.TextChoices):
    JOB = "job", _("Apply for a job")
    COURSE = "course", _("Take a course")
    RECOGNITION = "recognition", _("Have my qualification recognised")
    COUNSELLING = "counselling", _("Go to counselling")
    OTHER = "other", _("Something else")


class Survey(models.Model):
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="survey")
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    invitations_queued_at = models.DateTimeField(null=True, blank=True)
    # Switched off by the organisers (backoffice, H14): no invitations go out, no answers are taken.
    is_off = models.BooleanField(_("switched off"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return str(self.event)

    def phase(self, now) -> str:
        """ "off" (switched off by the organisers), "not_yet", "open" or "closed"."""
        if self.is_off:
            return "off"
        if now < self.opens_at:
            return "not_yet"
        return "open" if now < self.closes_at else "closed"

    def is_open(self, now) -> bool:
        return self.phase(now) == "open"


class UsedLink(models.Model):
    """Her link was used: a keyed HMAC of (survey, her registration's random uuid, or for a mediator her
    enrolment), nothing else (feedback.services.used_digest)."""

    digest = models.CharField(max_length=64, primary_key=True)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="used_links")

    def __str__(self) -> str:
        return self.digest[:8]


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    language = models.CharField(max_length=10)
    overall = models.PositiveSmallIntegerField(choices=Rating.choices)
    # {"<workshop id>": rating} for the workshops she had booked.
    workshops = models.JSONField(default=dict, blank=True)
    childcare = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    interpreting = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    next_steps = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True)
    # SHA-256 of the random key only she holds (a cookie): lets her change this answer until the survey closes.
    edit_key_hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return str(self.id)
