import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from fachtag.models import Event, TimeSlot, Workshop

pytestmark = pytest.mark.django_db


def upcoming_fachtag() -> Event:
    return Event.objects.filter(kind=Event.Kind.FACHTAG).order_by("-starts_at").first()


def counts():
    return (
        Event.objects.count(),
        TimeSlot.objects.count(),
        Workshop.objects.count(),
        get_user_model().objects.count(),
    )


def test_load_demo_builds_a_fachtag_and_a_training_series_and_can_run_twice(capsys):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first

    fachtag = upcoming_fachtag()
    slots = list(fachtag.slots.all())
    assert [slot.kind for slot in slots] == ["plenary", "parallel", "parallel", "parallel"]
    assert [slot.workshops.count() for slot in slots[1:]] == [4, 4, 4]
    workshop = slots[1].workshops.first()
    assert workshop.title_de and workshop.title_en and workshop.title_ar
    for slot in slots:
        slot.full_clean()
    past_training, training = Event.objects.filter(kind=Event.Kind.TRAINING).order_by("starts_at")
    assert training.slots.count() == past_training.slots.count() == 6
    assert past_training.ends_at < timezone.now() < training.starts_at  # last year's (H15) and the next
    assert "organisation@example.org" in capsys.readouterr().out
    assert fachtag.registration_state() == "open"  # a newcomer can try the sign-up at once


def test_demo_organiser_can_log_in_with_the_printed_password(client, capsys):
    call_command("load_demo")
    line = [line for line in capsys.readouterr().out.splitlines() if "organisation@example.org" in line][0]
    password = line.rsplit(" / ", 1)[1]
    assert client.login(email="organisation@example.org", password=password)
    assert client.get("/admin/fachtag/event/").status_code == 200


def test_the_demo_fachtag_takes_the_children_its_page_promises_childcare_for():
    from registrations.models import Registration
    from tests.registrations.helpers import sign_up

    call_command("load_demo")
    fachtag = upcoming_fachtag()
    assert fachtag.has_childcare
    groups = list(fachtag.childcare_groups.all())
    ages = {age for group in groups for age in range(group.min_age, group.max_age + 1)}
    assert ages == set(range(13)), "every child up to 12 has an age group, and only one"
    assert sum(group.max_age - group.min_age + 1 for group in groups) == 13
    registration = sign_up(fachtag, child_ages=[1, 4, 9], language="de")
    assert registration.status == Registration.Status.CONFIRMED
    assert sorted(registration.children.values_list("age", flat=True)) == [1, 4, 9]
    call_command("load_demo")
    assert fachtag.childcare_groups.count() == len(groups)


def test_every_demo_mediator_login_is_printed_and_works(client, capsys):
    from mediators.management.commands.load_demo_mediators import DEMO

    call_command("load_demo")
    capsys.readouterr()
    call_command("load_demo_mediators")
    out = capsys.readouterr().out
    for email, *_rest in DEMO:
        line = next(line for line in out.splitlines() if email in line)
        assert client.login(email=email, password=line.rsplit(" / ", 1)[1])
        client.logout()


def test_the_demo_has_last_years_fachtag_over_and_published_with_its_programme_to_copy(capsys):
    from django.utils import timezone

    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    past, upcoming = Event.objects.filter(kind=Event.Kind.FACHTAG).order_by("starts_at")
    assert past.ends_at < timezone.now() < upcoming.starts_at
    assert past.status == Event.Status.PUBLISHED
    assert timezone.localtime(past.starts_at).year < timezone.localtime(upcoming.starts_at).year
    assert past.slots.count() == upcoming.slots.count() == 4
    assert past.title_ar and past.description_en
    assert past.childcare_groups.count() == 3
    assert past.slug in capsys.readouterr().out


def test_every_demo_event_that_offers_childcare_has_age_groups_and_every_parallel_slot_has_workshops():
    call_command("load_demo")
    for event in Event.objects.all():
        assert not event.has_childcare or event.childcare_groups.exists(), event.slug
        for slot in event.slots.filter(kind=TimeSlot.Kind.PARALLEL):
            assert slot.workshops.filter(status=Workshop.Status.SCHEDULED, capacity__gte=1).exists(), slot


def test_last_years_training_series_is_the_latest_one_already_over():
    from datetime import date

    from fachtag import demo

    assert demo.last_training_year(date(2026, 12, 7)) == 2026  # its last session was on 8 October
    assert demo.last_training_year(date(2026, 10, 8)) == 2025
    assert demo.last_training_year(date(2027, 3, 1)) == 2026
