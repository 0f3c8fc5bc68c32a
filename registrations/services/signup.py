"""Signing up: one short transaction that decides every place at once."""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from fachtag.models import Event
from registrations import calendar, selectors
from registrations.errors import InvalidChoice, RegistrationClosed
from registrations.models import Booking, Child, Registration
from registrations.ratelimit import link_mail_allowed
from registrations.services import notify, places
from registrations.services.history import Action, log, log_many
from registrations.services.locking import (
    atomic,
    lock_childcare_groups,
    lock_event_state,
    lock_workshop_state,
)

# What a new registration's status is recorded as, and which message she gets.
SIGNUP_OUTCOME = {
    Registration.Status.CONFIRMED: (Action.CONFIRMED, "registration_confirmed"),
    Registration.Status.PENDING: (Action.REGISTERED, "confirm_email"),
    Registration.Status.WAITLISTED: (Action.WAITLISTED, "registration_waitlisted"),
}


@dataclass
class Applicant:
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "email",
        "language",
        "phone",
        "organisation",
        "interpreting_language",
        "interpreting_other",
        "accessibility_needs",
        "childcare_notes",
    )

    name: str
    email: str
    language: str
    phone: str = ""
    organisation: str = ""
    interpreting_language: str = ""
    interpreting_other: str = ""
    accessibility_needs: str = ""
    accessibility_consent: bool = False
    childcare_notes: str = ""
    child_ages: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class SignupResult:
    registration: Registration
    created: bool  # False: the same form again, or the address was registered already (a link mail went out)


@dataclass(frozen=True)
class _Places:
    """What her rows and her message are written from, decided on the event's, workshops' and childcare
    groups' locked rows."""

    status: str
    seated: tuple[int, ...]  # the chosen workshops with a seat for her, as chosen
    child_groups: tuple[int, ...]  # each child's childcare group, as given
    confirm_email_by: datetime | None

    @property
    def gets_place(self) -> bool:
        return self.status != Registration.Status.WAITLISTED


def register(
    *,
    event_id: int,
    applicant: Applicant,
    workshop_ids: list[int],
    privacy_notice_version: str,
    submission_key: uuid.UUID | None = None,
    user=None,
    now=None,
    actor=None,
) -> SignupResult:
    """Register her for the event, with one workshop per chosen slot and childcare for her children.

    She gets an event place (and her children their childcare places, together) if all are free,
    otherwise she joins the event's waiting list with them. A chosen workshop without a free seat puts
    her on its waiting list (her registration is never lost for it; she can pick another one meanwhile).
    Arrival order is the time she reached this function, taken before waiting for any lock.
    The same submission key twice returns the first registration; an e-mail address that already
    holds a registration gets its personal link sent again and returns that registration (created=False).
    An organiser (actor) may register someone, e.g. a walk-in at the door, until the event ends; a walk-in
    may come without an address (applicant.email ""): she gets her place and no message.

    First a look for an earlier registration of hers (the same form, or her address). Then one transaction,
    the same on PostgreSQL and SQLite: lock the event, then her chosen workshops (by id), then the event's
    childcare groups (by id, only when she brings children), in the order services.locking documents; decide
    her places on the locked rows; write. What only shows (the texts of the event, its workshops and the
    organisers' messages) is read before, as the sign-up page shows it (selectors.programme); under the
    locks, only what decides. A registration of hers committed after the look (the same form sent twice at
    once) is refused by the database's unique constraints (her address per event, the form's key), and
    she is answered with it.
    Raises RegistrationClosed, InvalidChoice, ChildcareUnavailable, Busy.
    """
    now = now or timezone.now()
    email = applicant.email.strip().lower()
    event = selectors.event_by_id(event_id)  # this call's own instance
    texts = selectors.message_texts(event)

    def new(key):
        return _register_new(
            event, applicant, email, workshop_ids, privacy_notice_version, texts, user, actor, now, key
        )

    same, existing, key_taken = _earlier(event_id, email, submission_key)
    if not same and not existing:
        try:
            # Someone else's form's key (a copied form) is not opened: she registers without it.
            return new(None if key_taken else submission_key)
        except (
            IntegrityError
        ):  # a registration of hers, or one with this form's key, committed since the look
            same, existing, key_taken = _earlier(event_id, email, submission_key)
            if not (same or existing):
                # Someone else's form's key, or (very rarely, registrations.codes) a check-in code that
                # is taken in this event: a new code and no key. A second clash is a real error.
                return new(None if key_taken else submission_key)
    if same:
        return SignupResult(same, created=False)
    return _link_again(event, existing, texts, actor, now)


def _register_new(
    event, applicant, email, workshop_ids, privacy_notice_version, texts, user, actor, now, submission_key
) -> SignupResult:
    """Her new registration, decided and written in one transaction on the locked rows."""
    shown = {
        workshop.pk: workshop
        for _slot, workshops in selectors.programme(event).slots
        for workshop in workshops
    }
    with atomic():
        lock_event_state(event)
        _check_open(event, actor, now)
        chosen = [shown[pk] for pk in set(workshop_ids) if pk in shown]
        workshops = lock_workshop_state(chosen)
        groups = lock_childcare_groups(event.pk) if applicant.child_ages else []
        decided = _decide(event, workshops, groups, applicant, workshop_ids, now)
        registration = _new(
            event, applicant, email, decided, privacy_notice_version, submission_key, user, now
        )
        _write(registration, [workshops[pk] for pk in workshop_ids], applicant, decided, texts, actor, now)
        if decided.gets_place:
            places.take_event_place(event)
            places.take_childcare(groups, Counter(decided.child_groups))
            places.take_workshop_seats([workshops[pk] for pk in decided.seated])
        return SignupResult(registration, created=True)


def _link_again(event: Event, existing: Registration, texts, actor, now) -> SignupResult:
    """Her registration for the event exists: her personal link is sent again (at most a few times an hour,
    counted with "Lost your link?": docs/security.md, SEC-08)."""
    _check_open(event, actor, now)
    if link_mail_allowed(existing.email):
        existing.event = event
        with atomic():
            entry = log(existing, Action.LINK_SENT)
            notify.registration_message(existing, "personal_link", entry, known={"texts": texts})
    return SignupResult(existing, created=False)


def _check_open(event: Event, actor, now) -> None:
    walk_in_possible = actor is not None and event.status == event.Status.PUBLISHED and now < event.ends_at
    if event.registration_state(now) != "open" and not walk_in_possible:
        raise RegistrationClosed()


def _decide(
    event, workshops: dict, groups: list, applicant: Applicant, workshop_ids: list[int], now
) -> _Places:
    """Her places on these rows: an event place (and childcare) if all are free, and a seat in each chosen
    workshop that has one (only with an event place)."""
    _check_choices(workshop_ids, workshops)
    child_groups = tuple(places.group_for_age(groups, age).pk for age in applicant.child_ages)
    gets_place = event.free_seats > 0 and places.childcare_fits(groups, Counter(child_groups))
    if not gets_place:
        status = Registration.Status.WAITLISTED
    elif event.requires_email_confirmation and applicant.email.strip():
        # Without an address (a walk-in at the door) there is nothing to confirm.
        status = Registration.Status.PENDING
    else:
        status = Registration.Status.CONFIRMED
    return _Places(
        status=status,
        seated=tuple(pk for pk in workshop_ids if gets_place and places.workshop_has_seat(workshops[pk])),
        child_groups=child_groups,
        confirm_email_by=now + timedelta(hours=event.email_confirmation_hours)
        if status == Registration.Status.PENDING
        else None,
    )


def _write(registration, chosen: list, applicant: Applicant, decided: _Places, texts, actor, now) -> None:
    """Insert her registration (new, unsaved) with her children, bookings in the chosen workshops, history
    and message, as decided."""
    status = decided.status
    bookings = [
        Booking(
            registration=registration,
            workshop=workshop,
            slot=workshop.slot,
            status=Booking.Status.CONFIRMED if workshop.pk in decided.seated else Booking.Status.WAITLISTED,
            waitlisted_at=now,
        )
        for workshop in chosen
    ]
    in_slot_order = sorted(bookings, key=lambda booking: booking.slot.starts_at)  # stable: then as chosen
    # Her first calendar invite, made before the insert, which records the calendar state it leaves.
    invite = calendar.invite_update(registration, registration.language, in_slot_order, save=False)
    registration.save(force_insert=True)
    Child.objects.bulk_create(
        Child(registration=registration, age=age, group_id=group_id)
        for age, group_id in zip(applicant.child_ages, decided.child_groups, strict=True)
    )
    Booking.objects.bulk_create(bookings)
    entries = log_many(
        registration,
        [
            (Action.CONFIRMED, booking, {"workshop": booking.workshop_id})
            for booking in bookings
            if booking.status == Booking.Status.CONFIRMED
        ]
        + [(SIGNUP_OUTCOME[status][0], None, {})],
        actor=actor,
    )
    known = {
        "bookings": in_slot_order,
        "child_ages": list(applicant.child_ages),
        "texts": texts,
        "invite": invite,
    }
    notify.registration_message(registration, SIGNUP_OUTCOME[status][1], entries[-1], known=known)


def _earlier(event_id: int, email: str, submission_key):
    """(the registration this same form made before, her active registration for the event, whether the key
    belongs to another registration). The same form means the same key, event and address: a key alone,
    which the client sends, never opens anyone's registration. Read as ids first: almost always there is none."""
    # A walk-in without an address is nobody's earlier registration: only the form's key finds hers.
    hers = Q(event_id=event_id, email=email, status__in=Registration.ACTIVE) if email else Q(pk__in=[])
    if not email and not submission_key:
        return None, None, False
    found = Registration.objects.filter(hers | Q(submission_key=submission_key) if submission_key else hers)
    rows = list(found.values_list("pk", "event_id", "email", "status", "submission_key"))
    keyed = next((row for row in rows if submission_key and row[4] == submission_key), None)
    same = keyed[0] if keyed is not None and keyed[1:3] == (event_id, email) else None
    existing = next(
        (row[0] for row in rows if row[1:3] == (event_id, email) and row[3] in Registration.ACTIVE), None
    )
    wanted = {pk for pk in (same, existing) if pk is not None}
    whole = Registration.objects.in_bulk(wanted) if wanted else {}
    return whole.get(same), whole.get(existing), keyed is not None and same is None


def _check_choices(workshop_ids: list[int], workshops: dict) -> None:
    """One scheduled workshop per parallel slot, all of this event."""
    slots = set()
    for pk in workshop_ids:
        workshop = workshops.get(pk)
        if (
            workshop is None
            or workshop.is_cancelled
            or not workshop.slot.is_parallel
            or workshop.slot_id in slots
        ):
            raise InvalidChoice()
        slots.add(workshop.slot_id)


def _new(event, applicant, email, decided: _Places, privacy_notice_version, submission_key, user, now):
    """Her registration, not saved yet."""
    consent = applicant.accessibility_consent and bool(applicant.accessibility_needs.strip())
    return Registration(
        event=event,
        user=user,
        status=decided.status,
        name=applicant.name.strip(),
        email=email,
        phone=applicant.phone.strip(),
        language=applicant.language,
        organisation=applicant.organisation.strip(),
        interpreting_language=applicant.interpreting_language,
        interpreting_other=applicant.interpreting_other.strip()
        if applicant.interpreting_language == "other"
        else "",
        # Health-related data is stored only with explicit consent (GDPR Art. 9).
        accessibility_needs=applicant.accessibility_needs.strip() if consent else "",
        accessibility_consent_at=now if consent else None,
        childcare_notes=applicant.childcare_notes.strip() if applicant.child_ages else "",
        privacy_consent_at=now,
        privacy_notice_version=privacy_notice_version,
        submission_key=submission_key,
        waitlisted_at=now if decided.status == Registration.Status.WAITLISTED else None,
        confirm_email_by=decided.confirm_email_by,
    )
