"""The checklist before publishing, and publishing itself.

`checklist(event)` answers what stands between an event and its publication, as plain data: the dashboard
and the publish page show it, and `publish` asks it again on the locked row, so a page left open (or a
request sent without it) cannot publish an event that fails a blocking item.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backoffice import translations
from backoffice.models import AuditEntry
from fachtag.models import Event, TimeSlot, Workshop
from registrations.models import Registration
from registrations.services.locking import lock_event


@dataclass(frozen=True)
class Item:
    """One point of the checklist: `message` states the rule, `details` name what breaks it."""

    code: str
    ok: bool
    blocking: bool
    message: str
    details: list[str] = field(default_factory=list)


class PublishRefused(Exception):
    """Publishing was refused: `items` are the blocking points that fail."""

    def __init__(self, items: list[Item]):
        super().__init__(", ".join(item.code for item in items))
        self.items = items


class UnpublishRefused(Exception):
    pass


def checklist(event: Event, *, now=None) -> list[Item]:
    """Every point of the checklist for this event, the blocking ones first; its queries do not grow with
    the number of registrations (budget in tests/backoffice/test_checklist.py)."""
    now = now or timezone.now()
    slots = list(
        TimeSlot.objects.filter(event=event, kind=TimeSlot.Kind.PARALLEL)
        .annotate(
            bookable=Count("workshops", filter=~Q(workshops__status=Workshop.Status.CANCELLED)),
            seats=Sum("workshops__capacity", filter=~Q(workshops__status=Workshop.Status.CANCELLED)),
        )
        .order_by("starts_at", "pk")
    )
    unbookable = [str(slot) for slot in slots if not slot.bookable]
    short = [
        _("%(slot)s: %(seats)d of %(capacity)d places")
        % {"slot": slot, "seats": slot.seats or 0, "capacity": event.capacity}
        for slot in slots
        if slot.bookable and (slot.seats or 0) < event.capacity
    ]
    opens = event.registration_opens_at or now
    closes = event.registration_closes_at or event.starts_at
    missing = [
        ngettext(
            "%(language)s: %(done)s of %(total)s text",
            "%(language)s: %(done)s of %(total)s texts",
            row.total,
        )
        % {"language": row.name, "done": row.done, "total": row.total}
        for row in translations.completeness(translations.texts(event))
        if row.counts_for_checklist and row.done < row.total
    ]
    childcare_ok = not event.has_childcare or event.childcare_groups.exists()
    return [
        Item(
            "childcare_groups",
            childcare_ok,
            True,
            _("Childcare is offered: it needs at least one age group."),
        ),
        Item(
            "slots_bookable",
            not unbookable,
            True,
            _("Every parallel time slot has a workshop that can be booked."),
            unbookable,
        ),
        Item("dates_future", event.starts_at > now, True, _("The event lies in the future.")),
        Item(
            "signup_window",
            opens < closes <= event.starts_at,
            True,
            _("Sign-up opens before it closes, and closes before the event starts."),
        ),
        Item(
            "venue",
            bool(event.venue_name.strip() and event.venue_address.strip()),
            True,
            _("The venue and its address are given."),
        ),
        Item(
            "privacy_contact",
            bool(settings.DATA_PROTECTION_OFFICER_EMAIL.strip() and settings.OFFICE_NAME.strip()),
            True,
            _("The privacy notice names the office and the data protection officer's e-mail address."),
        ),
        Item(
            "workshop_seats",
            not short,
            False,
            _("The workshops of each parallel time slot have together at least as many places as the event."),
            short,
        ),
        Item("translations", not missing, False, _("Every text is translated into every language."), missing),
    ]


def blocking_failures(items: list[Item]) -> list[Item]:
    return [item for item in items if item.blocking and not item.ok]


@transaction.atomic
def publish(*, event_id: int, actor, ip: str | None = None, now=None) -> Event:
    """Publish a draft event, audited. The checklist is asked again on the locked row: raises
    PublishRefused with the failing blocking items, Busy when the event stays locked too long. Publishing an
    event already published changes nothing."""
    event = lock_event(event_id)
    if event.status == Event.Status.PUBLISHED:
        return event
    refused = blocking_failures(checklist(event, now=now))
    if refused:
        raise PublishRefused(refused)
    _set_status(event, Event.Status.PUBLISHED, actor=actor, ip=ip, action="publish")
    return event


@transaction.atomic
def unpublish(*, event_id: int, actor, ip: str | None = None) -> Event:
    """Take a published event back to draft, audited, as long as nobody has signed up for it (otherwise
    raises UnpublishRefused: her registration would lead nowhere). Registrations wait for the event's lock
    (registrations.services.signup), so none slips in between the look and the change; raises Busy when
    the event stays locked too long."""
    event = lock_event(event_id)
    if event.status != Event.Status.PUBLISHED:
        return event
    if Registration.objects.filter(event_id=event.pk).exists():
        raise UnpublishRefused(_("People have signed up for this event: it stays published."))
    _set_status(event, Event.Status.DRAFT, actor=actor, ip=ip, action="unpublish")
    return event


def _set_status(event: Event, status: str, *, actor, ip, action: str) -> None:
    event.status = status
    event.save(update_fields=["status", "updated_at"])
    AuditEntry.objects.create(actor=actor, action=action, event=event, detail={}, ip=ip or None)
