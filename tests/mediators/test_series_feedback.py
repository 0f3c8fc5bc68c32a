"""H13: the mediators' survey on a training series: asked by the feedback beat the morning after the series,
once each, in her language; answered behind her login, anonymously, per session and for the series."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from fachtag.models import Event, TimeSlot, Workshop
from feedback import services as feedback
from feedback.models import Answer, Survey, UsedLink
from feedback.views import cookie_name
from mediators import services
from mediators.models import Enrolment, MediatorProfile, SessionRecord
from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations.services import privacy
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin

pytestmark = pytest.mark.django_db

OPENS = berlin(2099, 5, 21, 9, 0)  # the morning after the series' last day, 20 May 2099


@pytest.fixture
def series(time_machine):
    """Three sessions in May 2099, the last on 20 May; set up on 1 April."""
    time_machine.move_to(berlin(2099, 4, 1, 12, 0), tick=False)
    event = EventFactory(
        kind=Event.Kind.TRAINING,
        slug="fortbildung-2099",
        title_de="Sprachmittler-Fortbildung 2099",
        title_ar="تدريب الوسطاء اللغويين 2099",
        starts_at=berlin(2099, 5, 6, 16, 0),
        ends_at=berlin(2099, 5, 20, 19, 0),
    )
    for day in (6, 13, 20):
        slot = TimeSlotFactory(
            event=event,
            kind=TimeSlot.Kind.PLENARY,
            starts_at=berlin(2099, 5, day, 16, 0),
            ends_at=berlin(2099, 5, day, 19, 0),
        )
        WorkshopFactory(slot=slot, title_de=f"Thema {day}", title_ar=f"موضوع {day}", capacity=30)
    return event


def mediator(email: str, language: str, *, active: bool = True) -> MediatorProfile:
    user = get_user_model().objects.create_user(
        email=email, password="x" * 12, first_name=email.split("@")[0]
    )
    return MediatorProfile.objects.create(user=user, language=language, is_active=active)


def sessions(series) -> list[Workshop]:
    return list(Workshop.objects.filter(slot__event=series).order_by("slot__starts_at"))


def attended(series, profile, *numbers):
    """She was there at the sessions with these indexes (0, 1, 2)."""
    chosen = [sessions(series)[number] for number in numbers]
    SessionRecord.objects.filter(enrolment__mediator=profile, session__in=chosen).update(attended=True)


@pytest.fixture
def leyla(series):
    profile = mediator("leyla@example.org", "ar")
    services.enrol(event_id=series.pk, profile_ids=[profile.pk])
    attended(series, profile, 0, 2)
    return profile


def enrolment_of(profile) -> Enrolment:
    return Enrolment.objects.get(mediator=profile)


def invitations():
    return list(OutboxMessage.objects.filter(kind=services.FEEDBACK_KIND).order_by("to"))


def test_the_beat_opens_the_series_survey_the_next_morning_and_twice_mails_each_attending_mediator_once(
    series, leyla, run_beat
):
    olena = mediator("olena@example.org", "uk")
    away = mediator("away@example.org", "de")  # enrolled, never came
    gone = mediator("gone@example.org", "tr", active=False)  # came once, has left the pool since
    services.enrol(event_id=series.pk, profile_ids=[olena.pk, away.pk, gone.pk])
    attended(series, olena, 1)
    attended(series, gone, 0)
    # A cancelled session does not count, even with attendance recorded.
    cancelled_only = mediator("cancelled@example.org", "fa")
    services.enrol(event_id=series.pk, profile_ids=[cancelled_only.pk])
    Workshop.objects.filter(pk=sessions(series)[1].pk).update(status=Workshop.Status.CANCELLED)
    attended(series, cancelled_only, 1)
    Workshop.objects.filter(pk=sessions(series)[1].pk).update(status=Workshop.Status.SCHEDULED)
    SessionRecord.objects.filter(enrolment__mediator=cancelled_only).update(attended=False)

    run_beat(OPENS - timedelta(minutes=1))
    survey = Survey.objects.get(event=series)
    assert (
        (survey.opens_at, survey.closes_at)
        == feedback.default_window(series)
        == (
            OPENS,
            OPENS + timedelta(days=14),
        )
    )
    assert invitations() == []

    run_beat(OPENS)
    run_beat(OPENS + timedelta(minutes=15))
    feedback.invite(survey_id=survey.pk, now=OPENS + timedelta(hours=1))  # even a forced second run
    sent = invitations()
    assert [(m.to, m.language) for m in sent] == [("leyla@example.org", "ar"), ("olena@example.org", "uk")]

    arabic = render(sent[0].kind, language="ar", to=sent[0].to, context=sent[0].context)
    path = f"/ar/my/trainings/{enrolment_of(leyla).pk}/feedback/"
    assert 'dir="rtl"' in arabic.html and path in arabic.text and path in arabic.html
    assert "تدريب الوسطاء اللغويين 2099" in arabic.text
    german = render(sent[0].kind, language="de", to="x@example.org", context=sent[0].context)
    assert arabic.subject != german.subject
    ukrainian = render(sent[1].kind, language="uk", to=sent[1].to, context=sent[1].context)
    assert f"/uk/my/trainings/{enrolment_of(olena).pk}/feedback/" in ukrainian.text


def answer_data(**fields):
    return feedback.AnswerData(**{"overall": 4, "comment": "Mehr Übungen zum Dolmetschen", **fields})


@pytest.fixture
def open_survey(series, leyla, time_machine):
    opens, closes = feedback.default_window(series)
    survey = Survey.objects.create(event=series, opens_at=opens, closes_at=closes)
    time_machine.move_to(OPENS + timedelta(days=1), tick=False)
    return survey


def test_her_answer_holds_nothing_that_links_it_to_her_and_its_marker_is_a_keyed_hash(open_survey, leyla):
    enrolment = enrolment_of(leyla)
    first, third = sessions(open_survey.event)[0], sessions(open_survey.event)[2]
    key = services.give_feedback(
        enrolment=enrolment,
        survey=open_survey,
        data=answer_data(workshops={first.pk: 5, third.pk: 2}),
        language="ar",
        now=timezone.now(),
    )
    stored = Answer.objects.get()
    assert (stored.overall, stored.workshops, stored.language) == (
        4,
        {str(first.pk): 5, str(third.pk): 2},
        "ar",
    )
    # No column for her: the only relation is the survey; the same columns as a participant's answer.
    related = {f.related_model for f in Answer._meta.get_fields() if f.is_relation}
    assert related == {Survey}
    assert {f.name for f in Answer._meta.concrete_fields} == {
        "id",
        "survey",
        "language",
        "overall",
        "workshops",
        "childcare",
        "interpreting",
        "next_steps",
        "comment",
        "edit_key_hash",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM feedback_answer")
        row = " ".join(str(value) for value in cursor.fetchone())
    for value in (key, leyla.user.email, services.feedback_respondent(enrolment.pk), leyla.user.first_name):
        assert value not in row

    # The marker cannot be recomputed from the database alone: it is keyed with the site's secret.
    digest = UsedLink.objects.get().digest
    respondent = services.feedback_respondent(enrolment.pk)
    assert digest == feedback.used_digest(open_survey.pk, respondent)
    assert digest != hashlib.sha256(f"{open_survey.pk}:{respondent}".encode()).hexdigest()
    with override_settings(SECRET_KEY="another-secret-key-" * 3):
        assert feedback.used_digest(open_survey.pk, respondent) != digest


def test_a_participants_used_link_is_a_keyed_hash_too(time_machine):
    from tests.registrations.helpers import sign_up

    time_machine.move_to(berlin(2099, 2, 1, 12, 0), tick=False)
    event = EventFactory()
    registration = sign_up(event, language="ar")
    opens, closes = feedback.default_window(event)
    survey = Survey.objects.create(event=event, opens_at=opens, closes_at=closes)
    feedback.answer(registration=registration, survey=survey, data=answer_data(), language="ar", now=opens)
    digest = UsedLink.objects.get().digest
    assert digest != hashlib.sha256(f"{survey.pk}:{registration.uuid.hex}".encode()).hexdigest()
    assert digest == feedback.used_digest(survey.pk, registration.uuid.hex)


def feedback_url(enrolment, language="ar") -> str:
    with translation.override(language):
        return reverse("mediators:feedback", kwargs={"enrolment_id": enrolment.pk})


def test_she_answers_per_session_once_and_changes_her_answer_until_the_survey_closes(
    open_survey, leyla, client, time_machine
):
    enrolment = enrolment_of(leyla)
    first, second, third = sessions(open_survey.event)
    client.force_login(leyla.user)
    url = feedback_url(enrolment)

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'lang="ar"' in html and 'dir="rtl"' in html
    # Only the sessions she attended are asked about; no next steps, childcare or interpreting.
    assert f"workshop_{first.pk}" in html and f"workshop_{third.pk}" in html
    assert f"workshop_{second.pk}" not in html and "next_steps" not in html and "childcare" not in html

    bad = client.post(url, {"comment": "x"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()
    worse = client.post(url, {"overall": "5", f"workshop_{first.pk}": "x\x00", f"workshop_{second.pk}": "5"})
    assert worse.status_code == 200 and f'id="id_workshop_{first.pk}_error"' in worse.content.decode()
    assert Answer.objects.count() == 0 and cookie_name(open_survey.event.slug) not in bad.cookies

    done = client.post(url, {"overall": "5", f"workshop_{first.pk}": "4", "comment": "شكرًا"})
    assert done.status_code == 302 and done.url == reverse("mediators:portal")
    assert cookie_name(open_survey.event.slug) in done.cookies
    stored = Answer.objects.get()
    assert (stored.overall, stored.workshops, stored.comment) == (
        5,
        {str(first.pk): 4, str(third.pk): None},
        "شكرًا",
    )

    # Her cookie opens her answer in the portal only, not in the participants' form of a Fachtag.
    assert client.get(reverse("feedback:change", kwargs={"slug": open_survey.event.slug})).status_code == 404
    # Back with her cookie: her answer, to change.
    again = client.get(url).content.decode()
    assert 'name="overall" id="id_overall_0" value="5" checked' in again
    client.post(url, {"overall": "3", f"workshop_{third.pk}": "2", "comment": ""})
    stored.refresh_from_db()
    assert (stored.overall, stored.workshops, stored.comment) == (
        3,
        {str(first.pk): None, str(third.pk): 2},
        "",
    )
    assert Answer.objects.count() == 1

    # Another device (no cookie): a second answer is refused kindly, nothing stored.
    key = client.cookies[cookie_name(open_survey.event.slug)].value
    client.cookies.pop(cookie_name(open_survey.event.slug))
    refused = client.post(url, {"overall": "1"})
    assert refused.status_code == 200 and '<form method="post" novalidate' not in refused.content.decode()
    assert Answer.objects.count() == 1 and Answer.objects.get().overall == 3
    with pytest.raises(feedback.AlreadyAnswered):
        services.give_feedback(
            enrolment=enrolment, survey=open_survey, data=answer_data(), language="ar", now=timezone.now()
        )

    # Once the survey has closed, nothing changes any more.
    client.cookies[cookie_name(open_survey.event.slug)] = key
    time_machine.move_to(open_survey.closes_at, tick=False)
    client.force_login(leyla.user)  # her session has run out by then
    closed = client.post(url, {"overall": "1"})
    assert closed.status_code == 200 and Answer.objects.get().overall == 3
    with pytest.raises(feedback.SurveyClosed):
        feedback.change(
            survey_id=open_survey.pk, edit_key=key, data=answer_data(overall=1), now=timezone.now()
        )


def test_a_survey_the_organisers_switched_off_is_over_not_yet_to_come(open_survey, leyla, client):
    Survey.objects.filter(pk=open_survey.pk).update(is_off=True)
    client.force_login(leyla.user)
    html = client.get(feedback_url(enrolment_of(leyla), "en")).content.decode()
    assert "The survey has ended." in html and "has not started yet" not in html


def test_only_she_and_only_after_attending_opens_her_form(open_survey, leyla, client):
    never = mediator("never@example.org", "de")
    services.enrol(event_id=open_survey.event.pk, profile_ids=[never.pk])
    client.force_login(never.user)
    assert client.get(feedback_url(enrolment_of(never), "de")).status_code == 404  # attended nothing
    assert client.get(feedback_url(enrolment_of(leyla), "de")).status_code == 404  # not hers


def test_the_portal_offers_her_feedback_while_the_survey_is_open_and_she_has_not_answered(
    open_survey, leyla, client, time_machine
):
    client.force_login(leyla.user)
    with translation.override("de"):
        portal = reverse("mediators:portal")
    url = feedback_url(enrolment_of(leyla), "de")
    give, change = "Rückmeldung zu dieser Reihe geben", "Rückmeldung ändern"
    assert give in client.get(portal).content.decode()
    client.post(url, {"overall": "4"})
    page = client.get(portal).content.decode()
    assert give not in page and change in page
    time_machine.move_to(open_survey.closes_at, tick=False)
    client.force_login(leyla.user)
    page = client.get(portal).content.decode()
    assert give not in page and change not in page


def test_retention_deletes_the_series_answers_with_the_series(open_survey, leyla, time_machine):
    services.give_feedback(
        enrolment=enrolment_of(leyla),
        survey=open_survey,
        data=answer_data(),
        language="ar",
        now=timezone.now(),
    )
    series = Event.objects.get(pk=open_survey.event_id)
    time_machine.move_to(series.anonymise_due_at + timedelta(minutes=1), tick=False)
    assert series.pk in privacy.due_events(now=timezone.now()).anonymise
    privacy.anonymise_event(event_id=series.pk, now=timezone.now())
    assert not Survey.objects.exists() and not Answer.objects.exists() and not UsedLink.objects.exists()


def test_her_feedback_page_keeps_its_query_budget(open_survey, leyla, client, django_assert_max_num_queries):
    client.force_login(leyla.user)
    url = feedback_url(enrolment_of(leyla))
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.post(url, {"overall": "4"}).status_code == 302
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
