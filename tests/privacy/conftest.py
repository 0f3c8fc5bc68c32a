import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from backoffice import announcements
from backoffice import selectors as figures
from backoffice.models import Announcement, EventRole
from fachtag.models import ChildcareGroup
from registrations.models import Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up

# What identifies the people in the populated event: none of it may survive anonymisation anywhere.
PEOPLE = [
    {
        "name": "Yasmin Okonkwo-Privat",
        "email": "yasmin.privat@example.org",
        "phone": "+49 341 5550101",
        "organisation": "Frauenzentrum Privatstraße",
        "interpreting_language": "ar",
        "accessibility_needs": "Rollstuhl-Zugang Privatvermerk",
        "accessibility_consent": True,
        "child_ages": [1, 4],
        "childcare_notes": "Allergie Privatnotiz",
    },
    {
        "name": "Олена Приватна",
        "email": "olena.privat@example.org",
        "phone": "+49 341 5550202",
        "interpreting_language": "other",
        "interpreting_other": "Kurmandschi-Privatwunsch",
        "child_ages": [3],
    },
    {"name": "Mai Nguyen-Privat", "email": "mai.privat@example.org", "organisation": "Jobcenter Privatweg"},
    {"name": "Amal Warteliste-Privat", "email": "amal.privat@example.org", "interpreting_language": "fa"},
]
SENSITIVE = ["Rollstuhl-Zugang Privatvermerk", "Allergie Privatnotiz", "Kurmandschi-Privatwunsch"]


def identifying_strings() -> list[str]:
    strings = {value for person in PEOPLE for key, value in person.items() if isinstance(value, str)}
    strings -= {"ar", "fa", "other"}  # choices kept for the figures, not identifying
    return sorted(strings)


def tables_containing(strings) -> dict[str, list[str]]:
    """Every model row (all tables, every concrete field, JSON included) that contains one of the strings."""
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        for row in model._base_manager.all():
            for field in fields:
                text = json.dumps(field.value_from_object(row), default=str, ensure_ascii=False).lower()
                hits = [s for s in strings if s.lower() in text]
                if hits:
                    found.setdefault(f"{model._meta.label}.{field.name}", []).extend(hits)
    return found


def dashboard(event) -> dict:
    """The figures organisers see, in comparable form."""
    per_language, per_workshop = figures.interpreting_figures(event)
    return {
        "status": figures.status_counts(event),
        "workshops": [
            (w.pk, w.confirmed, w.waiting, w.offers, w.checked_in) for w in figures.workshop_figures(event)
        ],
        "childcare": [(g.pk, g.requested, g.waiting) for g in figures.childcare_figures(event)],
        "per_language": per_language,
        "per_workshop": per_workshop,
        "days": figures.signups_per_day(event),
    }


def database_dump() -> list:
    return [
        (
            model._meta.label,
            [
                [f.value_from_object(row) for f in model._meta.concrete_fields]
                for row in model._base_manager.order_by("pk")
            ],
        )
        for model in apps.get_models()
    ]


@pytest.fixture
def populated(db):
    """An event with childcare, two workshops (one full with a waiting list), four people, a check-in,
    an announcement to everyone, and an organiser; plus another event with one person."""
    event = EventFactory(slug="retention", capacity=3, has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=2, capacity=5)
    ChildcareGroup.objects.create(event=event, min_age=3, max_age=6, capacity=5)
    slot = TimeSlotFactory(event=event)
    small = WorkshopFactory(slot=slot, capacity=1, title_de="Klein")
    big = WorkshopFactory(slot=slot, capacity=10, title_de="Groß")
    people = [
        sign_up(event, small, **PEOPLE[0]),
        sign_up(event, small, **PEOPLE[1]),  # on the small workshop's waiting list
        sign_up(event, big, **PEOPLE[2]),
        sign_up(event, big, **PEOPLE[3]),  # the event is full: on its waiting list
    ]
    Registration.objects.filter(pk=people[0].pk).update(checked_in_at=event.starts_at + timedelta(minutes=5))
    organiser = get_user_model().objects.create_user(email="orga.privacy@example.org", password="x" * 12)
    EventRole.objects.create(user=organiser, event=event, role="organiser")
    announcement = Announcement.objects.create(
        event=event, audience="everyone", subject="Raumänderung", body="Bitte Raum 2.", created_by=organiser
    )
    announcements.queue(announcement)
    other_event = EventFactory(slug="not-due", starts_at=event.starts_at + timedelta(days=200))
    outsider = sign_up(other_event, name="Zofia Andere-Veranstaltung", email="zofia.andere@example.org")
    event.refresh_from_db()  # times in UTC: a day is 24 hours, also across the change to summer time
    return {
        "event": event,
        "people": people,
        "organiser": organiser,
        "other": other_event,
        "outsider": outsider,
    }
