"""H15 (#25): the report of a training series — enrolments, certificates, replies and attendance per session,
the mediators' languages, the series' feedback questions only; its rights (the mediator-pool permission,
not an event role); the PDF and XLSX read back; a fixed number of queries at 500 mediators."""

import io
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from backoffice import series_report
from backoffice.models import AuditEntry, EventRole
from fachtag.models import Event, TimeSlot, Workshop
from feedback.models import Answer, Survey
from mediators.models import Enrolment, MediatorProfile, SessionRecord
from tests.backoffice.test_report_feedback import survey_of
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin, mediator_manager

pytestmark = pytest.mark.django_db

HIDDEN = "weniger als 5 Antworten: nicht gezeigt"


def series(slug, title, year, topics) -> tuple[Event, list[Workshop]]:
    event = EventFactory(
        kind=Event.Kind.TRAINING,
        slug=slug,
        title_de=title,
        starts_at=berlin(year, 2, 12, 16, 0),
        ends_at=berlin(year, 2, 12 + 7 * (len(topics) - 1), 19, 0),
    )
    sessions = []
    for week, topic in enumerate(topics):
        slot = TimeSlotFactory(
            event=event,
            kind=TimeSlot.Kind.PLENARY,
            starts_at=berlin(year, 2, 12 + 7 * week, 16, 0),
            ends_at=berlin(year, 2, 12 + 7 * week, 19, 0),
        )
        sessions.append(WorkshopFactory(slot=slot, title_de=topic, capacity=30))
    return event, sessions


def mediators(languages: list[list[str]], *, prefix: str, active=True) -> list[MediatorProfile]:
    start = get_user_model().objects.count()
    users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"{prefix}{start + i}@example.org", first_name=f"Mittlerin {start + i}")
        for i in range(len(languages))
    )
    return MediatorProfile.objects.bulk_create(
        MediatorProfile(user=user, languages=spoken, is_active=active, feed_token=uuid.uuid4().hex)
        for user, spoken in zip(users, languages, strict=True)
    )


def enrol(event, profiles, sessions) -> list[Enrolment]:
    enrolments = Enrolment.objects.bulk_create(Enrolment(event=event, mediator=p) for p in profiles)
    SessionRecord.objects.bulk_create(
        SessionRecord(enrolment=enrolment, session=session)
        for enrolment in enrolments
        for session in sessions
    )
    return enrolments


def record(session, enrolments, *, reply=None, attended=None):
    SessionRecord.objects.filter(session=session, enrolment__in=enrolments).update(
        **({"reply": reply} if reply else {}), **({"attended": attended} if attended is not None else {})
    )


def known_series():
    """Last year's series: 3 mediators (German), 1 certificate. This year's: 7 mediators, one of whom left
    the pool; 2 certificates. Languages: Arabic 6, German 7, Persian 2, Ukrainian 1. Session 1: 5 said they
    come, 1 not; 5 present, 2 absent (71 %). Session 2: 3 come, 2 not; 4 present, 3 absent (57 %). Session 3
    (cancelled): 1 comes; nothing recorded. A Fachtag in between is not the comparison."""
    last, last_sessions = series("reihe-2098", "Reihe 2098", 2098, ["Rolle", "Recht"])
    before = enrol(last, mediators([["de"]] * 3, prefix="alt"), last_sessions)
    Enrolment.objects.filter(pk=before[0].pk).update(certificate_sent_at=timezone.now())
    EventFactory(slug="fachtag-2098", starts_at=berlin(2098, 6, 1, 9, 0))
    event, sessions = series(
        "reihe-2099", "Reihe 2099", 2099, ["Rollenklarheit", "Dolmetschen im Jobcenter", "Trauma"]
    )
    profiles = mediators([["ar", "de"]] * 4 + [["ar", "de", "fa"]] * 2, prefix="m")
    profiles += mediators([["uk", "de"]], prefix="weg", active=False)
    enrolled = enrol(event, profiles, sessions)
    Enrolment.objects.filter(pk__in=[e.pk for e in enrolled[:2]]).update(certificate_sent_at=timezone.now())
    first, second, third = sessions
    record(first, enrolled[:5], reply="attending", attended=True)
    record(first, enrolled[5:6], reply="absent", attended=False)
    record(first, enrolled[6:], attended=False)
    record(second, enrolled[:3], reply="attending", attended=True)
    record(second, enrolled[3:4], reply="absent", attended=True)
    record(second, enrolled[4:5], reply="absent", attended=False)
    record(second, enrolled[5:], attended=False)
    record(third, enrolled[:1], reply="attending")
    Workshop.objects.filter(pk=third.pk).update(status=Workshop.Status.CANCELLED)
    return event, last, sessions


def answers(survey, *rows):
    """Each row: (overall, {session: rating}, comment, language)."""
    Answer.objects.bulk_create(
        Answer(
            survey=survey,
            overall=overall,
            workshops={str(session.pk): rating for session, rating in ratings.items()},
            comment=comment,
            language=language,
            edit_key_hash=uuid.uuid4().hex,
        )
        for overall, ratings, comment, language in rows
    )


def known_feedback():
    """Six answers: session 1 rated six times (mean 4.5), session 2 four times (not shown); two comments."""
    event, last, sessions = known_series()
    first, second, _third = sessions
    answers(
        survey_of(event),
        (5, {first: 5, second: 4}, "Mehr Fallbeispiele bitte", "de"),
        (4, {first: 4, second: 4}, "", "ar"),
        (5, {first: 5, second: 3}, "", "ar"),
        (3, {first: 4, second: 5}, "", "fa"),
        (4, {first: 4}, "دورة مفيدة جدا", "ar"),
        (5, {first: 5}, "", "uk"),
    )
    return event, last, sessions


def table(built, key):
    return next(
        t for t in [*built.tables, *(built.feedback.tables if built.feedback else [])] if t.key == key
    )


def figures(built, key):
    return {row.label: (row.values, row.previous) for row in table(built, key).rows}


def test_figures_of_a_known_series_beside_the_previous_one():
    event, last, _sessions = known_series()
    built = series_report.build(event)
    assert built.previous == last
    assert figures(built, "enrolments") == {
        "Eingeschriebene Mittler:innen": ([7], 3),
        "Aktiv im Pool": ([6], 3),
        "Aus dem Pool ausgeschieden": ([1], 0),
        "Ausgestellte Teilnahmebescheinigungen": ([2], 1),
    }
    # Rate, replies attending / absent, present / absent / not recorded yet.
    assert figures(built, "sessions") == {
        "12.02.2099 Rollenklarheit": ([71, 5, 1, 5, 2, 0], None),
        "19.02.2099 Dolmetschen im Jobcenter": ([57, 3, 2, 4, 3, 0], None),
        "26.02.2099 Trauma (abgesagt)": (["–", 1, 0, 0, 0, 7], None),
    }
    assert table(built, "sessions").largest == 100  # its chart: rates out of 100 %
    assert figures(built, "mediator_languages") == {
        "Deutsch": ([7], "< 5"),
        "Arabisch": ([6], 0),
        "Persisch": (["< 5"], 0),
        "Ukrainisch": (["< 5"], 0),
    }
    assert [t.key for t in built.tables] == ["enrolments", "sessions", "mediator_languages"]
    assert built.feedback is None  # no survey


def test_the_feedback_part_asks_only_the_series_questions_and_hides_four_ratings():
    event, _last, _sessions = known_feedback()
    built = series_report.build(event)
    assert [t.key for t in built.feedback.tables] == [
        "feedback_answers",
        "feedback_ratings",
        "feedback_workshops",
    ]
    assert figures(built, "feedback_ratings") == {"Die Reihe insgesamt": ([4.3, 6, 3, 2, 1, 0, 0], None)}
    sessions = table(built, "feedback_workshops")
    assert sessions.title == "Bewertungen je Termin"
    assert [(row.label, row.values, row.hidden) for row in sessions.rows] == [
        ("12.02.2099 Rollenklarheit", [4.5, 6, 3, 3, 0, 0, 0], False),
        ("19.02.2099 Dolmetschen im Jobcenter", [HIDDEN], True),
    ]
    assert sorted(c.text for c in built.feedback.comments) == sorted(
        ["Mehr Fallbeispiele bitte", "دورة مفيدة جدا"]
    )


@pytest.fixture
def pool_client(client):
    client.force_login(mediator_manager())
    return client


def address(name, event):
    return reverse(f"backoffice:{name}", kwargs={"slug": event.slug})


def test_the_page_pdf_and_spreadsheet_hold_the_series_figures(pool_client):
    event, _last, _sessions = known_feedback()
    series_page = pool_client.get(reverse("mediators-staff:series", kwargs={"slug": event.slug})).text
    assert address("report", event) in series_page
    page = pool_client.get(address("report", event)).text
    assert page.count('role="img"') == 3 + 3 and page.count("<caption") == 3 + 3
    assert "Bewertungen je Termin" in page and HIDDEN in page and "4,5" in page
    assert "Sprachen von weniger als 5 Mittler:innen erscheinen als „< 5“" in page
    assert "Kinderbetreuung" not in page and "Dolmetschen</th>" not in page  # a Fachtag's rows
    for profile in MediatorProfile.objects.select_related("user"):  # counts only, never names
        assert profile.user.first_name not in page and profile.user.email not in page
    with translation.override("ar"):
        response = pool_client.get(address("report_pdf", event))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Bericht: Reihe 2099" in text and "Reihe 2098" in text
    assert "Sprachen von weniger als 5" in text and "Gruppen mit weniger als 5 Personen" not in text
    assert "Rückmeldungen und Anwesenheit je Termin" in text and "Rollenklarheit 71 5 1 5 2 0" in text
    assert "Mehr Fallbeispiele bitte" in text and HIDDEN in text
    response = pool_client.get(address("report_xlsx", event))
    workbook = load_workbook(io.BytesIO(response.content))
    cells = {
        sheet.cell(1, 1).value: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }
    assert ["Aktiv im Pool", 6, 3] in cells["Mittler:innen der Reihe"]
    assert ["12.02.2099 Rollenklarheit", 71, 5, 1, 5, 2, 0] in cells[
        "Rückmeldungen und Anwesenheit je Termin"
    ]
    assert ["Persisch", "< 5", 0] in cells["Arbeitssprachen der Mittler:innen"]
    assert ["Mehr Fallbeispiele bitte"] in cells["Kommentare (Freitext)"]
    kinds = set(
        AuditEntry.objects.filter(event=event, action="export").values_list("detail__kind", flat=True)
    )
    assert kinds == {"report.pdf", "report.xlsx"}


def test_a_series_report_is_for_the_pool_managers_not_for_event_roles(client, django_user_model):
    """And so is its feedback survey's window (the report links to it)."""
    event, _last, _sessions = known_series()
    fachtag = EventFactory(slug="fachtag-2099")
    organiser = django_user_model.objects.create_user(
        email="orga@example.org", password="x" * 12, is_staff=True
    )
    EventRole.objects.create(user=organiser, event=fachtag, role=EventRole.Role.ORGANISER)
    # Even an organiser role on the series itself does not open its report without the permission.
    series_role = django_user_model.objects.create_user(
        email="role@example.org", password="x" * 12, is_staff=True
    )
    EventRole.objects.create(user=series_role, event=event, role=EventRole.Role.ORGANISER)
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x" * 12)
    manager = mediator_manager()
    names = ("report", "report_xlsx", "report_pdf", "feedback_window")
    for user, status in ((organiser, 404), (series_role, 404), (manager, 200), (admin, 200)):
        client.force_login(user)
        for name in names:
            assert client.get(address(name, event)).status_code == status, (user.email, name)
    # A Fachtag's report stays its organisers' only: the pool manager gets a 404 there.
    client.force_login(manager)
    assert all(client.get(address(name, fachtag)).status_code == 404 for name in names)
    client.force_login(organiser)
    assert all(client.get(address(name, fachtag)).status_code == 200 for name in names)
    client.logout()
    assert client.get(address("report", event)).status_code == 302


def test_a_fixed_number_of_queries_at_500_mediators(pool_client):
    """The figures, the page and the spreadsheet take as many queries at 500 mediators as at 7."""
    event, last, sessions = known_feedback()
    addresses = [address("report", event), address("report_xlsx", event)]

    def measure():
        with CaptureQueriesContext(connection) as built:
            series_report.build(event)
        counts = [len(built)]
        for url in addresses:
            with CaptureQueriesContext(connection) as page:
                assert pool_client.get(url).status_code == 200
            counts.append(len(page))
        return counts

    small = measure()
    languages = [["ar", "de"], ["uk", "ru"], ["fa", "prs"], ["tr"], ["de-simple", "en"]]
    enrolled = enrol(event, mediators([languages[i % 5] for i in range(500)], prefix="x"), sessions)
    record(sessions[0], enrolled[::2], reply="attending", attended=True)
    enrol(last, mediators([["de"]] * 200, prefix="y"), [])
    answers(Survey.objects.get(event=event), *[(4, {sessions[0]: 5, sessions[1]: 3}, "", "de")] * 300)
    large = measure()
    assert large == small
    assert large[0] <= 8 and large[1] <= 16 and large[2] <= 15  # as measured (7, 14, 13), plus 2 for pages
    built = series_report.build(event)
    assert figures(built, "enrolments")["Eingeschriebene Mittler:innen"] == ([507], 203)
    assert built.feedback.answers == 306


def test_the_demo_gives_last_years_series_its_report(pool_client):
    """`make run`'s demo: last year's series with enrolments, replies, attendance, certificates and answers,
    each figure of its report computed here from the database; its last session has four ratings only."""
    from django.core.management import call_command

    call_command("load_demo")
    call_command("load_demo_mediators")
    call_command("load_demo_series")
    call_command("load_demo_series")  # a second run adds nothing
    past, upcoming = Event.objects.filter(kind=Event.Kind.TRAINING).order_by("starts_at")
    enrolments = Enrolment.objects.filter(event=past)
    certified = enrolments.filter(certificate_sent_at__isnull=False).count()
    assert enrolments.count() > 10 and 0 < certified < enrolments.count()
    left = enrolments.filter(mediator__is_active=False).count()
    assert left > 0
    built = series_report.build(past)
    assert figures(built, "enrolments") == {
        "Eingeschriebene Mittler:innen": ([enrolments.count()], None),
        "Aktiv im Pool": ([enrolments.count() - left], None),
        "Aus dem Pool ausgeschieden": ([left], None),
        "Ausgestellte Teilnahmebescheinigungen": ([certified], None),
    }
    sessions = list(Workshop.objects.filter(slot__event=past).order_by("slot__starts_at"))
    for session, row in zip(sessions, table(built, "sessions").rows, strict=True):
        records = SessionRecord.objects.filter(session=session)
        present, absent = records.filter(attended=True).count(), records.filter(attended=False).count()
        assert row.values == [
            round(100 * present / (present + absent)),
            records.filter(reply="attending").count(),
            records.filter(reply="absent").count(),
            present,
            absent,
            0,
        ]
        assert 0 < absent < present
    survey = Survey.objects.get(event=past)
    stored = list(survey.answers.all())
    assert len(stored) >= 5 and {a.language for a in stored if a.comment} >= {"de", "ar"}
    ratings = {row.label.split(" ", 1)[1]: row for row in table(built, "feedback_workshops").rows}
    last = ratings[sessions[-1].title]
    assert sum(1 for a in stored if a.workshops.get(str(sessions[-1].pk))) == 4 and last.hidden
    assert all(not ratings[s.title].hidden for s in sessions[:-1])
    mean = sum(a.overall for a in stored) / len(stored)
    assert figures(built, "feedback_ratings")["Die Reihe insgesamt"][0][:2] == [round(mean, 1), len(stored)]
    # The series ahead is compared with it; the page shows the figures.
    assert series_report.build(upcoming).previous == past
    page = pool_client.get(address("report", past)).text
    assert f'<td class="kern-table__cell kern-table__cell--numeric">{certified}</td>' in page
    assert HIDDEN in page and all(a.comment in page for a in stored if a.comment)
