"""Create (or refresh) the demo programme and an organiser login. Safe to run any number of times."""

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from fachtag import demo
from fachtag.models import ChildcareGroup, Event, TimeSlot, Workshop

ORGANISER_EMAIL = "organisation@example.org"
# The demo offers childcare, so it has the age groups that take children (an event without groups refuses
# every child's age): (from age, to age, places).
CHILDCARE_GROUPS = [(0, 2, 8), (3, 5, 12), (6, 12, 15)]


class Command(BaseCommand):
    help = "Load a realistic Fachtag for next year and a mediator training series (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        year = today.year + 1
        fachtag = self.load_fachtag(demo.second_thursday(year, 3))
        # Last year's Fachtag, over and published as it was: the one to copy for the next (back office).
        past = self.load_fachtag(demo.last_fachtag_day(today))
        training = self.load_training(year)
        # Last year's series, over: mediators.load_demo_series enrols mediators and gives it its figures.
        past_training = self.load_training(demo.last_training_year(today))
        password = self.load_organiser()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {fachtag.slug}, {past.slug} (last year's), {training.slug}, "
                f"{past_training.slug} (last year's)."
            )
        )
        self.stdout.write(f"Organiser login (/admin/, /staff/): {ORGANISER_EMAIL} / {password}")

    def load_fachtag(self, day) -> Event:
        year = day.year
        event, _ = Event.objects.update_or_create(
            slug=f"fachtag-{year}",
            defaults={
                "kind": Event.Kind.FACHTAG,
                "title_de": f"Fachtag zur Arbeitsmarktintegration von Migrantinnen {year}",
                "title_en": f"Conference day on the labour-market integration of migrant women {year}",
                "title_ar": f"يوم متخصص حول اندماج المهاجرات في سوق العمل {year}",
                "description_de": (
                    "Ein Tag für Frauen, die in Deutschland arbeiten möchten, und für alle, die sie beraten: "
                    "Fachvorträge am Vormittag, danach drei Workshop-Runden. Kinderbetreuung und Dolmetschen "
                    "sind möglich. Die Teilnahme ist kostenlos."
                ),
                "description_en": (
                    "A day for women who want to work in Germany, and for everyone who advises them: keynotes in "
                    "the morning, then three rounds of workshops. Childcare and interpreting are available. "
                    "Taking part is free of charge."
                ),
                **demo.VENUE,
                "starts_at": demo.at(day, (9, 0)),
                "ends_at": demo.at(day, (16, 30)),
                # Open now, so that whoever runs the demo can try the sign-up at once.
                "registration_opens_at": None,
                "registration_closes_at": demo.at(day, (8, 0)),
                "capacity": 200,
                "has_childcare": True,
                "status": Event.Status.PUBLISHED,
                "retention_days": 90,
            },
        )
        for min_age, max_age, capacity in CHILDCARE_GROUPS:
            ChildcareGroup.objects.update_or_create(
                event=event, min_age=min_age, defaults={"max_age": max_age, "capacity": capacity}
            )
        for kind, start, end, titles, items in demo.FACHTAG_SLOTS:
            slot, _ = TimeSlot.objects.update_or_create(
                event=event,
                starts_at=demo.at(day, start),
                defaults={
                    "kind": kind,
                    "ends_at": demo.at(day, end),
                    "title_de": titles[0],
                    "title_en": titles[1],
                    "title_ar": titles[2],
                },
            )
            for position, (title_de, title_en, title_ar, text_de, text_en, speakers, room) in enumerate(
                items
            ):
                Workshop.objects.update_or_create(
                    slot=slot,
                    position=position,
                    defaults={
                        "title_de": title_de,
                        "title_en": title_en,
                        "title_ar": title_ar,
                        "description_de": text_de,
                        "description_en": text_en,
                        "speakers": speakers,
                        "room": room,
                        "capacity": None if kind == "plenary" else 25,
                        "languages": ["de", "ar", "uk"] if kind == "plenary" else ["de", "en"],
                    },
                )
        return event

    def load_training(self, year: int) -> Event:
        days = [demo.second_thursday(year, month) for month in demo.TRAINING_MONTHS]
        event, _ = Event.objects.update_or_create(
            slug=f"sprachmittlung-{year}",
            defaults={
                "kind": Event.Kind.TRAINING,
                "title_de": f"Fortbildungsreihe für Sprach- und Integrationsmittler:innen {year}",
                "title_en": f"Training series for language and integration mediators {year}",
                "description_de": "Sechs Fortbildungen im Jahr für die kommunalen Sprach- und Integrationsmittler:innen.",
                "description_en": "Six training sessions a year for the city's language and integration mediators.",
                **demo.VENUE,
                "venue_name": "Referat für Migration und Integration, Seminarraum",
                "starts_at": demo.at(days[0], (16, 0)),
                "ends_at": demo.at(days[-1], (19, 0)),
                "capacity": 30,
                "status": Event.Status.PUBLISHED,
                "retention_days": 365,
            },
        )
        for day, (topic_de, topic_en) in zip(days, demo.TRAINING_SESSIONS, strict=True):
            slot, _ = TimeSlot.objects.update_or_create(
                event=event,
                starts_at=demo.at(day, (16, 0)),
                defaults={"kind": TimeSlot.Kind.PLENARY, "ends_at": demo.at(day, (19, 0))},
            )
            Workshop.objects.update_or_create(
                slot=slot,
                position=0,
                defaults={
                    "title_de": topic_de,
                    "title_en": topic_en,
                    "speakers": "Referat für Migration und Integration",
                    "room": "Seminarraum 1",
                    "capacity": 30,
                    "languages": ["de"],
                },
            )
        return event

    def load_organiser(self) -> str:
        user, _ = get_user_model().objects.get_or_create(
            email=ORGANISER_EMAIL, defaults={"first_name": "Demo"}
        )
        password = secrets.token_urlsafe(12)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=ORGANISER_EMAIL, defaults={"verified": True, "primary": True}
        )
        return password
