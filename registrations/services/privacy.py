"""Privacy (GDPR): retention, the export of everything held about one person, and erasure on request.

One function strips a registration of what identifies her (`anonymise_registrations`): the daily
retention task uses it for every registration of an event once its retention period has passed, and
staff use it to erase one person on request. What stays is what the figures need: status, workshop
bookings, the children's age groups, languages, check-in and dates; the dashboard counts add up as before.
The field inventory with purposes and periods is docs/privacy.md.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.dispatch import Signal
from django.template import TemplateDoesNotExist
from django.utils import timezone

from fachtag.models import ChildcareGroup, Event
from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations.message_keys import messages_to
from registrations.models import Child, Registration
from registrations.services.selfservice import cancel

logger = logging.getLogger(__name__)

# Anonymised rows get an address per row (the unique constraint on active registrations still holds)
# in a domain that can never receive mail (RFC 2606).
ANONYMOUS_DOMAIN = "anonymised.invalid"
ANONYMOUS_RECIPIENT = f"anonymised@{ANONYMOUS_DOMAIN}"
BATCH_SIZE = 200
# Sent once an event is anonymised: apps above registrations (feedback) delete their data of it too.
event_anonymised = Signal()
# Written into unsent messages that must never leave any more (no personal data).
WITHDRAWN = "withdrawn: personal data deleted"


def anonymous_email(registration_id: int) -> str:
    return f"anonymised-{registration_id}@{ANONYMOUS_DOMAIN}"


def is_anonymised(registration: Registration) -> bool:
    # The exact address of this row: someone signing up with an address in that domain is not "anonymised".
    return registration.email == anonymous_email(registration.pk)


def _anonymous_email_expression():
    """anonymous_email(pk) in SQL, for the rows' own pk."""
    return Concat(
        Value("anonymised-"), Cast("pk", CharField()), Value("@" + ANONYMOUS_DOMAIN), output_field=CharField()
    )


# --- Retention ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueEvents:
    sensitive: list[int]  # sensitive details to delete
    anonymise: list[int]  # all personal data to anonymise


def due_events(*, now: datetime) -> DueEvents:
    """Events whose retention periods have passed and that were not processed yet (a few dozen events a
    year: the periods are compared here rather than in SQL, which keeps SQLite and PostgreSQL alike)."""
    candidates = Event.objects.filter(anonymised_at=None, ends_at__lt=now).only(
        "pk", "ends_at", "retention_days", "sensitive_retention_days", "sensitive_data_deleted_at"
    )
    sensitive, anonymise = [], []
    for event in candidates:
        if event.anonymise_due_at <= now:
            anonymise.append(event.pk)
        elif event.sensitive_data_deleted_at is None and event.sensitive_data_due_at <= now:
            sensitive.append(event.pk)
    return DueEvents(sensitive=sensitive, anonymise=anonymise)


def delete_sensitive_event_data(*, event_id: int, now: datetime) -> int:
    """Delete the sensitive details of every registration of the event once its sensitive-data period
    has passed, then mark the event. Before the deadline, or once done, it does nothing. Idempotent:
    each batch is its own short transaction, and running it again after a crash only repeats UPDATEs.
    Returns the number of registrations looked at."""
    event = Event.objects.get(pk=event_id)
    if event.sensitive_data_deleted_at or event.anonymised_at or now < event.sensitive_data_due_at:
        return 0
    count = 0
    for ids in _registration_batches(event_id):
        with transaction.atomic():
            delete_sensitive_details(registration_ids=ids)
        count += len(ids)
    Event.objects.filter(pk=event_id, sensitive_data_deleted_at=None).update(sensitive_data_deleted_at=now)
    logger.info("Event %s: sensitive details of %d registrations deleted", event_id, count)
    return count


def anonymise_event(*, event_id: int, now: datetime) -> int:
    """Anonymise every registration of the event (and the messages sent to it) once its retention period
    has passed, then mark the event as anonymised. Before the deadline, or once done, it does nothing;
    a run cut short is finished by the next one. Returns the number of registrations anonymised now."""
    event = Event.objects.get(pk=event_id)
    if event.anonymised_at or now < event.anonymise_due_at:
        return 0
    count = 0
    for ids in _registration_batches(event_id):
        with transaction.atomic():
            count += anonymise_registrations(registration_ids=ids, now=now)
    Event.objects.filter(pk=event_id, anonymised_at=None).update(
        anonymised_at=now, sensitive_data_deleted_at=now
    )
    logger.info("Event %s: %d registrations anonymised", event_id, count)
    event_anonymised.send(sender=Event, event_id=event_id)
    return count


def _registration_batches(event_id: int):
    """The event's registration ids in batches, in pk order (keyset pagination: no offsets to drift)."""
    last = 0
    while True:
        ids = list(
            Registration.objects.filter(event_id=event_id, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


# --- The one anonymise function -------------------------------------------------------------------


def delete_sensitive_details(*, registration_ids: list[int]) -> None:
    """Accessibility needs, childcare, interpreting and staff notes are emptied, and what the copies of her
    messages restate of them; each child's age becomes the lower bound of her childcare group, so the
    places per age group still add up. The consent record
    (its date) is kept as evidence until the registration is anonymised. Idempotent."""
    Registration.objects.filter(pk__in=registration_ids).update(
        accessibility_needs="", childcare_notes="", interpreting_other="", staff_notes=""
    )
    _delete_sensitive_from_messages(registration_ids)
    group_floor = ChildcareGroup.objects.filter(pk=OuterRef("group_id")).values("min_age")[:1]
    Child.objects.filter(registration_id__in=registration_ids).update(age=Subquery(group_floor))


# What her confirmation restates of her requests (notify.message_context): the outbox's copies of her
# messages lose it with the sensitive details themselves.
SENSITIVE_MESSAGE_CONTEXT = ["child_ages", "interpreting", "accessibility_received"]


def _delete_sensitive_from_messages(registration_ids: list[int]) -> None:
    uuids = Registration.objects.filter(pk__in=registration_ids).values_list("uuid", flat=True)
    copies = OutboxMessage.objects.filter(
        messages_to([uuid.hex for uuid in uuids]), context__has_any_keys=SENSITIVE_MESSAGE_CONTEXT
    )
    for message in copies:
        for key in SENSITIVE_MESSAGE_CONTEXT:
            message.context.pop(key, None)
        message.save(update_fields=["context"])


def anonymise_registrations(*, registration_ids: list[int], now: datetime) -> int:
    """Strip these registrations of everything that identifies her: the sensitive details, name, e-mail
    address, phone, organisation, her account link and personal links (old links and the check-in code
    stop working), and the copies of the messages sent to her (recipient, contents, error texts).
    Unsent messages to her are withdrawn. Status, bookings, age groups, languages, check-in and dates stay.
    Runs inside the caller's transaction; already anonymised rows are left alone. Returns how many were
    anonymised now."""
    delete_sensitive_details(registration_ids=registration_ids)
    rows = list(
        Registration.objects.filter(pk__in=registration_ids)
        .exclude(email=_anonymous_email_expression())
        .values_list("pk", "uuid")
    )
    if not rows:
        return 0
    ids = [pk for pk, _uuid in rows]
    Registration.objects.filter(pk__in=ids).update(
        name="",
        email=_anonymous_email_expression(),
        phone="",
        organisation="",
        user=None,
        accessibility_consent_at=None,
        submission_key=None,
        token_version=F("token_version") + 1,
        updated_at=now,
    )
    messages = OutboxMessage.objects.filter(messages_to([uuid.hex for _pk, uuid in rows]))
    empty = {"to": ANONYMOUS_RECIPIENT, "context": {}}
    messages.filter(sent_at=None, failed_at=None).update(
        failed_at=now, claimed_at=None, last_error=WITHDRAWN, **empty
    )
    messages.exclude(to=ANONYMOUS_RECIPIENT).update(last_error="", **empty)
    # Changes made in the Django admin are logged under the registration's name ("Amal (Fachtag)").
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id__in=[str(pk) for pk in ids],
    ).update(object_repr="", change_message="")
    return len(ids)


# --- Data-subject rights --------------------------------------------------------------------------


def registrations_of_person(registration: Registration, *, events) -> list[Registration]:
    """Every registration of the same person (same e-mail address, or the same account) in these events."""
    # Without an address (a walk-in) only her own registration is hers: empty addresses are nobody's.
    same = Q(email__iexact=registration.email) if registration.email else Q(pk=registration.pk)
    if registration.user_id:
        same |= Q(user_id=registration.user_id)
    return list(
        Registration.objects.filter(same, event__in=events)
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )


def export_person(registrations: list[Registration]) -> dict:
    """Everything held about her in these registrations, as plain JSON values (Art. 15 and 20 GDPR):
    every field of the inventory in docs/privacy.md, her children, workshop bookings, history, consent
    records, check-in and the messages sent to her (kind, subject, when)."""
    return {
        "exported_at": timezone.now().isoformat(),
        "registrations": [_export_registration(registration) for registration in registrations],
    }


def _export_registration(registration: Registration) -> dict:
    event = registration.event
    bookings = registration.bookings.select_related("workshop", "slot").order_by("slot__starts_at", "pk")
    return {
        "event": {
            "title": event.title,
            "starts_at": _iso(event.starts_at),
            "ends_at": _iso(event.ends_at),
            "venue": event.venue_name,
        },
        "status": registration.status,
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "language": registration.language,
        "organisation": registration.organisation,
        "interpreting_language": registration.interpreting_language,
        "interpreting_other": registration.interpreting_other,
        "accessibility_needs": registration.accessibility_needs,
        "childcare_notes": registration.childcare_notes,
        "staff_notes": registration.staff_notes,
        "has_account": registration.user_id is not None,
        "reminders_opt_out": registration.reminders_opt_out,
        "created_at": _iso(registration.created_at),
        "updated_at": _iso(registration.updated_at),
        "waitlisted_at": _iso(registration.waitlisted_at),
        "offer_expires_at": _iso(registration.offer_expires_at),
        "confirm_email_by": _iso(registration.confirm_email_by),
        "checked_in_at": _iso(registration.checked_in_at),
        "consent": {
            "privacy_notice_version": registration.privacy_notice_version,
            "privacy_consent_at": _iso(registration.privacy_consent_at),
            "accessibility_consent_at": _iso(registration.accessibility_consent_at),
        },
        "children": [
            {"age": child.age, "childcare_group": str(child.group)}
            for child in registration.children.select_related("group")
        ],
        "bookings": [
            {
                "workshop": booking.workshop.title,
                "starts_at": _iso(booking.slot.starts_at),
                "ends_at": _iso(booking.slot.ends_at),
                "status": booking.status,
                "waitlisted_at": _iso(booking.waitlisted_at),
                "offer_expires_at": _iso(booking.offer_expires_at),
                "checked_in_at": _iso(booking.checked_in_at),
                "created_at": _iso(booking.created_at),
            }
            for booking in bookings
        ],
        "history": [
            {"action": entry.action, "at": _iso(entry.created_at), "by_staff": entry.actor_id is not None}
            for entry in registration.log.all()
        ],
        "messages": [
            {
                "kind": message.kind,
                "subject": _subject(message),
                "created_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
            }
            for message in OutboxMessage.objects.filter(messages_to([registration.uuid.hex])).order_by("pk")
        ],
    }


def _subject(message: OutboxMessage) -> str:
    """The subject line as she received it (rendered again from the stored row; empty once anonymised)."""
    if not message.context:
        return ""
    context = {key: value for key, value in message.context.items() if key != "attachments"}
    try:
        return render(message.kind, language=message.language, to=message.to, context=context).subject
    except TemplateDoesNotExist:
        return ""


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def erase_person(*, registration_ids: list[int], now: datetime, actor) -> int:
    """Erase her on request (Art. 17 GDPR): each active registration is cancelled through the usual service,
    so her places go to the waiting lists at once, then it is anonymised like at the end of the retention
    period. No message goes out to her any more (the cancellation notice is withdrawn with the rest).
    Erasing twice changes nothing more. Returns how many registrations were anonymised now."""
    erased = 0
    for registration_id in sorted(registration_ids):
        with transaction.atomic():
            cancel(registration_id=registration_id, now=now, actor=actor)
            erased += anonymise_registrations(registration_ids=[registration_id], now=now)
    logger.info("Erased on request: registrations %s", sorted(registration_ids))
    return erased
