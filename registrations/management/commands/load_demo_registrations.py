"""Sign-ups and check-ins for last year's demo Fachtag, so that the report (backoffice:report) shows figures
right after `make run`. Run after `load_demo`; an event that already has registrations is left as it is."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from fachtag import demo
from fachtag.models import ChildcareGroup, Event, InterpreterBooking, Workshop
from registrations.models import Booking, Child, Registration

# (language for messages, interpreting into, how many): 120 people in all.
PEOPLE = [
    ("de", "", 40),
    ("ar", "ar", 25),
    ("uk", "uk", 20),
    ("fa", "fa", 15),
    ("tr", "tr", 10),
    ("ru", "", 10),
]
# The interpreters the office arranged: none for Turkish, so the report and the dashboard show a gap.
INTERPRETERS = ["ar", "uk", "fa"]


class Command(BaseCommand):
    help = "Give last year's demo Fachtag sign-ups, children, workshop bookings and check-ins (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        past = demo.past_fachtag(timezone.now())
        if past is None:
            self.stdout.write("No past demo Fachtag: run load_demo first.")
            return
        if past.registrations.exists():
            self.stdout.write(f"{past.slug} has sign-ups already.")
            return
        people = []
        opened = past.starts_at - timedelta(days=42)
        for language, interpreting, count in PEOPLE:
            for n in range(count):
                number = len(people)
                status = Registration.Status.CONFIRMED
                if number % 12 == 5:
                    status = Registration.Status.CANCELLED
                elif number % 15 == 7:
                    status = Registration.Status.WAITLISTED
                people.append(
                    Registration(
                        event=past,
                        status=status,
                        name=f"Demo {language.upper()} {n + 1}",
                        email=f"demo-{language}-{n + 1}@example.org",
                        language=language,
                        interpreting_language=interpreting,
                        privacy_consent_at=opened,
                        privacy_notice_version="demo",
                        checked_in_at=past.starts_at if status == "confirmed" and number % 4 != 3 else None,
                    )
                )
        people = Registration.objects.bulk_create(people)
        for number, person in enumerate(people):  # sign-ups spread over the six weeks before the day
            Registration.objects.filter(pk=person.pk).update(created_at=opened + timedelta(days=number % 40))
        workshops = list(
            Workshop.objects.filter(slot__event=past, slot__kind="parallel").select_related("slot")
        )
        bookings = []
        for number, person in enumerate(people):
            if person.status == Registration.Status.CANCELLED or not workshops:
                continue
            workshop = workshops[number % len(workshops)]
            status = Booking.Status.CONFIRMED if person.status == "confirmed" else Booking.Status.WAITLISTED
            bookings.append(
                Booking(registration=person, workshop=workshop, slot=workshop.slot, status=status)
            )
        Booking.objects.bulk_create(bookings)
        InterpreterBooking.objects.bulk_create(
            InterpreterBooking(event=past, language=code, arranged_at=opened) for code in INTERPRETERS
        )
        groups = list(ChildcareGroup.objects.filter(event=past).order_by("min_age"))
        children = [
            Child(
                registration=person,
                age=groups[(number // 6) % len(groups)].min_age,
                group=groups[(number // 6) % len(groups)],
            )
            for number, person in enumerate(people)
            if groups and person.language != "de" and number % 6 == 0
        ]
        Child.objects.bulk_create(children)
        self._count_seats(past)
        self.stdout.write(self.style.SUCCESS(f"{past.slug}: {len(people)} demo sign-ups for the report."))

    def _count_seats(self, event):
        holding = Registration.objects.filter(event=event, status__in=Registration.HOLDING).count()
        Event.objects.filter(pk=event.pk).update(seats_taken=holding)
        for workshop in Workshop.objects.filter(slot__event=event).annotate(
            taken=Count("bookings", filter=Q(bookings__status__in=Booking.HOLDING))
        ):
            Workshop.objects.filter(pk=workshop.pk).update(seats_taken=workshop.taken)
        for group in ChildcareGroup.objects.filter(event=event).annotate(
            taken=Count("children", filter=Q(children__registration__status__in=Registration.HOLDING))
        ):
            ChildcareGroup.objects.filter(pk=group.pk).update(seats_taken=group.taken)
