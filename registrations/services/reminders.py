"""Reminders before the event, chosen by state, so a missed or doubled beat run is harmless."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import translation

from fachtag.models import Event
from notifications import outbox
from notifications.models import OutboxMessage
from registrations.message_keys import message_key
from registrations.models import Booking, MessageText, Registration
from registrations.services.notify import message_context
from registrations.tokens import UNSUBSCRIBE_SALT, make_token


def due_reminder(event: Event, now: datetime) -> int | None:
    """The reminder (days before) whose time has come and is not yet overtaken by a later one."""
    if now >= event.starts_at:
        return None
    return min(
        (days for days in event.reminder_days if now >= event.starts_at - timedelta(days=days)), default=None
    )


def send_due_reminders(*, now: datetime) -> int:
    """Write one reminder per confirmed registration that is due one and wants it; returns how many.

    Due: the event starts within a reminder's distance, she registered before that reminder's time, and
    she has not had this (or a later) reminder. The outbox key (registration, reminder) makes writing twice
    impossible; the messages are sent in batches over one SMTP connection each.
    """
    written = 0
    horizon = now + timedelta(days=61)
    for event in Event.objects.published().filter(starts_at__gt=now, starts_at__lte=horizon):
        days = due_reminder(event, now)
        if days is not None:
            written += _remind(event, days, now)
    return written


def _remind(event: Event, days: int, now: datetime) -> int:
    active = Booking.objects.filter(status__in=Booking.ACTIVE).select_related("workshop", "slot")
    due = (
        Registration.objects.filter(
            event=event,
            status=Registration.Status.CONFIRMED,
            reminders_opt_out=False,
            created_at__lte=event.starts_at - timedelta(days=days),
        )
        .filter(Q(last_reminder_days__isnull=True) | Q(last_reminder_days__gt=days))
        .exclude(email="")  # walk-ins without an address
        .select_related("event")
        .prefetch_related(Prefetch("bookings", queryset=active), "children")
    )
    texts = {text.kind: text for text in MessageText.objects.filter(event=event, kind="reminder")}
    written = 0
    registrations = list(due[:1000])
    while registrations:
        with transaction.atomic():
            messages = [_reminder_message(registration, days, texts) for registration in registrations]
            outbox.enqueue_many(messages)
            Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(last_reminder_days=days)
        written += len(registrations)
        registrations = list(due[:1000])
    return written


def _reminder_message(registration: Registration, days: int, texts: dict) -> OutboxMessage:
    known = {  # prefetched: no queries per reminder
        "bookings": list(registration.bookings.all()),
        "child_ages": [child.age for child in registration.children.all()],
        "texts": texts,
    }
    with translation.override(registration.language):
        context = message_context(registration, "reminder", known=known)
    context["days"] = days
    context["unsubscribe_path"] = unsubscribe_path(registration)
    return OutboxMessage(
        key=message_key(registration, "reminder", days),
        kind="reminder",
        to=registration.email,
        language=registration.language,
        context=context,
    )


def unsubscribe_path(registration: Registration) -> str:
    with translation.override(registration.language):
        return reverse(
            "registrations:unsubscribe", kwargs={"token": make_token(registration, salt=UNSUBSCRIBE_SALT)}
        )


def stop_reminders(*, registration_id: int) -> None:
    """One-click unsubscribe: reminders stop; her registration and places stay exactly as they are."""
    Registration.objects.filter(pk=registration_id).update(reminders_opt_out=True)
