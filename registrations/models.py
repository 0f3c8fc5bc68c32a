"""A registration for an event, its workshop bookings (one per time slot), children, and history.

Places are counted on the rows whose capacity they use (Event, Workshop, ChildcareGroup `seats_taken`);
only registrations.services changes statuses (each move checked against the table in
services/transitions.py) and counters, under row locks in a fixed order.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fachtag.languages import INTERPRETING_LANGUAGES
from fachtag.models import ChildcareGroup, Event, TimeSlot, Workshop
from registrations.codes import grouped, new_short_code


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for e-mail confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        OFFERED = "offered", _("Place offered")
        EXPIRED = "expired", _("Offer expired")
        CANCELLED = "cancelled", _("Cancelled")

    # Statuses that hold a place at the event (and the children's childcare places).
    HOLDING = (Status.PENDING, Status.CONFIRMED, Status.OFFERED)
    ACTIVE = (Status.PENDING, Status.CONFIRMED, Status.OFFERED, Status.WAITLISTED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    name = models.CharField(_("name"), max_length=150)
    # Empty only for a walk-in registered at the door without an address (the sign-up form requires one).
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language for messages"), max_length=10, choices=settings.LANGUAGES)
    organisation = models.CharField(_("organisation or role"), max_length=150, blank=True)
    interpreting_language = models.CharField(
        _("interpreting"), max_length=16, choices=INTERPRETING_LANGUAGES, blank=True
    )
    interpreting_other = models.CharField(_("other interpreting language"), max_length=80, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), max_length=1000, blank=True)
    accessibility_consent_at = models.DateTimeField(
        _("consent to store accessibility needs"), null=True, blank=True
    )
    childcare_notes = models.TextField(_("notes on childcare"), max_length=1000, blank=True)
    # Written by organisers, for organisers: never on her pages or in her messages (docs/privacy.md).
    staff_notes = models.TextField(_("staff notes"), max_length=2000, blank=True)
    privacy_consent_at = models.DateTimeField(_("privacy notice accepted"))
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)
    token_version = models.PositiveSmallIntegerField(default=1, editable=False)
    reminders_opt_out = models.BooleanField(_("no reminders wanted"), default=False)
    # The reminder last written for her (days before the event): reminders are chosen by this state.
    last_reminder_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # Calendar invites: whether her calendar holds the day's entry now, and its next SEQUENCE.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    calendar_day_sent = models.BooleanField(default=False, editable=False)
    # Set by the sign-up form when it is first shown: the same form sent twice creates one registration.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # What she reads out or shows at the door (registrations.codes); never in a URL or a log line.
    short_code = models.CharField(_("check-in code"), max_length=8, default=new_short_code, editable=False)
    confirm_email_by = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                # Walk-ins without an address are not one person.
                condition=Q(status__in=["pending", "confirmed", "offered", "waitlisted"]) & ~Q(email=""),
                name="one_active_registration_per_email",
            ),
            models.UniqueConstraint(fields=["event", "short_code"], name="one_short_code_per_event"),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False), name="offer_has_deadline"
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(confirm_email_by__isnull=False),
                name="pending_has_deadline",
            ),
            models.CheckConstraint(
                condition=Q(accessibility_needs="") | Q(accessibility_consent_at__isnull=False),
                name="accessibility_needs_only_with_consent",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.event})"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDING

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def short_code_grouped(self) -> str:
        """Her check-in code as it is read out: "K7PM-3XQA"."""
        return grouped(self.short_code)


class Booking(models.Model):
    """A registration's choice of a workshop in one time slot."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        OFFERED = "offered", _("Place offered")
        EXPIRED = "expired", _("Offer expired")
        CANCELLED = "cancelled", _("Cancelled")

    HOLDING = (Status.CONFIRMED, Status.OFFERED)
    ACTIVE = (Status.CONFIRMED, Status.OFFERED, Status.WAITLISTED)

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="bookings")
    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="bookings")
    # The workshop's slot, kept here so that the database can enforce one seat per slot.
    slot = models.ForeignKey(TimeSlot, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workshop booking")
        verbose_name_plural = _("workshop bookings")
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "slot"], condition=Q(status="confirmed"), name="one_seat_per_slot"
            ),
            models.UniqueConstraint(
                fields=["registration", "slot"],
                condition=Q(status__in=["waitlisted", "offered"]),
                name="one_wish_per_slot",
            ),
            models.UniqueConstraint(
                fields=["registration", "workshop"],
                condition=Q(status__in=["confirmed", "offered", "waitlisted"]),
                name="one_active_booking_per_workshop",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="booking_offer_has_deadline",
            ),
        ]
        indexes = [models.Index(fields=["workshop", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.registration.name}: {self.workshop}"


class Child(models.Model):
    """A child to be cared for during the event: only the age, nothing else (data minimisation)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="children")
    age = models.PositiveSmallIntegerField(_("age (years)"))
    group = models.ForeignKey(ChildcareGroup, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(age__lte=17), name="child_age_below_18")]

    def __str__(self) -> str:
        return ngettext("%(age)d year", "%(age)d years", self.age) % {"age": self.age}


class RegistrationLog(models.Model):
    """Every state change of a registration, in order: the history organisers see, and what messages follow."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Put on the waiting list")
        OFFERED = "offered", _("Place offered")
        OFFER_ACCEPTED = "offer_accepted", _("Offer accepted")
        OFFER_EXPIRED = "offer_expired", _("Offer expired")
        EMAIL_CONFIRMED = "email_confirmed", _("E-mail address confirmed")
        UNCONFIRMED_RELEASED = "unconfirmed_released", _("Released: e-mail not confirmed in time")
        CHANGED = "changed", _("Booking changed")
        CHILDCARE_CHANGED = "childcare_changed", _("Childcare changed")
        CANCELLED = "cancelled", _("Cancelled")
        LINK_SENT = "link_sent", _("Personal link sent again")
        EDITED = "edited", _("Details changed by the organisers")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="log")
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    # Ids only (workshop, slot); never names, e-mails or sensitive answers.
    detail = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class MessageText(models.Model):
    """Wording organisers add to one kind of message for one event (e.g. directions in the reminder)."""

    class Kind(models.TextChoices):
        CONFIRMED = "registration_confirmed", _("Confirmation")
        WAITLISTED = "registration_waitlisted", _("Waiting list")
        OFFER = "offer_made", _("Offer of a place")
        REMINDER = "reminder", _("Reminder")
        CANCELLED = "registration_cancelled", _("Cancellation")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="message_texts")
    kind = models.CharField(_("message"), max_length=40, choices=Kind.choices)
    text = models.TextField(_("additional text"), max_length=2000)

    class Meta:
        verbose_name = _("message text")
        verbose_name_plural = _("message texts")
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="one_text_per_event_and_message")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
