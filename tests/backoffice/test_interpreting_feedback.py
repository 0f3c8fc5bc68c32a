"""H14 (#25): interpreters arranged per language (dashboard, report) and the organisers' window for the
feedback survey (services, the staff page, its query budget)."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from backoffice import audit, interpreting, report, setup
from backoffice.audit import ACTION_LABELS
from backoffice.interpreting import set_interpreter_arranged
from backoffice.models import AuditEntry, EventRole
from fachtag.models import Event, InterpreterBooking
from feedback import services, tasks
from feedback.models import Answer, Survey
from notifications.models import OutboxMessage
from registrations.errors import Busy
from registrations.models import Registration
from tests.backoffice.locks import event_row_held
from tests.backoffice.test_report import known_data, people
from tests.factories import EventFactory, berlin
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db

OPENS = berlin(2099, 3, 13, 9, 0)  # the default: the morning after EventFactory's 12 March 2099


@pytest.fixture
def organiser(client, django_user_model):
    def log_in(event):
        user = django_user_model.objects.create_user(
            email="orga-h14@example.org", password="a-long-password-1"
        )
        EventRole.objects.create(user=user, event=event, role=EventRole.Role.ORGANISER)
        client.force_login(user)
        return client

    return log_in


# --- Interpreters arranged ---------------------------------------------------------------------------------


def test_marking_an_interpreter_twice_keeps_one_booking_and_unmarking_removes_it():
    event = EventFactory()
    assert set_interpreter_arranged(event_id=event.pk, language="ar", arranged=True) is True
    assert set_interpreter_arranged(event_id=event.pk, language="ar", arranged=True) is False
    assert list(InterpreterBooking.objects.values_list("event_id", "language")) == [(event.pk, "ar")]
    assert set_interpreter_arranged(event_id=event.pk, language="ar", arranged=False) is True
    assert set_interpreter_arranged(event_id=event.pk, language="ar", arranged=False) is False
    assert not InterpreterBooking.objects.exists()
    with pytest.raises(ValueError):
        set_interpreter_arranged(event_id=event.pk, language="xx", arranged=True)


def test_the_dashboard_names_the_languages_without_an_interpreter_and_a_button_arranges_one(organiser):
    event = EventFactory()
    people(event, 3, interpreting="ar")
    people(event, 2, interpreting="fa")
    staff = organiser(event)
    dashboard = reverse("backoffice:dashboard", kwargs={"slug": event.slug})
    page = staff.get(dashboard).text
    assert "Noch keine Dolmetschung organisiert für Arabisch, Persisch." in page
    assert page.count("Noch nicht organisiert") == 2

    address = reverse("backoffice:interpreter", kwargs={"slug": event.slug})
    response = staff.post(address, {"language": "ar", "arranged": "1"})
    assert response.status_code == 302 and response["Location"] == f"{dashboard}#interpreting"
    page = staff.get(dashboard).text
    assert "Noch keine Dolmetschung organisiert für Persisch." in page
    assert page.count("Noch nicht organisiert") == 1
    entry = AuditEntry.objects.get(action="interpreter_arranged")
    assert entry.event == event and entry.detail == {"language": "ar"}
    assert "interpreter_arranged" in ACTION_LABELS and "interpreter_removed" in ACTION_LABELS

    staff.post(address, {"language": "fa", "arranged": "1"})
    assert "Für jede gewünschte Sprache ist eine Dolmetschung organisiert." in staff.get(dashboard).text
    staff.post(address, {"language": "ar", "arranged": "0"})
    assert list(InterpreterBooking.objects.values_list("language", flat=True)) == ["fa"]
    assert AuditEntry.objects.filter(action="interpreter_removed").count() == 1


def test_a_tampered_language_or_a_get_changes_nothing(organiser):
    event = EventFactory()
    staff = organiser(event)
    address = reverse("backoffice:interpreter", kwargs={"slug": event.slug})
    response = staff.post(address, {"language": "klingon", "arranged": "1"}, follow=True)
    assert response.status_code == 200 and "Wählen Sie eine Sprache aus der Tabelle" in response.text
    assert staff.get(address).status_code == 405
    assert not InterpreterBooking.objects.exists() and not AuditEntry.objects.exists()


def test_the_report_counts_as_provided_those_checked_in_for_a_language_with_an_interpreter():
    event, _last = known_data()  # Arabic: 6 asked, 5 checked in; Persian: 3 (waiting) asked; check-ins held

    def interpreting():
        return {row.label: row.values for row in _table(report.build(event)).rows}

    assert interpreting() == {"Arabisch": [6, 0], "Persisch": ["< 5", 0]}
    set_interpreter_arranged(event_id=event.pk, language="ar", arranged=True)
    set_interpreter_arranged(event_id=event.pk, language="fa", arranged=True)
    assert interpreting() == {"Arabisch": [6, 5], "Persisch": ["< 5", 0]}
    table = _table(report.build(event))
    assert table.columns == ["Angefragt", "Bereitgestellt"] and table.with_previous


def test_without_any_check_in_everyone_who_asked_for_an_arranged_language_counts_as_provided():
    event = EventFactory()
    people(event, 7, interpreting="uk")
    people(event, 6, interpreting="tr")
    set_interpreter_arranged(event_id=event.pk, language="uk", arranged=True)
    assert {row.label: row.values for row in _table(report.build(event)).rows} == {
        "Ukrainisch": [7, 7],
        "Türkisch": [6, 0],
    }


def _table(built):
    return next(t for t in built.tables if t.key == "interpreting")


# --- The survey's window ----------------------------------------------------------------------------------


@pytest.fixture
def event(time_machine):
    time_machine.move_to(berlin(2099, 2, 1, 12, 0), tick=False)
    return EventFactory()


def test_before_the_event_the_window_is_set_and_the_beat_keeps_it(event, time_machine):
    opens, closes = berlin(2099, 3, 14, 10, 0), berlin(2099, 3, 20, 18, 0)
    assert services.survey_state(event, now=timezone.now()).stage == "default"
    survey, changed = services.set_window(
        event_id=event.pk, opens_at=opens, closes_at=closes, is_off=False, now=timezone.now()
    )
    assert changed == ["opens_at", "closes_at"]
    time_machine.move_to(OPENS, tick=False)
    services.create_due_surveys(now=OPENS)
    survey.refresh_from_db()
    assert (survey.opens_at, survey.closes_at) == (opens, closes)
    assert services.due_surveys(now=OPENS) == []
    assert services.due_surveys(now=opens) == [survey.pk]
    assert services.survey_state(event, now=opens).stage == "open"


def test_a_survey_switched_off_sends_nothing_and_takes_no_answers(event, monkeypatch, time_machine):
    amal = sign_up(event, language="ar", email="amal@example.org")
    services.set_window(
        event_id=event.pk,
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=7),
        is_off=True,
        now=timezone.now(),
    )
    monkeypatch.setattr(tasks.invite_participants, "delay", tasks.invite_participants)
    time_machine.move_to(OPENS + timedelta(hours=1), tick=False)
    assert tasks.open_due_surveys() == 0
    survey = Survey.objects.get(event=event)
    assert services.invite(survey_id=survey.pk, now=timezone.now()) == 0
    assert not OutboxMessage.objects.filter(kind=services.KIND).exists()
    with pytest.raises(services.SurveyClosed):
        services.answer(
            registration=amal,
            survey=survey,
            data=services.AnswerData(overall=5),
            language="ar",
            now=timezone.now(),
        )
    assert services.survey_state(event, now=timezone.now()).stage == "off"


def test_the_window_must_close_after_it_opens_and_open_after_the_event(event):
    with pytest.raises(services.WindowError) as refused:
        services.set_window(
            event_id=event.pk, opens_at=OPENS, closes_at=OPENS, is_off=False, now=timezone.now()
        )
    assert refused.value.field == "closes_at"
    with pytest.raises(services.WindowError) as refused:
        services.set_window(
            event_id=event.pk,
            opens_at=event.ends_at - timedelta(hours=1),
            closes_at=OPENS,
            is_off=False,
            now=timezone.now(),
        )
    assert refused.value.field == "opens_at"
    assert not Survey.objects.exists()


def test_once_invitations_went_out_only_the_closing_moves_and_not_into_the_past(event, time_machine):
    sign_up(event, language="uk", email="olena@example.org")
    time_machine.move_to(OPENS, tick=False)
    services.create_due_surveys(now=OPENS)
    survey = Survey.objects.get(event=event)
    assert services.invite(survey_id=survey.pk, now=OPENS) == 1
    now = OPENS + timedelta(days=2)
    time_machine.move_to(now, tick=False)
    closes = survey.closes_at
    with pytest.raises(services.WindowError) as refused:
        services.set_window(
            event_id=event.pk, opens_at=OPENS + timedelta(days=1), closes_at=closes, is_off=False, now=now
        )
    assert refused.value.field == "opens_at"
    with pytest.raises(services.WindowError) as refused:
        services.set_window(
            event_id=event.pk, opens_at=OPENS, closes_at=now - timedelta(minutes=1), is_off=False, now=now
        )
    assert refused.value.field == "closes_at"
    _survey, changed = services.set_window(
        event_id=event.pk, opens_at=OPENS, closes_at=now + timedelta(hours=1), is_off=False, now=now
    )
    assert changed == ["closes_at"]
    state = services.survey_state(event, now=now)
    assert (state.stage, state.invitations_queued_at, state.closes_at) == (
        "open",
        OPENS,
        now + timedelta(hours=1),
    )


def test_the_page_shows_the_errors_next_to_the_fields_and_keeps_the_opening_once_invited(
    event, organiser, time_machine
):
    time_machine.move_to(berlin(2099, 3, 15, 12, 0), tick=False)  # after the event, no survey yet
    staff = organiser(event)
    address = reverse("backoffice:feedback_window", kwargs={"slug": event.slug})
    page = staff.get(address).text
    assert "Noch nicht angelegt" in page and "von 13. März 2099 09:00 bis 27. März 2099 09:00" in page
    response = staff.post(address, {"opens_at": "2099-03-14T10:00", "closes_at": "2099-03-14T09:00"})
    assert response.status_code == 200
    assert 'id="id_closes_at_error"' in response.text
    assert "Die Umfrage muss nach ihrem Beginn enden." in response.text
    response = staff.post(address, {"opens_at": "2099-03-12T12:00", "closes_at": "2099-03-14T09:00"})
    assert 'id="id_opens_at_error"' in response.text
    response = staff.post(address, {"opens_at": "2099-03-14T10:00", "closes_at": "2099-03-21T18:00"})
    assert response.status_code == 302
    survey = Survey.objects.get(event=event)
    assert survey.opens_at == berlin(2099, 3, 14, 10, 0) and survey.closes_at == berlin(2099, 3, 21, 18, 0)
    assert AuditEntry.objects.get(action="feedback_window").detail == {"fields": ["opens_at", "closes_at"]}

    Survey.objects.filter(pk=survey.pk).update(invitations_queued_at=berlin(2099, 3, 14, 10, 0))
    # The opening is disabled now: a value sent anyway is ignored, the closing and the switch are saved.
    response = staff.post(
        address, {"opens_at": "2099-03-20T10:00", "closes_at": "2099-03-18T18:00", "is_off": "on"}
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.opens_at, survey.closes_at, survey.is_off) == (
        berlin(2099, 3, 14, 10, 0),
        berlin(2099, 3, 18, 18, 0),
        True,
    )
    response = staff.post(address, {"closes_at": "2099-03-15T11:00"})
    assert 'id="id_closes_at_error"' in response.text and "in der Zukunft" in response.text


def test_an_event_role_on_a_training_series_does_not_open_its_survey_page(organiser):
    training = EventFactory(kind="training", slug="training-h14")
    staff = organiser(training)
    assert staff.get(reverse("backoffice:feedback_window", kwargs={"slug": training.slug})).status_code == 404


def test_the_survey_page_keeps_its_query_budget(event, organiser, time_machine):
    """As many queries at 5,000 registrations and 1,000 answers as with none (a survey that exists)."""
    staff = organiser(event)
    address = reverse("backoffice:feedback_window", kwargs={"slug": event.slug})
    services.set_window(
        event_id=event.pk,
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=7),
        is_off=False,
        now=timezone.now(),
    )

    def measure():
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(address).status_code == 200
        return len(queries)

    small = measure()
    people(event, 5000)
    survey = Survey.objects.get(event=event)
    Answer.objects.bulk_create(
        Answer(survey=survey, language="de", overall=4, edit_key_hash=f"{i:064d}") for i in range(1000)
    )
    assert Registration.objects.filter(event=event).count() == 5000
    assert measure() == small <= 9
    assert "1000" in staff.get(address).text


def test_the_demo_report_shows_interpreting_provided_except_for_turkish():
    call_command("load_demo")
    call_command("load_demo_registrations")
    call_command("load_demo_registrations")  # a second run adds nothing
    past = Event.objects.filter(kind=Event.Kind.FACHTAG).order_by("starts_at").first()
    assert sorted(past.interpreter_bookings.values_list("language", flat=True)) == ["ar", "fa", "uk"]
    rows = {row.label: row.values for row in _table(report.build(past)).rows}
    assert rows["Türkisch"][1] == 0
    for language in ("Arabisch", "Ukrainisch", "Persisch"):
        asked, provided = rows[language]
        assert isinstance(provided, int) and 0 < provided < asked, language


def test_her_link_to_a_survey_switched_off_before_it_opened_says_it_has_ended(event, client, time_machine):
    amal = sign_up(event, language="de", email="amal@example.org")
    services.set_window(
        event_id=event.pk,
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=7),
        is_off=True,
        now=timezone.now(),
    )
    time_machine.move_to(OPENS - timedelta(hours=1), tick=False)
    page = client.get(reverse("feedback:answer", kwargs={"token": services.make_token(amal)})).text
    assert "Die Umfrage ist beendet." in page


def test_a_copy_of_the_event_has_no_interpreter_arranged_yet(django_user_model):
    event = EventFactory()
    set_interpreter_arranged(event_id=event.pk, language="ar", arranged=True)
    actor = django_user_model.objects.create_user(email="copy@example.org", password="a-long-password-1")
    copy = setup.copy_event(
        source_id=event.pk,
        new_date=date(2100, 3, 11),
        title_de="Fachtag 2100",
        slug="fachtag-2100",
        actor=actor,
    )
    assert copy.interpreting_languages == event.interpreting_languages
    assert not copy.interpreter_bookings.exists() and event.interpreter_bookings.count() == 1


def test_a_window_whose_audit_entry_fails_is_not_saved(event, organiser, time_machine, monkeypatch):
    """The change and its audit entry are one transaction: no change the log does not show."""

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    time_machine.move_to(berlin(2099, 3, 15, 12, 0), tick=False)
    staff = organiser(event)
    monkeypatch.setattr(audit, "record", broken)
    address = reverse("backoffice:feedback_window", kwargs={"slug": event.slug})
    with pytest.raises(RuntimeError):
        staff.post(address, {"opens_at": "2099-03-14T10:00", "closes_at": "2099-03-21T18:00"})
    assert not Survey.objects.filter(event=event).exists()


def test_an_interpreter_whose_audit_entry_fails_is_not_marked(organiser, monkeypatch):
    """As every settings change: the mark and its audit entry are one transaction."""

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    event = EventFactory()
    staff = organiser(event)
    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        staff.post(
            reverse("backoffice:interpreter", kwargs={"slug": event.slug}),
            {"language": "ar", "arranged": "1"},
        )
    assert not InterpreterBooking.objects.exists()


def test_a_busy_event_tells_the_organiser_in_staff_words(organiser, monkeypatch):
    def busy(event_id):
        raise Busy()

    event = EventFactory()
    staff = organiser(event)
    monkeypatch.setattr(interpreting, "lock_event", busy)
    address = reverse("backoffice:interpreter", kwargs={"slug": event.slug})
    page = staff.post(address, {"language": "ar", "arranged": "1"}, follow=True).text
    with translation.override("de"):
        assert escape(str(Busy.staff_message)) in page and escape(str(Busy.message)) not in page
    assert not InterpreterBooking.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_window_that_cannot_get_the_event_lock_in_time_comes_back_to_send_again(
    event, organiser, time_machine
):
    time_machine.move_to(berlin(2099, 3, 15, 12, 0), tick=False)
    staff = organiser(event)
    address = reverse("backoffice:feedback_window", kwargs={"slug": event.slug})
    with event_row_held(event.pk):
        response = staff.post(address, {"opens_at": "2099-03-14T10:00", "closes_at": "2099-03-21T18:00"})
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response.context["form"].non_field_errors() == [str(Busy.staff_message)]
    assert not Survey.objects.filter(event=event).exists()
