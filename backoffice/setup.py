"""Setting events up in the back office: a new event, a copy of last year's, and an event's own settings.

Every change here is one transaction: an event is copied whole or not at all, and a settings form is saved
with its childcare groups together or not at all. The views record each change in the audit log.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from backoffice.models import EventRole
from fachtag.models import ChildcareGroup, Event, TimeSlot, Workshop
from registrations.models import MessageText
from registrations.services.locking import lock_childcare_groups, lock_event

BERLIN = ZoneInfo(settings.TIME_ZONE)

# What a copy never takes over: its identity, and what participants did at the old event (a copied event's
# status is set to draft; a workshop keeps its own, so that one cancelled last year stays visibly cancelled).
NOT_COPIED = {
    "id",
    "slug",
    "seats_taken",
    "sensitive_data_deleted_at",
    "anonymised_at",
    "created_at",
    "updated_at",
}
EVENT_TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
SLOT_TIMES = ("starts_at", "ends_at")

# What the settings page changes (update_settings): the event's own fields, besides its childcare groups.
SETTINGS_FIELDS = (
    "interpreting_languages",
    "has_childcare",
    "registration_opens_at",
    "registration_closes_at",
    "requires_email_confirmation",
    "email_confirmation_hours",
    "waitlist_mode",
    "offer_hours",
    "reminder_days",
)


SLUG_TAKEN = gettext_noop("This short name is taken by another event. Choose another one.")


class SetupError(Exception):
    """A change refused, with a message for the staff member and the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None, group: int | None = None):
        super().__init__(message)
        self.message, self.field, self.group = message, field, group


@transaction.atomic
def create_event(*, values: dict, actor) -> Event:
    """A new draft event from the new-event form's cleaned values; she becomes one of its organisers.

    Raises SetupError when the short name is taken (checked again here: the form's check can be overtaken).
    """
    if Event.objects.filter(slug=values["slug"]).exists():
        raise SetupError(_(SLUG_TAKEN), field="slug")
    event = Event(status=Event.Status.DRAFT, **values)
    _validate(event)
    _save_new(event)
    _make_organiser(event, actor)
    return event


def _save_new(event: Event) -> None:
    """Insert the event; another one that took its short name a moment earlier is a SetupError, not a fault."""
    try:
        with transaction.atomic():  # a savepoint: the check below still runs after a refused insert
            event.save()
    except IntegrityError:
        if Event.objects.filter(slug=event.slug).exists():
            raise SetupError(_(SLUG_TAKEN), field="slug") from None
        raise


def _validate(event: Event) -> None:
    """The model's own rules, as a SetupError on the first field that breaks one (the forms check them
    first; this holds when something changed in between)."""
    try:
        event.full_clean(exclude=["title"])  # the German title is checked as title_de
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise SetupError(messages[0], field=None if field == NON_FIELD_ERRORS else field) from exc


def shift_local(moment: datetime | None, days: int) -> datetime | None:
    """The same wall-clock time in Berlin `days` days later: 9:00 stays 9:00 across a change to summer time."""
    if moment is None:
        return None
    local = moment.astimezone(BERLIN)
    return datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=BERLIN)


def copy_day_offset(event: Event, new_date: date) -> int:
    """Days between the event's first day (in Berlin) and the new one."""
    return (new_date - event.starts_at.astimezone(BERLIN).date()).days


@transaction.atomic
def copy_event(*, source_id: int, new_date: date, title_de: str, slug: str, actor) -> Event:
    """A draft copy of an event on `new_date`: the programme (time slots, workshops with every text in every
    language), childcare groups, interpreting, reminders, retention, waiting-list and confirmation settings,
    and the organisers' message texts, every time moved by the same number of days in Berlin local time.

    Never copied: registrations, bookings, children, logs, check-ins and audit entries; every seat counter
    of the copy starts at 0. One transaction: on any error nothing of the copy remains. She becomes an
    organiser of the copy. Raises SetupError when the short name is taken.
    """
    if Event.objects.filter(slug=slug).exists():
        raise SetupError(_(SLUG_TAKEN), field="slug")
    source = Event.objects.get(pk=source_id)
    days = copy_day_offset(source, new_date)
    event = Event(**_copied_values(source, EVENT_TIMES, days))
    event.slug, event.title_de, event.status = slug, title_de, Event.Status.DRAFT
    _replace_year_in_titles(event, source)
    _save_new(event)
    _copy_programme(source, event, days)
    _copy_event_rows(ChildcareGroup, source, event, "min_age")
    _copy_event_rows(MessageText, source, event, "kind")
    _make_organiser(event, actor)
    return event


def copy_suggestion(source: Event) -> dict:
    """The same day of the year, in the first year still ahead, with the year in title and address moved."""
    old = source.starts_at.astimezone(BERLIN).date()
    today = timezone.localdate()
    year = old.year + 1
    while _same_day(old, year) <= today:
        year += 1
    old_year, new_year = str(old.year), str(year)
    title = source.title_de or ""
    title = title.replace(old_year, new_year) if old_year in title else f"{title} {new_year}".strip()
    base = source.slug.replace(old_year, new_year) if old_year in source.slug else f"{source.slug}-{new_year}"
    return {"new_date": _same_day(old, year), "title_de": title, "slug": _free_slug(base)}


def _same_day(day: date, year: int) -> date:
    return day.replace(year=year, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=year)


def _free_slug(base: str) -> str:
    """The short name, or with -2, -3, … when another event has it."""
    taken = set(Event.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _copied_values(row, times: tuple[str, ...], days: int) -> dict:
    """The row's stored values (every language of its texts) for a new row: times moved, counters 0.

    Read field by field from the model's own list, so that a field added later (a new language's columns
    among them) is copied too rather than silently left behind.
    """
    skipped = NOT_COPIED | _translated_originals(type(row))
    values = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if field.attname not in skipped
    }
    for name in times:
        values[name] = shift_local(values[name], days)
    return values


def _translated_originals(model) -> set[str]:
    """A translated text's own column ("title"): read, it gives the current language's text, so the copy takes
    the text of each language from its column ("title_de", "title_ar", …) instead."""
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def _replace_year_in_titles(event: Event, source: Event) -> None:
    """The translated titles name the new year where they named the old one ("… 2026" → "… 2027")."""
    old_year, new_year = source.starts_at.astimezone(BERLIN).year, event.starts_at.astimezone(BERLIN).year
    if old_year == new_year:
        return
    for code, _name in settings.LANGUAGES:
        if code == "de":
            continue
        name = build_localized_fieldname("title", code)
        text = getattr(event, name, None)
        if text:
            setattr(event, name, text.replace(str(old_year), str(new_year)))


def _copy_programme(source: Event, event: Event, days: int) -> None:
    slots = list(TimeSlot.objects.filter(event=source).order_by("starts_at", "pk"))
    workshops = list(Workshop.objects.filter(slot__event=source).order_by("slot_id", "position", "pk"))
    new_slots = {}
    for slot in slots:
        copy = TimeSlot(**_copied_values(slot, SLOT_TIMES, days))
        copy.event = event
        copy.save()
        new_slots[slot.pk] = copy
    copies = []
    for workshop in workshops:
        copy = Workshop(**_copied_values(workshop, (), days))
        copy.slot = new_slots[workshop.slot_id]
        copies.append(copy)
    Workshop.objects.bulk_create(copies)


def _copy_event_rows(model, source: Event, event: Event, order: str) -> None:
    """The source event's rows of `model` (childcare groups, message texts), copied to the new event."""
    rows = model.objects.filter(event=source).order_by(order)
    model.objects.bulk_create([model(**{**_copied_values(row, (), 0), "event_id": event.pk}) for row in rows])


def _make_organiser(event: Event, actor) -> None:
    EventRole.objects.update_or_create(user=actor, event=event, defaults={"role": EventRole.Role.ORGANISER})


def childcare_groups(event: Event) -> list[ChildcareGroup]:
    """The event's age groups as the settings page lists them, youngest first."""
    return list(ChildcareGroup.objects.filter(event=event).order_by("min_age"))


@dataclass(frozen=True)
class GroupChange:
    """One row of the settings page's childcare groups: an existing group (`group_id`) changed or removed,
    or a new one (`group_id` None). `index` is its row on the page, for the error."""

    index: int
    group_id: int | None
    min_age: int
    max_age: int
    capacity: int
    remove: bool = False


@transaction.atomic
def update_settings(*, event_id: int, values: dict, groups: list[GroupChange]) -> Event:
    """Save the settings page: the event's SETTINGS_FIELDS from `values`, and its childcare groups.

    Takes the event's and its groups' row locks (in registrations.services.locking's order), so that a
    sign-up placing a child waits for the change and the check of places taken holds; raises Busy when they
    cannot be had in time. Raises SetupError (nothing saved) when a group with children is removed,
    its places cut below those taken, its ages changed away from a child's age, or groups overlap, and when
    childcare is switched off while children have places.
    """
    event = lock_event(event_id)  # the sign-up's lock order: the event, then its groups by id
    current = {group.pk: group for group in lock_childcare_groups(event_id)}
    kept = _apply_group_changes(event, current, groups)
    if not values["has_childcare"] and any(group.seats_taken for group in current.values()):
        raise SetupError(
            _("Children have childcare places at this event: childcare cannot be switched off."),
            field="has_childcare",
        )
    _check_no_overlap(kept)
    for name in SETTINGS_FIELDS:
        setattr(event, name, values[name])
    _validate(event)
    # updated_at too: the sign-up page's kept form is keyed on it, so the change shows once the event's row
    # kept for SIGNUP_FORM_CACHE_SECONDS is read again.
    event.save(update_fields=[*SETTINGS_FIELDS, "updated_at"])
    return event


def _apply_group_changes(
    event: Event, current: dict, changes: list[GroupChange]
) -> list[tuple[int | None, ChildcareGroup]]:
    """Remove, change and add the groups; returns (row, group) of every group the event keeps."""
    kept = {pk: (None, group) for pk, group in current.items()}
    for change in changes:
        group = current.get(change.group_id) if change.group_id else None
        if change.group_id and group is None:
            raise SetupError(_("This age group no longer exists. Reload the page."), group=change.index)
        if change.remove:
            if group.children.exists():
                raise SetupError(
                    _("Children are registered in this age group: it cannot be removed."),
                    field="remove",
                    group=change.index,
                )
            kept.pop(group.pk)
            group.delete()
            continue
        if group is None:
            group = ChildcareGroup(event=event)
        elif group.children.exclude(age__range=(change.min_age, change.max_age)).exists():
            raise SetupError(
                _("A registered child's age lies outside these ages: keep it inside the group."),
                field="min_age",
                group=change.index,
            )
        if change.capacity < group.seats_taken:
            raise SetupError(
                _("%(taken)d places are already taken; the capacity cannot be lower.")
                % {"taken": group.seats_taken},
                field="capacity",
                group=change.index,
            )
        group.min_age, group.max_age, group.capacity = change.min_age, change.max_age, change.capacity
        group.save()
        kept[group.pk] = (change.index, group)
    return list(kept.values())


def _check_no_overlap(kept: list[tuple[int | None, ChildcareGroup]]) -> None:
    ordered = sorted(kept, key=lambda row: row[1].min_age)
    for (index_before, before), (index, after) in zip(ordered, ordered[1:], strict=False):
        if after.min_age <= before.max_age:
            row = index if index is not None else index_before
            raise SetupError(_("The age groups of an event must not overlap."), field="min_age", group=row)
