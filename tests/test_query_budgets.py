"""Query budgets: every public and every staff page, with 5,000 registrations in the database.

One realistic data set is built once for this module (two Fachtag events and a mediator training series:
bookings, children in childcare groups, waiting lists, offers, cancellations, history, outbox messages,
audit entries, announcements, mediators with replies and attendance). Every page is first measured with
a dozen registrations, then the data set grows to 5,000 (with more mediators, announcements and past
events too) and each test measures its page again:

- the answer is the expected one (200, or the redirect or file the page gives),
- the page makes at most PAGES[...].budget queries,
- and no more than GROWTH_ALLOWANCE queries more than with a dozen registrations (no N+1).

test_every_page_of_the_urlconf_has_a_budget fails for a new URL pattern that is neither in PAGES nor in
NOT_PAGES, so a new page cannot ship without a budget. The same requests prove that no page loads
anything from another origin (PRIV-06).

PDF layout (WeasyPrint) is replaced by a stub here: the templates are still rendered, so every query a
PDF makes is counted, but laying out hundreds of badge pages would take minutes and count nothing.
"""

import fnmatch
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from backoffice.models import Announcement, AuditEntry, EventRole
from fachtag.models import ChildcareGroup, Event, TimeSlot, Workshop
from mediators.models import Enrolment, MediatorProfile, SessionRecord
from mediators.services import invitation_token
from notifications.models import OutboxMessage
from registrations.models import Booking, Child, MessageText, Registration, RegistrationLog
from registrations.tokens import CHECKIN_SALT, CONFIRM_SALT, UNSUBSCRIBE_SALT, make_token
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, mediator_manager

# Every test runs in a transaction of its own, inside the module's (see the `world` fixture).
pytestmark = pytest.mark.django_db

SMALL, LARGE = 12, 5000
# With 5,000 registrations a page may make this many queries more than with a dozen, and no more.
GROWTH_ALLOWANCE = 2
PASSWORD = "budget-password-1"
LANGUAGES = ["de", "ar", "uk", "fa", "en", "tr", "ru", "de-simple"]
INTERPRETING = ["", "", "ar", "uk", "fa", "other"]


# --- The data set --------------------------------------------------------------------------------------


@dataclass
class World:
    """The events, people and sample rows the page addresses are built from."""

    a: Event  # Fachtag with childcare, two parallel slots and a plenary talk
    b: Event  # Fachtag with e-mail confirmation and one parallel slot
    training: Event  # a mediator training series
    users: dict = field(default_factory=dict)
    sample: dict = field(default_factory=dict)  # named registrations, enrolments, sessions
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))


def _programme(event: Event, slots: int, per_slot: int, capacity: int) -> None:
    start = event.starts_at
    TimeSlotFactory(
        event=event,
        kind=TimeSlot.Kind.PLENARY,
        title_de="Begrüßung",
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
    )
    for index in range(slots):
        slot = TimeSlotFactory(
            event=event,
            title_de=f"Workshop-Phase {index + 1}",
            starts_at=start + timedelta(hours=1 + 2 * index),
            ends_at=start + timedelta(hours=2 + 2 * index),
        )
        for position in range(per_slot):
            WorkshopFactory(
                slot=slot, position=position, capacity=capacity, languages=["de", "ar"], speakers="Team"
            )


def _build_base(now) -> World:
    a = EventFactory(slug="budget-a", title_de="Fachtag A", capacity=20000, has_childcare=True)
    b = EventFactory(
        slug="budget-b",
        title_de="Fachtag B",
        capacity=20000,
        requires_email_confirmation=True,
        starts_at=a.starts_at + timedelta(days=30),
    )
    _programme(a, slots=2, per_slot=4, capacity=5000)
    _programme(b, slots=1, per_slot=3, capacity=5000)
    for low, high in [(0, 2), (3, 5), (6, 10)]:
        ChildcareGroup.objects.create(event=a, min_age=low, max_age=high, capacity=5000)
    MessageText.objects.create(event=a, kind=MessageText.Kind.REMINDER, text_de="Eingang Nord")
    MessageText.objects.create(event=a, kind=MessageText.Kind.CONFIRMED, text_de="Willkommen")

    training = EventFactory(
        kind=Event.Kind.TRAINING,
        slug="budget-training",
        title_de="Mittlerinnen-Schulung",
        capacity=60,
        min_sessions_for_certificate=2,
        # Over already: attendance and certificates are for sessions that took place.
        starts_at=now - timedelta(days=60),
        ends_at=now - timedelta(days=10),
    )
    for week in range(4):
        start = training.starts_at + timedelta(days=7 * week)
        slot = TimeSlotFactory(
            event=training, kind=TimeSlot.Kind.PLENARY, starts_at=start, ends_at=start + timedelta(hours=3)
        )
        WorkshopFactory(slot=slot, title_de=f"Sitzung {week + 1}", capacity=None, speakers="Trainerin")

    users = get_user_model().objects
    world = World(a=a, b=b, training=training)
    world.users = {
        "admin": users.create_superuser(email="admin@budget.example", password=PASSWORD),
        # Organiser of event A and, in the organisers' group, of the mediator pool.
        "organiser": mediator_manager("orga@budget.example", password=PASSWORD),
        "door": users.create_user(email="door@budget.example", password=PASSWORD, is_staff=True),
        "participant": users.create_user(email="amal@budget.example", password=PASSWORD),
        "mediator": users.create_user(
            email="mediator@budget.example", password=PASSWORD, first_name="Mona", last_name="Said"
        ),
        "invited": users.create_user(email="invited@budget.example"),  # no password yet
        "unverified": users.create_user(email="new@budget.example", password=PASSWORD),
    }
    for event in (a, b, training):
        EventRole.objects.create(user=world.users["organiser"], event=event, role=EventRole.Role.ORGANISER)
    EventRole.objects.create(user=world.users["door"], event=a, role=EventRole.Role.CHECKIN)
    TOTP.activate(world.users["admin"], generate_totp_secret())  # the administrator signs in with a code
    RecoveryCodes.activate(world.users["admin"])
    for name in ("participant", "mediator"):
        user = world.users[name]
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    EmailAddress.objects.create(
        user=world.users["unverified"], email=world.users["unverified"].email, verified=False, primary=True
    )
    MediatorProfile.objects.create(user=world.users["invited"], invited_at=now)
    profile = MediatorProfile.objects.create(user=world.users["mediator"], languages=["ar"], language="ar")
    world.sample["enrolment"] = _enrol(training, [profile], now)[0]
    world.sample["session"] = Workshop.objects.filter(slot__event=training).first()
    return world


def _enrol(training: Event, profiles: list[MediatorProfile], now) -> list[Enrolment]:
    """Enrolled in every session: replied, and present at the first two (enough for the certificate)."""
    enrolments = Enrolment.objects.bulk_create(Enrolment(event=training, mediator=p) for p in profiles)
    sessions = list(Workshop.objects.filter(slot__event=training).order_by("slot__starts_at"))
    SessionRecord.objects.bulk_create(
        SessionRecord(
            enrolment=enrolment,
            session=session,
            reply=SessionRecord.Reply.ABSENT if (n + index) % 5 == 0 else SessionRecord.Reply.ATTENDING,
            reason="Krank" if (n + index) % 5 == 0 else "",
            replied_at=now,
            attended=(index < 2) if index < 3 else None,
            attendance_recorded_at=now if index < 3 else None,
        )
        for n, enrolment in enumerate(enrolments)
        for index, session in enumerate(sessions)
    )
    return enrolments


def _add_mediators(world: World, count: int, now) -> None:
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            email=f"m{next(world.numbers)}@budget.example", first_name="Mediatorin", last_name=str(n)
        )
        for n in range(count)
    )
    profiles = MediatorProfile.objects.bulk_create(
        MediatorProfile(user=user, languages=["uk", "ru"], language="uk") for user in users
    )
    _enrol(world.training, profiles[: count * 3 // 4], now)


def _add_registrations(world: World, event: Event, count: int, now) -> list[Registration]:
    """`count` registrations of the event in every state, with bookings, children, history and mail."""
    slots = list(event.slots.filter(kind=TimeSlot.Kind.PARALLEL).prefetch_related("workshops"))
    groups = list(event.childcare_groups.all())
    participant_users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"user{next(world.numbers)}@budget.example") for _ in range(count // 25)
    )
    rows = []
    for n in range(count):
        number = next(world.numbers)
        kind = n % 20
        status = Registration.Status.CONFIRMED
        if kind == 0:
            status = Registration.Status.CANCELLED
        elif kind in (1, 2):
            status = Registration.Status.WAITLISTED
        elif kind == 3:
            status = Registration.Status.OFFERED
        elif kind == 4 and event.requires_email_confirmation:
            status = Registration.Status.PENDING
        needs = "Rollstuhl" if n % 9 == 8 else ""
        rows.append(
            Registration(
                event=event,
                user=participant_users[n // 25] if n % 25 == 0 and n // 25 < len(participant_users) else None,
                status=status,
                name=f"Teilnehmerin {number}",
                email=f"p{number}@budget.example",
                phone="0341 123456" if number % 3 else "",
                language=LANGUAGES[number % len(LANGUAGES)],
                organisation="Jobcenter" if number % 4 else "",
                interpreting_language=INTERPRETING[number % len(INTERPRETING)],
                interpreting_other="Amharisch" if INTERPRETING[number % len(INTERPRETING)] == "other" else "",
                accessibility_needs=needs,
                accessibility_consent_at=now if needs else None,
                privacy_consent_at=now,
                privacy_notice_version="2026-11-26",
                waitlisted_at=now if status == Registration.Status.WAITLISTED else None,
                offer_expires_at=now + timedelta(days=2) if status == Registration.Status.OFFERED else None,
                confirm_email_by=now + timedelta(days=1) if status == Registration.Status.PENDING else None,
                checked_in_at=now if status == Registration.Status.CONFIRMED and n % 10 == 5 else None,
            )
        )
    registrations = Registration.objects.bulk_create(rows)

    booking_status = {
        Registration.Status.CANCELLED: Booking.Status.CANCELLED,
        Registration.Status.WAITLISTED: Booking.Status.WAITLISTED,
        Registration.Status.OFFERED: Booking.Status.WAITLISTED,
    }
    bookings, children, log, mail = [], [], [], []
    for n, registration in enumerate(registrations):
        number = int(registration.name.rsplit(" ", 1)[1])
        status = booking_status.get(registration.status, Booking.Status.CONFIRMED)
        for index, slot in enumerate(slots):
            workshops = slot.workshops.all()
            workshop = workshops[(number + index) % len(workshops)]
            bookings.append(
                Booking(
                    registration=registration,
                    workshop=workshop,
                    slot=slot,
                    status=status,
                    waitlisted_at=now if status == Booking.Status.WAITLISTED else None,
                )
            )
            if status == Booking.Status.CONFIRMED and n % 7 == 6 and index == 0:
                # A seat in one workshop and a place on the waiting list of another in the same slot.
                bookings.append(
                    Booking(
                        registration=registration,
                        workshop=workshops[(number + 1) % len(workshops)],
                        slot=slot,
                        status=Booking.Status.WAITLISTED,
                        waitlisted_at=now,
                    )
                )
        if groups and n % 4 == 0:
            for age in [n % 11, (n + 4) % 11][: 1 + n % 8 // 4]:
                group = next(g for g in groups if g.min_age <= age <= g.max_age)
                children.append(Child(registration=registration, age=age, group=group))
        log.append(RegistrationLog(registration=registration, action=RegistrationLog.Action.REGISTERED))
        if registration.status == Registration.Status.CANCELLED:
            log.append(RegistrationLog(registration=registration, action=RegistrationLog.Action.CANCELLED))
        mail.append(
            OutboxMessage(
                key=f"budget:{registration.uuid.hex}:confirmed",
                kind="registration_confirmed",
                to=registration.email,
                language=registration.language,
                context={"name": registration.name},
                sent_at=now if number % 50 else None,
                attempts=1,
            )
        )
    Booking.objects.bulk_create(bookings)
    Child.objects.bulk_create(children)
    RegistrationLog.objects.bulk_create(log)
    OutboxMessage.objects.bulk_create(mail)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=world.users["organiser"], action="view_registration", event=event, registration_id=r.pk
        )
        for r in registrations[::10]
    )
    return registrations


def _announce(world: World, event: Event, count: int) -> None:
    for _ in range(count):
        number = next(world.numbers)
        announcement = Announcement.objects.create(
            event=event,
            audience=Announcement.Audience.EVERYONE,
            subject=f"Hinweis {number}",
            body="Der Eingang ist im Norden.",
            translations={"ar": {"subject": "ملاحظة", "body": "المدخل في الشمال."}},
            created_by=world.users["organiser"],
            workshop=Workshop.objects.filter(slot__event=event).first(),
        )
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                key=f"announcement:{announcement.pk}:{n}",
                group=f"announcement:{announcement.pk}",
                kind="announcement",
                to=f"p{n}@budget.example",
                language="de",
                sent_at=timezone.now() if n % 3 else None,
            )
            for n in range(20)
        )


def _sync_counters(*events: Event) -> None:
    """Seat counters as the services would have kept them."""
    for event in events:
        Event.objects.filter(pk=event.pk).update(
            seats_taken=Registration.objects.filter(event=event, status__in=Registration.HOLDING).count()
        )
    for workshop in Workshop.objects.filter(slot__event__in=events):
        Workshop.objects.filter(pk=workshop.pk).update(
            seats_taken=workshop.bookings.filter(status__in=Booking.HOLDING).count()
        )
    for group in ChildcareGroup.objects.filter(event__in=events):
        ChildcareGroup.objects.filter(pk=group.pk).update(
            seats_taken=group.children.filter(registration__status__in=Registration.HOLDING).count()
        )


def _samples(world: World, now) -> None:
    """The registrations whose personal links and staff pages are measured (part of the small data set)."""
    confirmed = Registration.objects.filter(status=Registration.Status.CONFIRMED)
    sample = confirmed.filter(event=world.a, children__isnull=False).first()
    elsewhere = confirmed.filter(event=world.b).first()
    participant = world.users["participant"]  # her account holds both ("My registrations")
    Registration.objects.filter(pk__in=[sample.pk, elsewhere.pk]).update(
        user=participant, email=participant.email
    )
    Registration.objects.filter(pk=sample.pk).update(checked_in_at=now)
    world.sample.update(
        registration=Registration.objects.get(pk=sample.pk),
        offered=Registration.objects.filter(event=world.a, status=Registration.Status.OFFERED).first(),
        pending=Registration.objects.filter(event=world.b, status=Registration.Status.PENDING).first(),
    )
    assert None not in world.sample.values()


def _past_event(world: World, kind: str, year: int) -> None:
    event = EventFactory(
        kind=kind,
        slug=f"{kind}-{2020 + year}",
        status=Event.Status.PUBLISHED,
        starts_at=world.a.starts_at.replace(year=2020 + year),
        min_sessions_for_certificate=2 if kind == Event.Kind.TRAINING else None,
    )
    WorkshopFactory(slot=TimeSlotFactory(event=event))
    role = EventRole.Role.ORGANISER if year % 2 else EventRole.Role.CHECKIN
    EventRole.objects.create(user=world.users["organiser"], event=event, role=role)


def _grow(world: World, now) -> None:
    """From ten registrations to 5,000, with more of everything else."""
    existing = Registration.objects.count()
    _add_registrations(world, world.a, (LARGE - existing) * 7 // 10, now)
    _add_registrations(world, world.b, LARGE - Registration.objects.count(), now)
    _add_mediators(world, 60, now)
    _announce(world, world.a, 6)
    # Past years' events stay in the database: five Fachtage and two training series more.
    for year in range(5):
        _past_event(world, Event.Kind.FACHTAG, year)
    for year in range(2):
        _past_event(world, Event.Kind.TRAINING, year)
    _sync_counters(world.a, world.b)
    assert Registration.objects.count() == LARGE


# --- The pages and their budgets ---------------------------------------------------------------------


def _url(name: str, **kwargs) -> Callable[[World], str]:
    """The address of a named page; kwargs may be callables of the world (slugs, tokens, ids)."""

    def build(world: World) -> str:
        return reverse(name, kwargs={k: v(world) if callable(v) else v for k, v in kwargs.items()})

    return build


def A(world):  # noqa: N802 - reads like the event's name in the table
    return world.a.slug


def TRAINING(world):  # noqa: N802
    return world.training.slug


def REG(world):  # noqa: N802
    return world.sample["registration"].pk


def TOKEN(world):  # noqa: N802
    return make_token(world.sample["registration"])


@dataclass(frozen=True)
class Page:
    budget: int
    url: Callable[[World], str]
    user: str | None = None  # a key of World.users; None: not logged in
    status: int = 200
    method: str = "get"
    data: Callable[[World], dict] | None = None


def _admin(model, view="changelist", budget=0, obj=None) -> tuple[str, Page]:
    meta = model._meta
    name = f"admin:{meta.app_label}_{meta.model_name}_{view}"

    def url(world):
        if view == "change":
            target = obj(world) if obj else model.objects.order_by("pk").first()
            return reverse(name, args=[target.pk])
        return reverse(name)

    return name if view == "changelist" else f"{name} {model.__name__.lower()}", Page(budget, url, "admin")


# One row per page: "<url name>[ <variant>]": Page(budget, address, who, expected status, method, data).
# Each budget is what the page made when it was written down plus 2: room for a small change, none for N+1.
PAGES: dict[str, Page] = {
    # Public programme and legal pages.
    "fachtag:home": Page(3, _url("fachtag:home")),
    "fachtag:event": Page(5, _url("fachtag:event", slug=A)),
    "fachtag:event training": Page(5, _url("fachtag:event", slug=TRAINING)),
    "pages:privacy": Page(2, _url("pages:privacy")),
    "pages:accessibility": Page(2, _url("pages:accessibility")),
    "pages:imprint": Page(2, _url("pages:imprint")),
    # Sign-up and self-service by personal link.
    "registrations:signup": Page(6, _url("registrations:signup", slug=A)),
    "registrations:signup logged-in": Page(9, _url("registrations:signup", slug=A), user="participant"),
    "registrations:signup confirmation": Page(6, _url("registrations:signup", slug=lambda w: w.b.slug)),
    "registrations:manage": Page(7, _url("registrations:manage", token=TOKEN)),
    "registrations:done": Page(7, _url("registrations:done", token=TOKEN)),
    "registrations:calendar": Page(4, _url("registrations:calendar", token=TOKEN)),
    "registrations:qr": Page(3, _url("registrations:qr", token=TOKEN)),
    "registrations:cancel": Page(3, _url("registrations:cancel", token=TOKEN)),
    "registrations:change_workshops": Page(10, _url("registrations:change_workshops", token=TOKEN)),
    "registrations:change_childcare": Page(5, _url("registrations:change_childcare", token=TOKEN)),
    "registrations:download_data": Page(7, _url("registrations:download_data", token=TOKEN)),
    "registrations:manage offered": Page(
        7, _url("registrations:manage", token=lambda w: make_token(w.sample["offered"]))
    ),
    # The page her offer mail's button opens: one button that takes the place (a GET changes nothing).
    "registrations:offer": Page(
        4, _url("registrations:offer", token=lambda w: make_token(w.sample["offered"]))
    ),
    # The button on the offer page and on her page (POST only): she takes the place.
    "registrations:accept_offer": Page(
        28,
        _url("registrations:accept_offer", token=lambda w: make_token(w.sample["offered"])),
        status=302,
        method="post",
    ),
    "registrations:unsubscribe": Page(
        3,
        _url(
            "registrations:unsubscribe",
            token=lambda w: make_token(w.sample["registration"], salt=UNSUBSCRIBE_SALT),
        ),
    ),
    "registrations:confirm_email": Page(
        4,
        _url(
            "registrations:confirm_email", token=lambda w: make_token(w.sample["pending"], salt=CONFIRM_SALT)
        ),
    ),
    "registrations:mine": Page(6, _url("registrations:mine"), user="participant"),
    "registrations:resend_link": Page(2, _url("registrations:resend_link")),
    "registrations:link_sent": Page(2, _url("registrations:link_sent")),
    # Accounts (django-allauth, our templates): the pages a participant, organiser or mediator sees.
    "account_login": Page(3, _url("account_login")),
    "account_signup": Page(3, _url("account_signup")),
    "account_logout": Page(5, _url("account_logout"), user="participant"),
    "account_inactive": Page(3, _url("account_inactive")),
    # allauth looks up each kind of second factor she might confirm with instead (three queries).
    "account_reauthenticate": Page(9, _url("account_reauthenticate"), user="participant"),
    "account_email": Page(7, _url("account_email"), user="participant"),
    "account_email_verification_sent": Page(3, _url("account_email_verification_sent")),
    "account_change_password": Page(5, _url("account_change_password"), user="participant"),
    # She has a password already: on to "change password".
    "account_set_password": Page(4, _url("account_set_password"), user="participant", status=302),
    "account_reset_password": Page(3, _url("account_reset_password")),
    "account_reset_password_done": Page(3, _url("account_reset_password_done")),
    "account_reset_password_from_key": Page(
        9,
        lambda w: reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(w.users["participant"]),
                "key": default_token_generator.make_token(w.users["participant"]),
            },
        ),
        status=302,  # the key moves into the session; the next page has a key-free address
    ),
    "account_reset_password_from_key_done": Page(3, _url("account_reset_password_from_key_done")),
    "account_confirm_email": Page(
        6,
        lambda w: reverse(
            "account_confirm_email",
            kwargs={"key": EmailConfirmationHMAC(EmailAddress.objects.get(user=w.users["unverified"])).key},
        ),
    ),
    # Two-factor sign-in (allauth MFA) for staff accounts. Managing it asks for the password again first
    # (the budget harness signs in without it): those pages answer with that redirect.
    "mfa_index": Page(5, _url("mfa_index"), user="admin"),
    "mfa_authenticate": Page(0, _url("mfa_authenticate"), status=302),  # only after the password step
    "mfa_reauthenticate": Page(9, _url("mfa_reauthenticate"), user="admin"),
    "mfa_activate_totp": Page(9, _url("mfa_activate_totp"), user="organiser", status=302),
    "mfa_deactivate_totp": Page(10, _url("mfa_deactivate_totp"), user="admin", status=302),
    "mfa_view_recovery_codes": Page(9, _url("mfa_view_recovery_codes"), user="admin", status=302),
    "mfa_generate_recovery_codes": Page(8, _url("mfa_generate_recovery_codes"), user="admin", status=302),
    "mfa_download_recovery_codes": Page(9, _url("mfa_download_recovery_codes"), user="admin", status=302),
    # Mediators' portal.
    "mediators:invitation": Page(
        3, _url("mediators:invitation", token=lambda w: invitation_token(w.users["invited"]))
    ),
    "mediators:portal": Page(7, _url("mediators:portal"), user="mediator"),
    "mediators:profile": Page(5, _url("mediators:profile"), user="mediator"),
    "mediators:certificate": Page(
        8, _url("mediators:certificate", enrolment_id=lambda w: w.sample["enrolment"].pk), user="mediator"
    ),
    "mediators:feed": Page(
        4, _url("mediators:feed", token=lambda w: w.sample["enrolment"].mediator.feed_token)
    ),
    # Back office (an organiser of the events).
    # +2 since the mail queue page: whether she may send failed messages again (her and her groups' permissions).
    "backoffice:index": Page(9, _url("backoffice:index"), user="organiser"),
    # The mail queue (a global administrator): figures and failed messages in one query each; sending them again
    # (none fail here: 4; with failed ones, + the update and the lanes read of the hand-over).
    "backoffice:mail_queue": Page(5, _url("backoffice:mail_queue"), user="admin"),
    "backoffice:mail_resend": Page(
        6, _url("backoffice:mail_resend"), user="admin", status=302, method="post"
    ),
    "backoffice:dashboard": Page(14, _url("backoffice:dashboard", slug=A), user="organiser"),
    "backoffice:participants": Page(11, _url("backoffice:participants", slug=A), user="organiser"),
    "backoffice:participants filtered": Page(
        11,
        lambda w: (
            reverse("backoffice:participants", kwargs={"slug": w.a.slug})
            + f"?workshop={w.sample['registration'].bookings.first().workshop_id}&childcare=yes&page=2"
        ),
        user="organiser",
    ),
    "backoffice:registration": Page(
        14, _url("backoffice:registration", slug=A, registration_id=REG), user="organiser"
    ),
    "backoffice:privacy_export": Page(
        16, _url("backoffice:privacy_export", slug=A, registration_id=REG), user="organiser"
    ),
    "backoffice:privacy_erase": Page(
        9, _url("backoffice:privacy_erase", slug=A, registration_id=REG), user="organiser"
    ),
    # H4: editing a registration (the sorted participant list: tests/backoffice/test_participant_list.py).
    "backoffice:registration_edit": Page(
        8, _url("backoffice:registration_edit", slug=A, registration_id=REG), user="organiser"
    ),
    "backoffice:participants sorted": Page(
        11,
        lambda w: reverse("backoffice:participants", kwargs={"slug": w.a.slug}) + "?sort=-language&page=3",
        user="organiser",
    ),
    "backoffice:capacity": Page(8, _url("backoffice:capacity", slug=A), user="organiser"),
    "backoffice:walk_in": Page(11, _url("backoffice:walk_in", slug=A), user="organiser"),
    "backoffice:announcements": Page(10, _url("backoffice:announcements", slug=A), user="organiser"),
    # Check-in at the door.
    "backoffice-checkin:index": Page(8, _url("backoffice-checkin:index", slug=A), user="door"),
    "backoffice-checkin:index search": Page(
        9,
        lambda w: reverse("backoffice-checkin:index", kwargs={"slug": w.a.slug}) + "?q=Teilnehmerin",
        user="door",
    ),
    # The scanned QR code (POST): she is checked in and the result page is shown.
    "backoffice-checkin:code": Page(
        21,
        _url("backoffice-checkin:code", slug=A),
        user="door",
        method="post",
        data=lambda w: {"code": make_token(w.sample["offered"], salt=CHECKIN_SALT)},
    ),
    "backoffice-checkin:registration": Page(
        10, _url("backoffice-checkin:registration", slug=A, registration_id=REG), user="door"
    ),
    "backoffice-checkin:certificate": Page(
        8, _url("backoffice-checkin:certificate", slug=A, registration_id=REG), user="door"
    ),
    # Exports.
    "backoffice-exports:index": Page(8, _url("backoffice-exports:index", slug=A), user="organiser"),
    "backoffice-exports:participants_csv": Page(
        9, _url("backoffice-exports:participants_csv", slug=A), user="organiser"
    ),
    "backoffice-exports:participants_csv workshop": Page(
        10,
        lambda w: (
            reverse("backoffice-exports:participants_csv", kwargs={"slug": w.a.slug})
            + f"?workshop={Workshop.objects.filter(slot__event=w.a, slot__kind='parallel').first().pk}"
        ),
        user="organiser",
    ),
    "backoffice-exports:participants_xlsx": Page(
        9, _url("backoffice-exports:participants_xlsx", slug=A), user="organiser"
    ),
    "backoffice-exports:childcare_csv": Page(
        7, _url("backoffice-exports:childcare_csv", slug=A), user="organiser"
    ),
    "backoffice-exports:childcare_xlsx": Page(
        7, _url("backoffice-exports:childcare_xlsx", slug=A), user="organiser"
    ),
    "backoffice-exports:interpreting_csv": Page(
        9, _url("backoffice-exports:interpreting_csv", slug=A), user="organiser"
    ),
    "backoffice-exports:interpreting_xlsx": Page(
        9, _url("backoffice-exports:interpreting_xlsx", slug=A), user="organiser"
    ),
    "backoffice-exports:attendance_pdf": Page(
        8, _url("backoffice-exports:attendance_pdf", slug=A), user="organiser"
    ),
    "backoffice-exports:badges_pdf": Page(7, _url("backoffice-exports:badges_pdf", slug=A), user="organiser"),
    # Mediators, for organisers.
    "mediators-staff:pool": Page(7, _url("mediators-staff:pool"), user="organiser"),
    "mediators-staff:series": Page(10, _url("mediators-staff:series", slug=TRAINING), user="organiser"),
    "mediators-staff:attendance": Page(
        9,
        _url("mediators-staff:attendance", slug=TRAINING, session_id=lambda w: w.sample["session"].pk),
        user="organiser",
    ),
    # The Django admin (a global administrator): its start page, every list, and the change pages.
    "admin:index": Page(5, _url("admin:index"), user="admin"),
    **dict(
        [
            _admin(get_user_model(), budget=8),
            _admin(EmailAddress, budget=7),
            _admin(Registration, budget=8),
            _admin(Event, budget=9),
            _admin(TimeSlot, budget=8),
            _admin(Workshop, budget=9),
            _admin(OutboxMessage, budget=8),
            _admin(MediatorProfile, budget=7),
            _admin(Enrolment, budget=8),
            _admin(EventRole, budget=8),
            _admin(AuditEntry, budget=9),
            _admin(Announcement, budget=8),
            _admin(Authenticator, budget=5),
        ]
    ),
    **dict(
        [
            _admin(Registration, "change", 13, obj=lambda w: w.sample["registration"]),
            _admin(Event, "change", 9, obj=lambda w: w.a),
            _admin(TimeSlot, "change", 8, obj=lambda w: w.a.slots.filter(kind="parallel").first()),
            _admin(Workshop, "change", 7, obj=lambda w: Workshop.objects.filter(slot__event=w.a).first()),
            _admin(get_user_model(), "change", 10, obj=lambda w: w.users["participant"]),
            _admin(MediatorProfile, "change", 8, obj=lambda w: w.sample["enrolment"].mediator),
            _admin(Enrolment, "change", 12, obj=lambda w: w.sample["enrolment"]),
            _admin(EventRole, "change", 10),
            _admin(Announcement, "change", 9),
            _admin(OutboxMessage, "change", 6),
        ]
    ),
    # Importing mediators from a file (#24, H8): the upload form.
    "mediators-staff:import": Page(5, _url("mediators-staff:import"), user="organiser"),
    # The door (#24, H6): a walk-in's code on screen; undoing a check-in (POST, the result page shown).
    "backoffice:walk_in_done": Page(
        8, _url("backoffice:walk_in_done", slug=A, registration_id=REG), user="organiser"
    ),
    "backoffice-checkin:undo": Page(
        20,
        _url("backoffice-checkin:undo", slug=A, registration_id=REG),
        user="door",
        method="post",
        data=lambda w: {},
    ),
}

# URL patterns that are not pages with a budget of their own, each with the reason.
NOT_PAGES = {
    "set_language": "POST-only language switch (redirect)",
    "backoffice:language": "POST-only switch of the back office's language (redirect)",
    "backoffice:cancel": "POST-only staff action (redirect to the registration page)",
    "backoffice:confirm": "POST-only staff action",
    "backoffice:confirm_wish": "POST-only staff action",
    "backoffice:move": "POST-only staff action",
    "backoffice:replace_links": "POST-only staff action",
    "mediators:reply": "POST-only (her reply, then back to the portal)",
    "mediators:renew_feed": "POST-only",
    "mediators-staff:set_active": "POST-only staff action",
    "account_confirm_login_code": "login by code is switched off (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
    # The programme on one page (#23, H2): its budget at 5,000 registrations is held in
    # tests/backoffice/test_programme_editor.py; the other addresses take its forms' POSTs (or confirm one).
    "backoffice:programme*": "tests/backoffice/test_programme_editor.py (page); its forms' POST targets",
    # The admin's own machinery; its start page, every list and the change pages are budgeted above.
    "admin:*_add": "add forms: empty forms, no data shown",
    "admin:*_delete": "delete confirmations: nobody deletes registrations there",
    "admin:*_history": "Django's change history of one object",
    "admin:login": "redirects to allauth's login",
    "admin:logout": "POST-only",
    "admin:password_change*": "Django's own password pages",
    "admin:autocomplete": "JSON for autocomplete fields",
    "admin:jsi18n": "JavaScript catalogue",
    "admin:view_on_site": "redirect",
    "admin:app_list": "an app's model list (the index, filtered)",
    "admin:None": "the admin's catch-all and the bare-object-id redirect",
    "admin:auth_group_*": "groups are not used",
    "admin:sites_site_*": "the one Site row",
    "admin:*_change": "change pages of the remaining models (budgeted: see PAGES)",
    # Setting events up (#23, H1): budgeted with 5,000 registrations in tests/backoffice/test_setup.py.
    "backoffice:event_new": "budget in tests/backoffice/test_setup.py",
    "backoffice:event_copy": "budget in tests/backoffice/test_setup.py",
    "backoffice:event_settings": "budget in tests/backoffice/test_setup.py",
    # Getting an event ready (#23, H3): budgeted with 5,000 registrations in tests/backoffice/test_checklist.py.
    "backoffice:translations*": "budget in tests/backoffice/test_checklist.py",
    "backoffice:publish": "budget in tests/backoffice/test_checklist.py",
    "backoffice:preview": "budget in tests/backoffice/test_checklist.py",
    # Importing mediators from a file (#24, H8): the preview needs an upload in the session; its budget
    # (500 rows) is held in tests/mediators/test_import.py.
    "mediators-staff:import_preview": "tests/mediators/test_import.py::test_the_preview_of_500_rows_keeps_its_query_budget",
    # Mail previews (#24, H9): sample data only, no event or person is read; the budget is in its own test.
    "backoffice:mail_preview*": "budget in tests/backoffice/test_mail_previews.py",
    # Feedback (#25, H10): her form and her change page; budgets in tests/feedback/test_feedback.py.
    "feedback:*": "tests/feedback/test_feedback.py::test_her_form_and_her_change_page_keep_their_query_budget",
    # The report (#25, H11): its own budget at 5,000 registrations.
    "backoffice:report*": "tests/backoffice/test_report.py::test_a_fixed_number_of_queries_at_5000_registrations",
    # H14 (#25): the dashboard's interpreting buttons (POST only) and the feedback survey's page, budgeted
    # at 5,000 registrations in its own test.
    "backoffice:interpreter": "POST-only staff action (back to the dashboard)",
    "backoffice:feedback_window": "tests/backoffice/test_interpreting_feedback.py::test_the_survey_page_keeps_its_query_budget",
    # The mediators' survey (#25, H13): needs a series that has ended with an open survey; its own budget.
    "mediators:feedback": "tests/mediators/test_series_feedback.py::test_her_feedback_page_keeps_its_query_budget",
}


# --- Measuring -----------------------------------------------------------------------------------------


class StubHTML:
    """WeasyPrint's HTML, without the layout: the rendered template is all a query count needs."""

    def __init__(self, string: str = "", **kwargs):
        self.string = string

    def write_pdf(self) -> bytes:
        return b"%PDF-1.7 " + str(len(self.string)).encode()


class ResourceFinder(HTMLParser):
    """Every address a browser would load (or send a form to) from a page: scripts, styles, images,
    frames, media, fonts and icons via <link>, form targets, and url(...) in inline styles."""

    LOADS = {
        "script": ("src",),
        "link": ("href",),
        "img": ("src", "srcset"),
        "iframe": ("src",),
        "frame": ("src",),
        "source": ("src", "srcset"),
        "video": ("src", "poster"),
        "audio": ("src",),
        "track": ("src",),
        "embed": ("src",),
        "object": ("data",),
        "form": ("action",),
        "input": ("src", "formaction"),
        "button": ("formaction",),
    }

    def __init__(self):
        super().__init__()
        self.addresses = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and name in self.LOADS.get(tag, ()):
                self.addresses += [part.split()[0] for part in value.split(",") if part.strip()]
            if value and name == "style":
                self.addresses += re.findall(r"url\(['\"]?([^'\")]+)", value)

    def handle_data(self, data):
        if self.lasttag == "style":
            self.addresses += re.findall(r"url\(['\"]?([^'\")]+)", data)
            self.addresses += re.findall(r"@import\s+['\"]([^'\"]+)", data)


def foreign_addresses(response) -> list[str]:
    """What an HTML page would load from another origin (an absolute address to another host)."""
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return []
    finder = ResourceFinder()
    finder.feed(response.content.decode())
    own = {"", "testserver"}
    return [
        address
        for address in finder.addresses
        if not address.startswith(("data:", "#")) and urlsplit(address).netloc not in own
    ]


@dataclass
class Measurement:
    status: int
    queries: list[str]
    foreign: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.queries)


def measure(world: World, page: Page) -> Measurement:
    """One request, its queries counted; whatever it changes is rolled back."""
    url = page.url(world)
    data = page.data(world) if page.data else {}
    client = world.clients[page.user]
    # Only the cookies she had when logged in: nothing one page set may change what the next one costs.
    client.cookies = SimpleCookie(world.cookies[page.user])
    # Rate limits, and nothing cached may hide a query: not in the cache, not in Django's per-process caches.
    cache.clear()
    Site.objects.clear_cache()
    ContentType.objects.clear_cache()
    # The data set's events are in 2099: the door is open for check-in now, so a check-in is measured whole.
    with transaction.atomic(), override_settings(CHECKIN_OPENS_HOURS_BEFORE=24 * 365 * 100):
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, page.method)(url, data)
            if response.streaming:
                b"".join(response.streaming_content)
        transaction.set_rollback(True)
    translation.activate("de")
    return Measurement(
        response.status_code,
        [query["sql"] for query in captured.captured_queries],
        foreign_addresses(response),
    )


def _clients(world: World) -> dict:
    clients = {None: Client()}
    for name, user in world.users.items():
        clients[name] = Client()
        clients[name].force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    world.cookies = {
        name: {key: morsel.value for key, morsel in client.cookies.items()}
        for name, client in clients.items()
    }
    return clients


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The data set, built once for the module inside a transaction that is rolled back at its end.

    Every page is measured with a dozen registrations, then the data set grows to 5,000 registrations for
    the tests.
    """
    from fachtag import pdf

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "HTML", StubHTML)
        with transaction.atomic():
            translation.activate("de")
            now = timezone.now()
            built = _build_base(now)
            _add_registrations(built, built.a, 6, now)
            _add_registrations(built, built.b, 6, now)
            _add_mediators(built, 2, now)
            _announce(built, built.a, 1)
            _sync_counters(built.a, built.b)
            _samples(built, now)
            assert Registration.objects.count() == SMALL
            built.clients = _clients(built)
            built.small = {key: measure(built, page) for key, page in PAGES.items()}
            _grow(built, now)
            # Check the deferred foreign keys of the rows written so far once, here: otherwise each test's
            # teardown (Django's TestCase checks constraints before its rollback) would check them all again.
            connection.check_constraints()
            yield built
            transaction.set_rollback(True)


def _explain(key: str, result: Measurement, small: Measurement) -> str:
    listing = "\n".join(f"  {n}. {sql[:300]}" for n, sql in enumerate(result.queries, 1))
    return (
        f"{key}: {len(result)} queries with {LARGE} registrations, {len(small)} with {SMALL} "
        f"(budget {PAGES[key].budget})\n{listing}"
    )


@pytest.mark.parametrize("key", PAGES)
def test_page_stays_within_its_query_budget_with_5000_registrations(world, key):
    page = PAGES[key]
    result, small = measure(world, page), world.small[key]
    assert (small.status, result.status) == (page.status, page.status), key
    assert len(result) <= page.budget, _explain(key, result, small)
    assert len(result) <= len(small) + GROWTH_ALLOWANCE, _explain(key, result, small)


@pytest.mark.parametrize("key", PAGES)
def test_no_page_loads_anything_from_another_origin(world, key):
    """PRIV-06: no CDN, font, tracker or embed; the Content-Security-Policy backs this up in the browser."""
    assert world.small[key].foreign == [], key


def test_the_origin_check_finds_what_a_page_would_load_from_elsewhere():
    from django.http import HttpResponse

    page = HttpResponse(
        '<link rel="stylesheet" href="https://cdn.example.com/kern.css"><script src="/static/app.js"></script>'
        '<img srcset="//tracker.example.net/p.gif 1x, /static/logo.png 2x"><div style="background:url(https://x.test/a.png)">'
        '<form action="https://forms.example.org/"></form><a href="https://www.example.org/">a link is fine</a>'
    )
    assert foreign_addresses(page) == [
        "https://cdn.example.com/kern.css",
        "//tracker.example.net/p.gif",
        "https://x.test/a.png",
        "https://forms.example.org/",
    ]


def _url_names(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from _url_names(
                pattern.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner or namespace
            )
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_every_page_of_the_urlconf_has_a_budget():
    names = set(_url_names(get_resolver().url_patterns))
    budgeted = {key.split(" ")[0] for key in PAGES}
    excluded = {name for name in names if any(fnmatch.fnmatchcase(name, rule) for rule in NOT_PAGES)}
    assert sorted(names - budgeted - excluded) == []
    # The table names only real pages, and every exclusion still excludes something.
    assert sorted(budgeted - names) == []
    assert [rule for rule in NOT_PAGES if not fnmatch.filter(names, rule)] == []


def test_the_data_set_is_the_one_promised(world):
    assert Registration.objects.count() == LARGE
    assert set(Registration.objects.values_list("event", flat=True)) == {world.a.pk, world.b.pk}
    statuses = set(Registration.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in Registration.Status} - {Registration.Status.EXPIRED}
    assert Booking.objects.filter(status=Booking.Status.WAITLISTED).count() > 500
    assert Child.objects.count() > 800
    assert OutboxMessage.objects.count() > LARGE
    assert SessionRecord.objects.filter(attended=True).count() > 50
