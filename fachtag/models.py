"""The programme: an event, its time slots, and the workshops (or training sessions) in each slot.

One model serves both kinds of event. A Fachtag has slots of kind PLENARY (everyone attends) and
PARALLEL (participants choose one workshop). A mediator training series has one PLENARY slot per
dated session, holding that session's single item (topic, trainer, room, capacity).

Seat counters (`seats_taken`) live on the rows whose capacity they use up; the registrations app
changes them under a row lock, and CHECK constraints make an overbooking impossible in the database.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fachtag.languages import (
    INTERPRETING_LANGUAGES,
    SESSION_LANGUAGE_CODES,
    default_interpreting_languages,
    session_language_label,
)


class SeatCounterMixin:
    """Rows with a `seats_taken` counter never write it back from a stale instance.

    The counter is changed only by registrations.services, with F() updates under a row lock; an admin
    form saving a capacity change must not overwrite it with the value it loaded minutes ago.
    """

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "seats_taken"
            ]
        super().save(*args, **kwargs)


DEFAULT_SENSITIVE_RETENTION_DAYS = 14
DEFAULT_RETENTION_DAYS = 90


def address_lines(text: str) -> list[str]:
    """An address as organisers type it into the admin (lines ended by \r\n, blank lines, stray spaces), line
    by line: what pages show as lines and plain text joins with ", " (one_line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def one_line(*texts: str) -> str:
    """Texts that may hold line breaks (a venue, its address) as one line for plain text, mails and the
    calendar's LOCATION: "Neues Rathaus, Martin-Luther-Ring 4–6, 04109 Leipzig", never "4–6\r, 04109"."""
    return ", ".join(line for text in texts for line in address_lines(text))


def default_reminder_days() -> list[int]:
    return [7, 1]


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def public(self):
        """What visitors may open: published events, and cancelled ones so that participants learn of it."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())


class Event(SeatCounterMixin, models.Model):
    class Kind(models.TextChoices):
        FACHTAG = "fachtag", _("Fachtag (conference day)")
        TRAINING = "training", _("Mediator training series")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.FACHTAG)
    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    venue_name = models.CharField(_("venue"), max_length=200)
    venue_address = models.TextField(_("venue address"), help_text=_("Street, postcode and town."))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    registration_opens_at = models.DateTimeField(
        _("registration opens at"), null=True, blank=True, help_text=_("Empty: open as soon as published.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True, help_text=_("Empty: open until the event starts.")
    )
    capacity = models.PositiveIntegerField(_("overall capacity"))
    seats_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    has_childcare = models.BooleanField(_("childcare offered"), default=False)
    interpreting_languages = models.JSONField(
        _("interpreting offered"),
        default=default_interpreting_languages,
        blank=True,
        help_text=_("The languages participants can ask for interpreting into."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)

    class WaitlistMode(models.TextChoices):
        OFFER = "offer", _("Offer a freed place for a limited time")
        DIRECT = "direct", _("Confirm the next person at once")

    waitlist_mode = models.CharField(
        _("waiting list"), max_length=16, choices=WaitlistMode.choices, default=WaitlistMode.OFFER
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("offer valid for (hours)"),
        default=48,
        help_text=_("Shorter close to the event: never more than half the time left before it starts."),
    )
    requires_email_confirmation = models.BooleanField(
        _("e-mail address must be confirmed"),
        default=False,
        help_text=_("The place is held at once and released if the address is not confirmed in time."),
    )
    email_confirmation_hours = models.PositiveSmallIntegerField(
        _("time to confirm the e-mail (hours)"), default=24
    )
    reminder_days = models.JSONField(
        _("reminders (days before)"),
        default=default_reminder_days,
        blank=True,
        help_text=_("Days before the event on which participants are reminded, e.g. [7, 1]."),
    )
    min_sessions_for_certificate = models.PositiveSmallIntegerField(
        _("sessions needed for a certificate"),
        null=True,
        blank=True,
        help_text=_(
            "Training series: attended sessions that earn a certificate of participation, e.g. 5 of 6."
        ),
    )
    # Retention (see docs/privacy.md): special-category and childcare details go first, the rest later;
    # a daily task anonymises what is due and keeps only the figures.
    sensitive_retention_days = models.PositiveSmallIntegerField(
        _("sensitive details kept for (days)"),
        default=DEFAULT_SENSITIVE_RETENTION_DAYS,
        help_text=_(
            "Accessibility needs, childcare and interpreting notes are deleted, and children's ages reduced to "
            "their age group, this many days after the event ends."
        ),
    )
    retention_days = models.PositiveSmallIntegerField(
        _("personal data kept for (days)"),
        default=DEFAULT_RETENTION_DAYS,
        help_text=_(
            "All other personal data of participants (names, e-mail addresses, phone numbers, messages) is "
            "anonymised this many days after the event ends; only the figures are kept."
        ),
    )
    sensitive_data_deleted_at = models.DateTimeField(
        _("sensitive details deleted at"), null=True, blank=True, editable=False
    )
    anonymised_at = models.DateTimeField(
        _("personal data anonymised at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="event_not_overbooked"),
            models.CheckConstraint(condition=Q(retention_days__gte=1), name="event_retention_positive"),
            models.CheckConstraint(
                condition=Q(sensitive_retention_days__gte=1)
                & Q(sensitive_retention_days__lte=F("retention_days")),
                name="event_sensitive_retention_within_retention",
            ),
            models.CheckConstraint(condition=Q(offer_hours__gte=1), name="event_offer_hours_positive"),
            models.CheckConstraint(
                condition=Q(email_confirmation_hours__gte=1), name="event_email_confirmation_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__lte=F("ends_at")),
                name="event_registration_closes_before_end",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        elif closes and self.ends_at and closes > self.ends_at:
            errors["registration_closes_at"] = _("Registration must close before the event ends.")
        if self.capacity is not None and self.capacity < self.seats_taken:
            errors["capacity"] = _("%(taken)d places are already taken; the capacity cannot be lower.") % {
                "taken": self.seats_taken
            }
        if (
            self.sensitive_retention_days is not None
            and self.retention_days is not None
            and self.sensitive_retention_days > self.retention_days
        ):
            errors["sensitive_retention_days"] = _(
                "Sensitive details cannot be kept longer than the other personal data."
            )
        offered = self.interpreting_languages
        if not isinstance(offered, list) or not set(offered) <= {
            code for code, _label in INTERPRETING_LANGUAGES
        }:
            errors["interpreting_languages"] = _("Choose languages from the list.")
        days = self.reminder_days
        if not isinstance(days, list) or not all(isinstance(d, int) and 0 < d <= 60 for d in days):
            errors["reminder_days"] = _(
                "Enter whole numbers of days from 1 to 60 in square brackets, e.g. [7, 1]."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def free_seats(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    def venue_one_line(self) -> str:
        """Venue and address on one line (mails in plain text, calendar entries)."""
        return one_line(self.venue_name, self.venue_address)

    def venue_lines(self) -> list[str]:
        """Venue and address line by line (pages, HTML mails, certificates)."""
        return address_lines(self.venue_name) + address_lines(self.venue_address)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def sensitive_data_due_at(self):
        return self.ends_at + timedelta(days=self.sensitive_retention_days)

    @property
    def anonymise_due_at(self):
        return self.ends_at + timedelta(days=self.retention_days)

    def registration_state(self, now=None) -> str:
        """One of "not_yet_open", "open", "closed" (closed also when cancelled or over)."""
        now = now or timezone.now()
        closes = self.registration_closes_at or self.starts_at
        if self.status != self.Status.PUBLISHED or now >= closes:
            return "closed"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet_open"
        return "open"


class TimeSlot(models.Model):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary: everyone attends")
        PARALLEL = "parallel", _("Parallel workshops: participants choose one")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots", verbose_name=_("event"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PARALLEL)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        local_start = timezone.localtime(self.starts_at)
        local_end = timezone.localtime(self.ends_at)
        label = f"{local_start:%d.%m.%Y %H:%M}–{local_end:%H:%M}"
        return f"{label} {self.title}".strip()

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The time slot must end after it starts.")
        event = self.event if self.event_id else None
        if event and self.starts_at and self.starts_at < event.starts_at:
            errors["starts_at"] = _("The time slot must lie within its event: it starts before the event.")
        if event and self.ends_at and self.ends_at > event.ends_at:
            errors["ends_at"] = _("The time slot must lie within its event: it ends after the event.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_parallel(self) -> bool:
        return self.kind == self.Kind.PARALLEL


class Workshop(SeatCounterMixin, models.Model):
    """A bookable programme item: a workshop or talk of a Fachtag, or a dated session of a training series."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    slot = models.ForeignKey(
        TimeSlot, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("time slot")
    )
    title = models.CharField(_("title or topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    speakers = models.CharField(_("speakers or trainer"), max_length=300, blank=True)
    room = models.CharField(_("room"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Empty for plenary talks: the event's capacity applies."),
    )
    seats_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("Languages it is held in or interpreted into.")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("workshop or session")
        verbose_name_plural = _("workshops and sessions")
        ordering = ["slot__starts_at", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="workshop_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="workshop_not_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        slot = self.slot if self.slot_id else None
        if slot and slot.is_parallel and self.capacity is None:
            errors["capacity"] = _("A workshop in a parallel slot needs a capacity.")
        if self.capacity is not None and self.capacity < self.seats_taken:
            errors["capacity"] = _("%(taken)d places are already taken; the capacity cannot be lower.") % {
                "taken": self.seats_taken
            }
        if not isinstance(self.languages, list) or not set(self.languages) <= SESSION_LANGUAGE_CODES:
            errors["languages"] = _("Choose languages from the list.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def free_seats(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)

    @property
    def availability(self) -> str:
        """ "unlimited" (plenary), "free", "few" (a tenth or at most three left) or "full"."""
        free = self.free_seats
        if free is None:
            return "unlimited"
        if free == 0:
            return "full"
        if free <= max(3, self.capacity // 10):
            return "few"
        return "free"

    @property
    def language_labels(self) -> list[str]:
        return [session_language_label(code) for code in self.languages]


class ChildcareGroup(SeatCounterMixin, models.Model):
    """Childcare places for one age group at an event, e.g. 0–2, 3–5 or 6–10 years."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="childcare_groups", verbose_name=_("event")
    )
    min_age = models.PositiveSmallIntegerField(_("from age (years)"))
    max_age = models.PositiveSmallIntegerField(_("to age (years)"))
    capacity = models.PositiveIntegerField(_("places"))
    seats_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)

    class Meta:
        verbose_name = _("childcare group")
        verbose_name_plural = _("childcare groups")
        ordering = ["min_age"]
        constraints = [
            models.CheckConstraint(condition=Q(max_age__gte=F("min_age")), name="childcare_ages_ordered"),
            models.CheckConstraint(condition=Q(max_age__lte=17), name="childcare_ages_below_18"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="childcare_capacity_positive"),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="childcare_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return ngettext("%(min)d–%(max)d year", "%(min)d–%(max)d years", self.max_age) % {
            "min": self.min_age,
            "max": self.max_age,
        }

    def clean(self):
        errors = {}
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            errors["max_age"] = _("The upper age must not be below the lower age.")
        if self.capacity is not None and self.capacity < self.seats_taken:
            errors["capacity"] = _("%(taken)d places are already taken; the capacity cannot be lower.") % {
                "taken": self.seats_taken
            }
        overlapping = ChildcareGroup.objects.filter(
            event_id=self.event_id, min_age__lte=self.max_age, max_age__gte=self.min_age
        ).exclude(pk=self.pk)
        if self.event_id and self.min_age is not None and self.max_age is not None and overlapping.exists():
            errors["min_age"] = _("The age groups of an event must not overlap.")
        if errors:
            raise ValidationError(errors)


class InterpreterBooking(models.Model):
    """An interpreter arranged by the organisers for one interpreting language of one event.

    A row of its own rather than a list on Event: one row per language, so two organisers marking two
    languages at the same moment never overwrite each other's change; it records when it was arranged; and
    copying an event to next year (which copies the Event's fields one by one) does not carry last year's
    bookings over, since interpreters are booked again for every date. No personal data is held here.
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="interpreter_bookings", verbose_name=_("event")
    )
    language = models.CharField(_("language"), max_length=16, choices=INTERPRETING_LANGUAGES)
    arranged_at = models.DateTimeField(_("arranged at"), default=timezone.now)

    class Meta:
        verbose_name = _("interpreter arranged")
        verbose_name_plural = _("interpreters arranged")
        constraints = [
            models.UniqueConstraint(fields=["event", "language"], name="one_interpreter_booking_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.get_language_display()}"
