"""Last year's demo training series with its figures, so that its report (backoffice:report, linked from the
series page) shows them right after `make run`: enrolled mediators (two of whom have since left the pool),
their replies and the attendance recorded at each session, the certificates this sent, and answers to the
series' feedback survey. Run after `load_demo` and `load_demo_mediators`; a series that already has
enrolments is left as it is.

Replies, attendance (and so the certificates, by mail), leaving the pool and the answers go through
mediators.services, as they would have then (each at its time: `now` before or after the session). Only the
enrolment is written directly: services.enrol would mail the schedule and an invitation for sessions long
over. One session gets four ratings, so that the report shows how a breakdown of fewer than five is hidden.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from fachtag.models import Event
from feedback import services as feedback
from feedback.models import Survey
from mediators import services
from mediators.management.commands.load_demo_mediators import DEMO
from mediators.models import Enrolment, MediatorProfile, SessionRecord

# (e-mail, first name, last name, language for messages, languages she mediates in)
POOL = [
    ("amina.haddad@example.org", "Amina", "Haddad", "ar", ["ar", "de", "fr"]),
    ("maryam.rahimi@example.org", "Maryam", "Rahimi", "fa", ["fa", "prs", "de"]),
    ("iryna.bondar@example.org", "Iryna", "Bondar", "uk", ["uk", "ru", "de"]),
    ("selin.yildiz@example.org", "Selin", "Yıldız", "tr", ["tr", "ku", "de"]),
    ("hanan.saleh@example.org", "Hanan", "Saleh", "ar", ["ar", "de"]),
    ("tatiana.morozova@example.org", "Tatiana", "Morozova", "ru", ["ru", "uk", "de"]),
    ("lan.nguyen@example.org", "Lan", "Nguyen", "vi", ["vi", "de", "en"]),
    ("zahra.karimi@example.org", "Zahra", "Karimi", "fa", ["fa", "de"]),
    ("rania.aziz@example.org", "Rania", "Aziz", "ar", ["ar", "de", "en"]),
    ("oksana.melnyk@example.org", "Oksana", "Melnyk", "uk", ["uk", "de"]),
    ("aylin.demir@example.org", "Aylin", "Demir", "de", ["tr", "de"]),
    ("mihaela.popescu@example.org", "Mihaela", "Popescu", "ro", ["ro", "de", "en"]),
    ("nour.alhassan@example.org", "Nour", "Al-Hassan", "ar", ["ar", "de", "en"]),
    ("kateryna.shevchenko@example.org", "Kateryna", "Shevchenko", "uk", ["uk", "ru", "de"]),
]
LEFT_THE_POOL = {"tatiana.morozova@example.org", "aylin.demir@example.org"}
# Per mediator (in the order enrolled) and session: "+" she said she comes and came, "-" she said she cannot
# (and did not come), "n" no reply and not there, "x" she said she comes but did not.
PATTERN = [
    "++++++",
    "+++-++",
    "++-+++",
    "+n+++x",
    "++++-+",
    "-+++++",
    "+x+n++",
    "++++++",
    "+-+-+n",
    "++++++",
    "n++-n-",
    "+++x++",
    "-+n+++",
    "++++++",
    "+++++-",
]
REASONS = ["Termin beim Jobcenter", "Mein Kind ist krank.", "Dienstreise"]
OVERALL = [5, 4, 5, 4, 5, 3, 4, 5, 4, 5, 4, 5]
SESSION = [5, 4, 4, 5, 3, 5, 4, 4, 5, 2]
COMMENTS = [
    ("de", "Mehr Fallbeispiele aus dem Alltag im Jobcenter, bitte."),
    ("ar", "كانت الجلسة عن السرية مفيدة جداً لعملي."),
    ("en", "Handouts in advance would help me prepare the vocabulary."),
    ("uk", "Дякую! Хотілося б більше практичних вправ."),
]
ONLY_FOUR = 4  # ratings of the last session


class Command(BaseCommand):
    help = (
        "Give last year's demo training series mediators, attendance, certificates and feedback (idempotent)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        now = timezone.now()
        past = (
            Event.objects.filter(
                kind=Event.Kind.TRAINING, ends_at__lt=now, slug__startswith="sprachmittlung-"
            )
            .order_by("-starts_at")
            .first()
        )
        if past is None:
            self.stdout.write("No past demo training series: run load_demo first.")
            return
        if past.enrolments.exists():
            self.stdout.write(f"{past.slug} has its mediators already.")
            return
        if not past.min_sessions_for_certificate:
            Event.objects.filter(pk=past.pk).update(min_sessions_for_certificate=4)
        sessions = list(services.sessions_of(past))
        enrolments = [self.enrol(past, profile, sessions) for profile in self.profiles()]
        organiser = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        records = {
            (record.enrolment_id, record.session_id): record
            for record in SessionRecord.objects.filter(enrolment__event=past)
        }
        certified = 0
        for index, session in enumerate(sessions):
            begins = session.slot.starts_at
            present = set()
            for number, enrolment in enumerate(enrolments):
                mark = PATTERN[number % len(PATTERN)][index]
                record = records[enrolment.pk, session.pk]
                if mark in "+x":
                    services.reply(record_id=record.pk, answer="attending", now=begins - timedelta(days=3))
                elif mark == "-":
                    reason = REASONS[number % len(REASONS)]
                    services.reply(
                        record_id=record.pk, answer="absent", reason=reason, now=begins - timedelta(days=2)
                    )
                if mark == "+":
                    present.add(record.pk)
            certified += len(
                services.record_attendance(
                    session_id=session.pk,
                    present_record_ids=present,
                    recorded_by=organiser,
                    now=session.slot.ends_at,
                )
            )
        for enrolment in enrolments:
            if enrolment.mediator.user.email in LEFT_THE_POOL:
                services.set_active(profile_id=enrolment.mediator_id, active=False)
        answers = self.answer_survey(past, enrolments, sessions)
        self.stdout.write(
            self.style.SUCCESS(
                f"{past.slug}: {len(enrolments)} mediators, {certified} certificates, {answers} answers "
                "to the feedback survey."
            )
        )

    def profiles(self) -> list[MediatorProfile]:
        """The demo mediators who log in (load_demo_mediators), then a pool of others without a login."""
        profiles = list(
            MediatorProfile.objects.filter(user__email__in=[email for email, *_rest in DEMO]).order_by("pk")
        )
        for email, first, last, language, languages in POOL:
            user, created = get_user_model().objects.get_or_create(
                email=email, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            profile, _new = MediatorProfile.objects.get_or_create(
                user=user, defaults={"language": language, "languages": languages}
            )
            profiles.append(profile)
        return profiles

    def enrol(self, past: Event, profile: MediatorProfile, sessions) -> Enrolment:
        enrolment = Enrolment.objects.create(event=past, mediator=profile)
        SessionRecord.objects.bulk_create(SessionRecord(enrolment=enrolment, session=s) for s in sessions)
        return enrolment

    def answer_survey(self, past: Event, enrolments, sessions) -> int:
        """A closed survey, answered by most of those invited (she attended a session, is still in the pool)."""
        opens, closes = feedback.default_window(past)
        survey, _new = Survey.objects.get_or_create(
            event=past, defaults={"opens_at": opens, "closes_at": closes, "invitations_queued_at": opens}
        )
        last_session = sessions[-1].pk if sessions else None
        written, rated_last = 0, 0
        for number, enrolment in enumerate(enrolments):
            attended = services.attended_sessions(enrolment, now=opens)
            if not attended or enrolment.mediator.user.email in LEFT_THE_POOL or number % 7 == 6:
                continue  # not invited, or did not answer
            ratings = {}
            for session in attended:
                if session.pk == last_session:
                    if rated_last == ONLY_FOUR:
                        ratings[session.pk] = None  # she left this one blank
                        continue
                    rated_last += 1
                ratings[session.pk] = SESSION[(number + session.pk) % len(SESSION)]
            language, comment = enrolment.mediator.language, ""
            if number % 3 == 0 and number // 3 < len(COMMENTS):
                language, comment = COMMENTS[number // 3]
            data = feedback.AnswerData(
                overall=OVERALL[number % len(OVERALL)], workshops=ratings, comment=comment
            )
            services.give_feedback(
                enrolment=enrolment, survey=survey, data=data, language=language, now=opens
            )
            written += 1
        return written
