"""Demo mediators with a login, enrolled in the demo training series. Safe to run any number of times."""

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from fachtag.models import Event
from mediators import services
from mediators.models import MediatorProfile

DEMO = [
    ("samira.nouri@example.org", "Samira", "Nouri", "ar", ["ar", "de"]),
    ("olena.kovalenko@example.org", "Olena", "Kovalenko", "uk", ["uk", "ru", "de"]),
    ("farid.ahmadi@example.org", "Farid", "Ahmadi", "fa", ["fa", "prs", "de"]),
]


class Command(BaseCommand):
    help = "Create three demo mediators and enrol them in the demo training series."

    @transaction.atomic
    def handle(self, *args, **options):
        password = secrets.token_urlsafe(12)
        for email, first, last, language, languages in DEMO:
            user, _ = get_user_model().objects.get_or_create(email=email)
            user.first_name, user.last_name = first, last
            user.set_password(password)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            MediatorProfile.objects.update_or_create(
                user=user, defaults={"language": language, "languages": languages}
            )
        # Series still ahead only: last year's (load_demo_series) is over and has its own mediators.
        trainings = Event.objects.filter(
            kind=Event.Kind.TRAINING, status=Event.Status.PUBLISHED, ends_at__gt=timezone.now()
        )
        for event in trainings:
            if not event.min_sessions_for_certificate:
                Event.objects.filter(pk=event.pk).update(min_sessions_for_certificate=5)
            services.enrol(event_id=event.pk)
        self.stdout.write("Mediator logins (/de/accounts/login/, then /de/my/trainings/):")
        for email, *_rest in DEMO:
            self.stdout.write(f"  {email} / {password}")
