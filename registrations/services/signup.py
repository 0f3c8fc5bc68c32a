"""Signing up: one short transaction that decides every place at once."""

import functools
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from django.db import IntegrityError, OperationalError, connection
from django.utils import timezone

from fachtag.models import Event
from registrations import calendar, rows, selectors
from registrations.errors import InvalidChoice, RegistrationClosed
from registrations.models import Booking, Child, MessageText, Registration
from registrations.ratelimit import link_mail_allowed
from registrations.services import notify, places
from registrations.services.history import Action, log, log_many
from registrations.services.locking import (
    atomic,
    lock_childcare_groups,
    lock_event,
    lock_workshops,
    read_childcare_groups,
    read_event,
    read_workshops,
)

# What a new registration's status is recorded as, and which message she gets.
SIGNUP_OUTCOME = {
    Registration.Status.CONFIRMED: (Action.CONFIRMED, "registration_confirmed"),
    Registration.Status.PENDING: (Action.REGISTERED, "confirm_email"),
    Registration.Status.WAITLISTED: (Action.WAITLISTED, "registration_waitlisted"),
}


# Her registrations that _earlier() looks for: the active one for the event (statuses as
# Registration.ACTIVE), or the one this same form made (its submission key).
EARLIER_SQL = """
    SELECT id FROM registrations_registration
    WHERE (event_id = %s AND email = %s AND status IN ('pending', 'confirmed', 'offered', 'waitlisted'))
       OR submission_key = %s"""


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


class _Changed(Exception):
    """What decided her places changed between the first look and the locks."""


@dataclass(frozen=True)
class _Places:
    """What her rows and her message are written from, decided on the event's, workshops' and childcare
    groups' rows: decided before the locks and again under them, and compared."""

    status: str
    seated: tuple[int, ...]  # the chosen workshops with a seat for her, as chosen
    slots: tuple[int, ...]  # each chosen workshop's slot, as chosen
    child_groups: tuple[int, ...]  # each child's childcare group, as given
    confirm_email_by: datetime | None
    event_times: tuple[datetime, datetime]  # in her message and calendar invite

    @property
    def gets_place(self) -> bool:
        return self.status != Registration.Status.WAITLISTED


# A transaction PostgreSQL undid to break a deadlock. Sign-ups that write before locking (the usual way)
# and sign-ups that lock first (their second try) can wait for each other when both insert the same
# address or form at once: one of them is undone, and its next try finds the other's registration.
DEADLOCK = "40P01"
TRIES = 3


def _again_on_conflict(service):
    """Run the service again, with the locks taken first, if its insert met a registration committed since
    its look-up (the same form sent twice at once, or the same address: the next try finds that
    registration), if what decided her places changed before it took the locks, or if PostgreSQL undid it
    to break a deadlock."""

    @functools.wraps(service)
    def wrapper(**kwargs):
        kwargs["now"] = kwargs.get("now") or timezone.now()  # her arrival, the same in every try
        lock_first = kwargs.pop("lock_first", False)
        for attempt in range(TRIES - 1):
            try:
                return service(**kwargs, lock_first=lock_first or attempt > 0)
            except (IntegrityError, _Changed):
                pass
            except OperationalError as exc:
                if getattr(exc.__cause__, "sqlstate", None) != DEADLOCK:
                    raise
        return service(**kwargs, lock_first=True)

    return wrapper


@_again_on_conflict
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
    programme: Event | None = None,
    lock_first: bool = False,
) -> SignupResult:
    """Register her for the event, with one workshop per chosen slot and childcare for her children.

    She gets an event place (and her children their childcare places, together) if all are free,
    otherwise she joins the event's waiting list with them. A chosen workshop without a free seat puts
    her on its waiting list (her registration is never lost for it; she can pick another one meanwhile).
    Arrival order is the time she reached this function, taken before waiting for any lock.
    The same submission key twice returns the first registration; an e-mail address that already
    holds a registration gets its personal link sent again and returns that registration (created=False).
    An organiser (actor) may register someone, e.g. a walk-in at the door, until the event ends.
    `programme` (the event with its slots, workshops and message texts, e.g. the sign-up page's copy, a
    few seconds old at most) spares reading what does not decide a place: only the state, dates and
    counters of the event and workshops are read, onto the programme's copies.

    Every other sign-up waits while one holds the event lock, so it is held for the seat counters only:
    her places are decided on the rows as they are, her rows and message are written, and then the rows
    are locked, read again and her places decided again. Only if that comes out differently (a place taken
    or freed meanwhile, the event changed) is all of it undone and done again with the locks taken first
    (`lock_first`, which a caller may also ask for: always on SQLite, and from where a registration of
    hers is found).
    Raises RegistrationClosed, InvalidChoice, ChildcareUnavailable, Busy.
    """
    now = now or timezone.now()
    email = applicant.email.strip().lower()
    # Read before the transaction what does not decide a place: the organisers' texts.
    texts = {
        text.kind: text
        for text in (
            programme.message_texts.all()
            if programme is not None
            else MessageText.objects.filter(event_id=event_id)
        )
    }
    lock_first = lock_first or connection.vendor != "postgresql"
    with atomic():
        event = lock_event(event_id, onto=programme) if lock_first else None
        # Without the lock: a registration of the same form or address committed after this look-up makes
        # our insert fail, and register() tries again.
        same, existing, key_taken = _earlier(event_id, email, submission_key)
        if same:
            return SignupResult(same, created=False)
        if key_taken:  # someone else's form's key: hers is not opened, and this one registers without it
            submission_key = None
        if existing:  # her link is sent again with the event locked: from here on, locked first
            event, lock_first = event or lock_event(event_id, onto=programme), True
            # Read again under the lock: cancelled or erased meanwhile, it is none.
            existing = Registration.objects.filter(pk=existing.pk, status__in=Registration.ACTIVE).first()
        if existing:
            return _link_again(event, existing, texts, actor, now)
        event = event or read_event(event_id, onto=programme)
        _check_open(event, actor, now)

        copies = selectors.workshops_of(programme) if programme is not None else None
        with_children = bool(applicant.child_ages)
        workshops, groups = _rows(event, workshop_ids, copies, with_children, lock=lock_first)
        decided = _decide(event, workshops, groups, applicant, workshop_ids, now)
        registration = _new(
            event, applicant, email, decided, privacy_notice_version, submission_key, user, now
        )
        _write(registration, [workshops[pk] for pk in workshop_ids], applicant, decided, texts, actor, now)
        if not lock_first:
            lock_event(event.pk, onto=event)
            _check_open(event, actor, now)
            workshops, groups = _rows(event, workshop_ids, workshops, with_children, lock=True)
            if _decide(event, workshops, groups, applicant, workshop_ids, now) != decided:
                raise _Changed()
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
        entry = log(existing, Action.LINK_SENT)
        notify.registration_message(existing, "personal_link", entry, known={"texts": texts})
    return SignupResult(existing, created=False)


def _rows(event: Event, workshop_ids: list[int], onto: dict | None, with_children: bool, *, lock: bool):
    """(her chosen workshops, the event's childcare groups): locked, or as they are."""
    workshops = (lock_workshops if lock else read_workshops)(workshop_ids, event_id=event.pk, onto=onto)
    groups = (lock_childcare_groups if lock else read_childcare_groups)(event.pk) if with_children else []
    return workshops, groups


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
    elif event.requires_email_confirmation:
        status = Registration.Status.PENDING
    else:
        status = Registration.Status.CONFIRMED
    return _Places(
        status=status,
        seated=tuple(pk for pk in workshop_ids if gets_place and places.workshop_has_seat(workshops[pk])),
        slots=tuple(workshops[pk].slot_id for pk in workshop_ids),
        child_groups=child_groups,
        confirm_email_by=now + timedelta(hours=event.email_confirmation_hours)
        if status == Registration.Status.PENDING
        else None,
        event_times=(event.starts_at, event.ends_at),
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
    # Her first calendar invite, made before the insert, which records the calendar state it leaves
    # (one statement fewer than writing it afterwards).
    invite = calendar.invite_update(registration, registration.language, in_slot_order, save=False)
    # The rush's hottest writes: her registration and bookings (and history) in fixed SQL (rows.insert).
    rows.insert([registration])
    Child.objects.bulk_create(
        Child(registration=registration, age=age, group_id=group_id)
        for age, group_id in zip(applicant.child_ages, decided.child_groups, strict=True)
    )
    rows.insert(bookings)
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
    which the client sends, never opens anyone's registration.

    Usually there is neither: one narrow look-up in SQL (a hot statement of the sign-up rush, where the
    ORM's own work was four times the statement's), and the rows are loaded only when there is one.
    """
    key = Registration._meta.get_field("submission_key").get_db_prep_value(submission_key, connection)
    with connection.cursor() as cursor:
        cursor.execute(EARLIER_SQL, [event_id, email, key])
        ids = [pk for (pk,) in cursor.fetchall()]
    # Django sends no query for an empty pk__in, but it still compiles one, on every sign-up.
    found = list(Registration.objects.filter(pk__in=ids)) if ids else []
    keyed = next((r for r in found if submission_key and r.submission_key == submission_key), None)
    same = keyed if keyed is not None and keyed.event_id == event_id and keyed.email == email else None
    existing = next((r for r in found if r.event_id == event_id and r.email == email and r.is_active), None)
    return same, existing, keyed is not None and same is None


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
