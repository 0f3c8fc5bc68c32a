"""Signing up: one short transaction that decides every place at once."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import ClassVar

from django.utils import timezone

from registrations.errors import InvalidChoice, RegistrationClosed
from registrations.models import Booking, Child, Registration
from registrations.services import notify, places
from registrations.services.history import Action, log
from registrations.services.locking import atomic, lock_childcare_groups, lock_event, lock_workshops
from registrations.services.waitlist import allocate_bookings

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
    An organiser (actor) may register someone, e.g. a walk-in at the door, until the event ends.
    Raises RegistrationClosed, InvalidChoice, ChildcareUnavailable, Busy.
    """
    now = now or timezone.now()
    email = applicant.email.strip().lower()
    with atomic():
        event = lock_event(event_id)
        if submission_key and (same := Registration.objects.filter(submission_key=submission_key).first()):
            return SignupResult(same, created=False)
        walk_in_possible = (
            actor is not None and event.status == event.Status.PUBLISHED and now < event.ends_at
        )
        if event.registration_state(now) != "open" and not walk_in_possible:
            raise RegistrationClosed()
        existing = Registration.objects.filter(
            event=event, email=email, status__in=Registration.ACTIVE
        ).first()
        if existing:
            notify.registration_message(existing, "personal_link", log(existing, Action.LINK_SENT))
            return SignupResult(existing, created=False)

        workshops = lock_workshops(workshop_ids, event_id=event.pk)
        _check_choices(workshop_ids, workshops)
        groups = lock_childcare_groups(event.pk) if applicant.child_ages else []
        need = places.childcare_need(groups, applicant.child_ages) if applicant.child_ages else {}

        gets_place = event.free_seats > 0 and places.childcare_fits(groups, need)
        if not gets_place:
            status = Registration.Status.WAITLISTED
        elif event.requires_email_confirmation:
            status = Registration.Status.PENDING
        else:
            status = Registration.Status.CONFIRMED
        registration = _create(
            event, applicant, email, status, privacy_notice_version, submission_key, user, now
        )
        Child.objects.bulk_create(
            Child(registration=registration, age=age, group=places.group_for_age(groups, age))
            for age in applicant.child_ages
        )
        Booking.objects.bulk_create(
            Booking(
                registration=registration,
                workshop=workshops[pk],
                slot=workshops[pk].slot,
                status=Booking.Status.WAITLISTED,
                waitlisted_at=now,
            )
            for pk in workshop_ids
        )
        if gets_place:
            places.take_event_place(event)
            places.take_childcare(groups, need)
            allocate_bookings(registration, workshops=workshops, now=now)
        entry = log(registration, SIGNUP_OUTCOME[status][0], actor=actor)
        notify.registration_message(registration, SIGNUP_OUTCOME[status][1], entry)
        return SignupResult(registration, created=True)


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


def _create(
    event, applicant, email, status, privacy_notice_version, submission_key, user, now
) -> Registration:
    consent = applicant.accessibility_consent and bool(applicant.accessibility_needs.strip())
    return Registration.objects.create(
        event=event,
        user=user,
        status=status,
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
        waitlisted_at=now if status == Registration.Status.WAITLISTED else None,
        confirm_email_by=now + timedelta(hours=event.email_confirmation_hours)
        if status == Registration.Status.PENDING
        else None,
    )
