"""H10: the feedback survey after a Fachtag: one invitation each, anonymous answers, retention."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.log_redaction import redact
from feedback import services
from feedback.forms import FeedbackForm
from feedback.models import Answer, Survey, UsedLink
from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations.models import Registration
from registrations.services import privacy
from tests.factories import EventFactory, WorkshopFactory, berlin
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db

OPENS = berlin(2099, 3, 13, 9, 0)  # the morning after EventFactory's 12 March 2099


@pytest.fixture
def event(time_machine):
    time_machine.move_to(berlin(2099, 2, 1, 12, 0), tick=False)
    return EventFactory()


def invitations():
    return list(OutboxMessage.objects.filter(kind=services.KIND).order_by("to"))


def check_in(*registrations):
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(checked_in_at=timezone.now())


def test_the_survey_opens_the_next_morning_and_the_beat_twice_sends_one_mail_each_to_those_checked_in(
    event, run_beat
):
    amal = sign_up(event, language="ar", email="amal@example.org")
    shirin = sign_up(event, language="fa", email="shirin@example.org")
    away = sign_up(event, language="uk", email="away@example.org")
    assert {r.status for r in (amal, shirin, away)} == {Registration.Status.CONFIRMED}
    check_in(amal, shirin)

    run_beat(OPENS - timedelta(minutes=1))
    survey = Survey.objects.get(event=event)
    assert (survey.opens_at, survey.closes_at) == (OPENS, OPENS + timedelta(days=14))
    assert invitations() == []

    run_beat(OPENS)
    run_beat(OPENS + timedelta(minutes=15))
    sent = invitations()
    assert [(m.to, m.language) for m in sent] == [("amal@example.org", "ar"), ("shirin@example.org", "fa")]
    message = render(sent[0].kind, language=sent[0].language, to=sent[0].to, context=sent[0].context)
    assert 'dir="rtl"' in message.html and "/feedback/" in message.text
    assert f"<bdi>{event.title}</bdi>" in message.html  # a German title keeps its order in an Arabic mail
    assert (
        message.subject
        != render(services.KIND, language="de", to="x@example.org", context=sent[0].context).subject
    )

    services.invite(survey_id=survey.pk, now=OPENS + timedelta(hours=1))  # even a forced second run
    assert len(invitations()) == 2


def test_without_any_check_in_the_confirmed_participants_are_asked(event, run_beat):
    confirmed = sign_up(event, language="tr", email="tr@example.org")
    cancelled = sign_up(event, email="gone@example.org")
    Registration.objects.filter(pk=cancelled.pk).update(status=Registration.Status.CANCELLED)
    run_beat(OPENS)
    assert [(m.to, m.language) for m in invitations()] == [(confirmed.email, "tr")]


@pytest.fixture
def open_survey(event, time_machine):
    registration = sign_up(event, language="ar")
    opens, closes = services.default_window(event)
    survey = Survey.objects.create(event=event, opens_at=opens, closes_at=closes)
    time_machine.move_to(OPENS + timedelta(days=1), tick=False)
    return registration, survey


def answer(registration, survey, **fields):
    data = services.AnswerData(**{"overall": 4, "next_steps": ["job"], "comment": "Sehr hilfreich", **fields})
    return services.answer(
        registration=registration, survey=survey, data=data, language="ar", now=timezone.now()
    )


def test_the_answer_holds_nothing_that_links_it_to_her_registration(open_survey):
    registration, survey = open_survey
    token = services.make_token(registration)
    key = answer(registration, survey)
    stored = Answer.objects.get()
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
    assert not [f for f in Answer._meta.get_fields() if f.related_model is Registration]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM feedback_answer")
        row = " ".join(str(value) for value in cursor.fetchone())
    for value in (
        registration.uuid.hex,
        str(registration.uuid),
        token,
        key,
        registration.email,
        registration.name,
    ):
        assert value not in row
    used = UsedLink.objects.get()
    assert used.digest != stored.edit_key_hash and registration.uuid.hex not in used.digest


def test_a_second_use_of_her_link_is_refused_kindly(open_survey, client):
    registration, survey = open_survey
    answer(registration, survey)
    with pytest.raises(services.AlreadyAnswered):
        answer(registration, survey, overall=1)
    assert Answer.objects.get().overall == 4
    page = client.get(reverse("feedback:answer", kwargs={"token": services.make_token(registration)}))
    assert page.status_code == 200
    assert 'lang="ar"' in page.content.decode() and "<form" not in page.content.decode()


def test_she_changes_her_answer_with_her_key_until_the_survey_closes(open_survey, time_machine):
    registration, survey = open_survey
    key = answer(registration, survey)
    services.change(
        survey_id=survey.pk,
        edit_key=key,
        data=services.AnswerData(overall=5, next_steps=["course"]),
        now=timezone.now(),
    )
    stored = Answer.objects.get()
    assert (stored.overall, stored.next_steps, stored.comment) == (5, ["course"], "")
    with pytest.raises(services.BadLink):
        services.change(
            survey_id=survey.pk, edit_key="guess", data=services.AnswerData(overall=1), now=timezone.now()
        )
    with pytest.raises(services.SurveyClosed):
        services.change(
            survey_id=survey.pk, edit_key=key, data=services.AnswerData(overall=1), now=survey.closes_at
        )
    assert Answer.objects.get().overall == 5


def test_the_form_posts_her_answer_and_only_her_cookie_opens_it_again(open_survey, client):
    registration, survey = open_survey
    url = reverse("feedback:answer", kwargs={"token": services.make_token(registration)})
    bad = client.post(url, {"overall": "9", "comment": "x"})
    assert bad.status_code == 200 and "feedback_" not in "".join(bad.cookies)
    assert Answer.objects.count() == 0 and 'aria-invalid="true"' in bad.content.decode()
    done = client.post(url, {"overall": "3", "next_steps": ["counselling", "other"], "comment": "Danke"})
    assert done.status_code == 200 and f"feedback_{survey.event.slug}" in done.cookies
    assert client.get(url).status_code == 302  # back with her cookie: to her answer
    change = reverse("feedback:change", kwargs={"slug": survey.event.slug})
    client.post(change, {"overall": "5", "comment": "Danke!"})
    assert (Answer.objects.get().overall, Answer.objects.get().comment) == (5, "Danke!")
    client.cookies.clear()
    assert client.get(change).status_code == 404


def test_retention_deletes_the_answers_with_the_events_other_data(open_survey, time_machine):
    registration, survey = open_survey
    answer(registration, survey)
    event = survey.event
    event.refresh_from_db()  # its times in UTC, as the task reads them
    time_machine.move_to(event.anonymise_due_at + timedelta(minutes=1), tick=False)
    privacy.anonymise_event(event_id=event.pk, now=timezone.now())
    event.refresh_from_db()
    assert event.anonymised_at is not None
    assert not Survey.objects.exists() and not Answer.objects.exists() and not UsedLink.objects.exists()


def test_her_form_and_her_change_page_keep_their_query_budget(
    open_survey, client, django_assert_max_num_queries
):
    registration, survey = open_survey
    url = reverse("feedback:answer", kwargs={"token": services.make_token(registration)})
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.post(url, {"overall": "4"}).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("feedback:change", kwargs={"slug": survey.event.slug})).status_code == 200


@pytest.mark.parametrize("language", ["de", "ar", "fa", "uk"])
def test_the_privacy_notice_tells_her_about_the_survey(client, language):
    page = client.get(f"/{language}/privacy/").content.decode()
    assert 'id="feedback"' in page


def test_her_feedback_link_never_reaches_a_log(open_survey):
    registration, _survey = open_survey
    token = services.make_token(registration)
    line = f'"GET /ar/feedback/{token}/ HTTP/1.1" 200'
    assert token not in redact(line) and "/ar/feedback/[redacted]/" in redact(line)


def test_a_workshop_title_in_her_form_is_isolated_from_the_labels_direction():
    """A German title keeps its order inside an Arabic label (Unicode isolates, as on the mediators' form)."""
    workshop = WorkshopFactory.build(pk=7, title_de="Bewerbung 2.0")
    form = FeedbackForm(workshops=[workshop])
    assert "\u2068Bewerbung 2.0\u2069" in str(form.fields["workshop_7"].label)
