"""Answers to last year's demo Fachtag survey, so that the report (backoffice:report) shows feedback right
after `make run`. Run after `load_demo_registrations`; a survey that already has answers is left as it is.

The answers go through feedback.services.answer, as a participant's would (one per registration, her link
spent). One workshop gets only four ratings, so that the report shows how a breakdown of fewer than five
answers is hidden."""

from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from fachtag import demo
from fachtag.models import Workshop
from feedback import services
from feedback.models import NextStep, Survey
from registrations.models import Booking, Registration

OVERALL = [5, 4, 5, 4, 3, 5, 4, 5, 2, 4, 5, 4]
WORKSHOP = [5, 4, 4, 5, 3, 4, 5, 2, 4, 5]
CHILDCARE = [5, 5, 4, 5, 3, 4]
INTERPRETING = [4, 5, 5, 3, 4, 5, 4]
STEPS = [
    [NextStep.JOB],
    [NextStep.COURSE, NextStep.RECOGNITION],
    [NextStep.JOB, NextStep.COUNSELLING],
    [NextStep.COURSE],
    [],
    [NextStep.JOB, NextStep.COURSE],
    [NextStep.RECOGNITION],
    [NextStep.JOB],
    [NextStep.COUNSELLING],
    [NextStep.COURSE, NextStep.OTHER],
    [NextStep.JOB, NextStep.RECOGNITION],
]
# (her language, the language she answered in, her comment): given to every third answer of a woman of
# that language until used up.
COMMENTS = [
    (
        "de",
        "de",
        "Der Workshop zur Anerkennung hat mir sehr geholfen. Bitte nächstes Jahr mehr Zeit für Fragen.",
    ),
    ("ar", "ar", "شكراً على الترجمة، فهمت كل شيء. أتمنى ورشة عن التدريب المهني."),
    ("uk", "en", "The childcare was great, my daughter wants to come again."),
    ("de", "de", "Die Räume waren zu warm, aber die Stimmung war toll."),
    ("ar", "ar", "كان اليوم طويلاً قليلاً، لكن المعلومات عن الاعتراف بالشهادات مفيدة جداً."),
    ("ru", "en", "More information about language courses for mothers, please."),
]
ONLY_FOUR = 4  # ratings of the programme's last workshop


class Command(BaseCommand):
    help = "Give last year's demo Fachtag a closed feedback survey with answers (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        past = demo.past_fachtag(timezone.now())
        if past is None or not past.registrations.exists():
            self.stdout.write("No past demo Fachtag with sign-ups: run load_demo_registrations first.")
            return
        opens, closes = services.default_window(past)
        survey, _new = Survey.objects.get_or_create(
            event=past, defaults={"opens_at": opens, "closes_at": closes, "invitations_queued_at": opens}
        )
        if survey.answers.exists():
            self.stdout.write(f"{past.slug} has feedback already.")
            return
        attended = Booking.objects.filter(
            workshop__slot__event=past,
            status=Booking.Status.CONFIRMED,
            registration__checked_in_at__isnull=False,
        )
        last_workshop = Workshop.objects.filter(pk__in=attended.values("workshop_id")).last()
        last_pk = last_workshop.pk if last_workshop else None
        rated_last = 0
        people = Registration.objects.filter(event=past, checked_in_at__isnull=False).order_by("pk")
        written, seen, used = 0, Counter(), []
        for number, person in enumerate(people.prefetch_related("children")):
            if number % 5 == 4:  # not everyone answers
                continue
            workshops = {}
            for booking in person.bookings.filter(status=Booking.Status.CONFIRMED):
                if booking.workshop_id == last_pk:
                    if rated_last == ONLY_FOUR:
                        continue
                    rated_last += 1
                workshops[booking.workshop_id] = WORKSHOP[(number + booking.workshop_id) % len(WORKSHOP)]
            language, comment = person.language, ""
            seen[person.language] += 1
            if seen[person.language] % 3 == 1:
                mine = [c for c in COMMENTS if c[0] == person.language and c not in used]
                if mine:
                    used.append(mine[0])
                    language, comment = mine[0][1], mine[0][2]
            data = services.AnswerData(
                overall=OVERALL[number % len(OVERALL)],
                workshops=workshops,
                childcare=CHILDCARE[number % len(CHILDCARE)] if person.children.all() else None,
                interpreting=INTERPRETING[number % len(INTERPRETING)]
                if person.interpreting_language
                else None,
                next_steps=[step.value for step in STEPS[number % len(STEPS)]],
                comment=comment,
            )
            services.answer(registration=person, survey=survey, data=data, language=language, now=opens)
            written += 1
        self.stdout.write(self.style.SUCCESS(f"{past.slug}: {written} demo answers to the feedback survey."))
