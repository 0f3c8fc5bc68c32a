"""Messages from organisers to a group of participants: written once, sent to each in her language."""

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation

from backoffice.models import Announcement
from notifications import outbox
from notifications.models import OutboxMessage
from registrations.message_keys import message_key
from registrations.models import Booking, Registration
from registrations.services.privacy import ANONYMOUS_DOMAIN
from registrations.tokens import make_token

KEY_PREFIX = "announcement"


def recipients(announcement: Announcement):
    # Anonymised participants have no address any more (retention or erasure), walk-ins may have none.
    event_rows = (
        Registration.objects.filter(event=announcement.event)
        .exclude(email__endswith="@" + ANONYMOUS_DOMAIN)
        .exclude(email="")
    )
    audience = Announcement.Audience
    if announcement.audience == audience.EVERYONE:
        return event_rows.filter(status__in=Registration.HOLDING)
    if announcement.audience == audience.WAITLIST:
        return event_rows.filter(status=Registration.Status.WAITLISTED)
    booked = (
        Booking.Status.WAITLISTED
        if announcement.audience == audience.WORKSHOP_WAITLIST
        else Booking.Status.CONFIRMED
    )
    return event_rows.filter(bookings__workshop=announcement.workshop, bookings__status=booked).distinct()


def queue(announcement: Announcement) -> int:
    """Write one message per recipient (in her language where a translation is given, else German) and
    hand them to the workers in batches. Queueing the same announcement twice writes nothing more."""
    messages = []
    for registration in recipients(announcement).select_related("event"):
        subject, body = announcement.text_for(registration.language)
        language = registration.language if registration.language in announcement.translations else "de"
        with translation.override(registration.language):
            path = reverse("registrations:manage", kwargs={"token": make_token(registration)})
        messages.append(
            OutboxMessage(
                key=message_key(registration, KEY_PREFIX, announcement.pk),
                group=f"{KEY_PREFIX}:{announcement.pk}",
                kind="announcement",
                to=registration.email,
                language=language,
                context={
                    "name": registration.name,
                    "subject": subject,
                    "body": body,
                    "manage_path": path,
                    "event_title": registration.event.title,
                },
            )
        )
    with transaction.atomic():
        written = outbox.enqueue_many(messages)
        Announcement.objects.filter(pk=announcement.pk).update(recipients=len(messages))
    return len(written)


def delivery(announcements) -> dict[int, dict]:
    """Sent, waiting and failed counts per announcement (one query)."""
    groups = {f"{KEY_PREFIX}:{a.pk}": a.pk for a in announcements}
    rows = (
        OutboxMessage.objects.filter(group__in=groups)
        .values("group")
        .annotate(
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            failed=Count("pk", filter=Q(failed_at__isnull=False)),
            waiting=Count("pk", filter=Q(sent_at__isnull=True, failed_at__isnull=True)),
        )
    )
    return {groups[row["group"]]: row for row in rows}
