"""H12: the feedback part of the report — figures from the answers, the anonymity rule (a breakdown of fewer
than five answers is not shown), comments for staff, the PDF and XLSX, a fixed number of queries, the demo."""

import io
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from backoffice import report
from backoffice.models import EventRole
from fachtag.models import Event, Workshop
from feedback.models import Answer, Survey
from tests.backoffice.test_report import known_data

pytestmark = pytest.mark.django_db

HIDDEN = "weniger als 5 Antworten: nicht gezeigt"


def survey_of(event) -> Survey:
    opens = event.ends_at + timedelta(hours=16)
    return Survey.objects.create(event=event, opens_at=opens, closes_at=opens + timedelta(days=14))


def answers(survey, *rows):
    """Each row: (overall, {workshop: rating}, childcare, interpreting, next steps, comment, language)."""
    Answer.objects.bulk_create(
        Answer(
            survey=survey,
            overall=overall,
            workshops={str(workshop.pk): rating for workshop, rating in workshops.items()},
            childcare=childcare,
            interpreting=interpreting,
            next_steps=steps,
            comment=comment,
            language=language,
            edit_key_hash=uuid.uuid4().hex,
        )
        for overall, workshops, childcare, interpreting, steps, comment, language in rows
    )


def known_feedback():
    """This year 7 answers: "Bewerbung" rated 6 times (4.3), "Netzwerken" 4 times (not shown), childcare 4
    times (not shown), interpreting 5 times (4.0), three comments. Last year 3 answers (nothing shown)."""
    event, last = known_data()
    full = Workshop.objects.get(slot__event=event, title_de="Bewerbung")
    quiet = Workshop.objects.get(slot__event=event, title_de="Netzwerken")
    answers(
        survey_of(event),
        (5, {full: 5, quiet: 2}, 5, 4, ["job", "course"], "Zweiter Tag bitte!", "de"),
        (5, {full: 4, quiet: 3}, 4, 4, ["job"], "", "de"),
        (4, {full: 4, quiet: 4}, 5, 5, ["recognition"], "شكرا على الترجمة", "ar"),
        (4, {full: 3, quiet: None}, 3, 3, ["job", "counselling"], "", "ar"),
        (3, {full: 5}, None, 4, [], "a great day", "en"),
        (2, {full: 5, quiet: 5}, None, None, ["course"], "", "fa"),
        (5, {}, None, None, [], "", "de"),
    )
    answers(survey_of(last), *[(4, {}, None, None, ["job"], "", "de")] * 3)
    return event, last


def table(built, key):
    return next(t for t in built.feedback.tables if t.key == key)


def rows(built, key):
    """Label (without a workshop's time) → (values, previous, hidden)."""
    strip = key == "feedback_workshops"
    return {
        (row.label.split(" ", 1)[1] if strip else row.label): (row.values, row.previous, row.hidden)
        for row in table(built, key).rows
    }


@pytest.mark.parametrize(("answers", "shown"), [(0, False), (1, False), (4, False), (5, True), (50, True)])
def test_the_anonymity_rule_shows_a_breakdown_from_five_answers_on(answers, shown):
    assert report.breakdown_shown(answers) is shown


def test_feedback_figures_of_a_known_survey_beside_the_previous_one():
    event, _last = known_feedback()
    built = report.build(event)
    feedback = built.feedback
    assert feedback.answers == 7 and feedback.previous_answers == 3
    assert rows(built, "feedback_answers") == {
        "Antworten": ([7], 3, False),
        "Antworten mit Kommentar": ([3], 0, False),
    }
    ratings = rows(built, "feedback_ratings")
    # Mean, answers, then very good … bad.
    assert ratings["Der Tag insgesamt"] == ([4.0, 7, 3, 2, 1, 1, 0], HIDDEN, False)
    assert ratings["Kinderbetreuung"] == ([HIDDEN], HIDDEN, True)
    assert ratings["Dolmetschen"] == ([4.0, 5, 1, 3, 1, 0, 0], HIDDEN, False)
    assert rows(built, "feedback_workshops") == {
        "Bewerbung": ([4.3, 6, 3, 2, 1, 0, 0], None, False),
        "Netzwerken": ([HIDDEN], None, True),
    }
    steps = rows(built, "feedback_next_steps")
    assert [values for values, _p, _h in steps.values()] == [[3], [2], [1], [1], [0]]
    assert {previous for _v, previous, _h in steps.values()} == {HIDDEN}
    assert [c.text for c in feedback.comments] == ["a great day", "Zweiter Tag bitte!", "شكرا على الترجمة"]
    assert feedback.comments_in_downloads


def test_a_survey_with_four_answers_shows_no_breakdown_and_keeps_comments_out_of_the_downloads():
    event, _last = known_data()
    workshop = Workshop.objects.get(slot__event=event, title_de="Bewerbung")
    answers(survey_of(event), *[(5, {workshop: 5}, 5, 5, ["job"], "Danke", "de")] * 4)
    built = report.build(event)
    assert built.feedback.previous_answers is None
    for key in ("feedback_ratings", "feedback_workshops", "feedback_next_steps"):
        assert all(row.hidden and row.values == [HIDDEN] for row in table(built, key).rows), key
    assert rows(built, "feedback_answers")["Antworten"] == ([4], None, False)
    assert not built.feedback.comments_in_downloads
    sheets = [section.sheet for section in report.to_export(built).sections]
    assert "Kommentare (Freitext)" not in sheets
    text = pdf_text(report.to_pdf(event))
    assert HIDDEN in text and "Danke" not in text


def test_no_survey_no_feedback_part():
    event, _last = known_data()
    assert report.build(event).feedback is None


def organiser(client, django_user_model, event):
    user = django_user_model.objects.create_user(email="orga-fb@example.org", password="a-long-password-1")
    EventRole.objects.create(user=user, event=event, role=EventRole.Role.ORGANISER)
    client.force_login(user)
    return client


def address(name, event):
    return reverse(f"backoffice:{name}", kwargs={"slug": event.slug})


def sheets(content: bytes) -> dict[str, list[list]]:
    """The spreadsheet's sheets by their heading (first row): their titles are cut at 31 characters."""
    workbook = load_workbook(io.BytesIO(content))
    found = {}
    for sheet in workbook.worksheets:
        cells = [list(row) for row in sheet.iter_rows(values_only=True)]
        found[cells[0][0]] = cells
    return found


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_page_pdf_and_spreadsheet_hold_the_feedback(client, django_user_model):
    event, _last = known_feedback()
    staff = organiser(client, django_user_model, event)
    page = staff.get(address("report", event)).text
    assert page.count('role="img"') == 6 + 4
    assert HIDDEN in page and "4,3" in page
    assert '<li lang="ar" dir="auto">شكرا على الترجمة</li>' in page
    assert page.index("a great day") < page.index("Zweiter Tag") < page.index("شكرا")
    text = pdf_text(staff.get(address("report_pdf", event)).content)
    assert "Bewertungen je Workshop" in text and "Bewerbung" in text and "4,3" in text
    assert "Zweiter Tag bitte!" in text and HIDDEN in text
    cells = sheets(staff.get(address("report_xlsx", event)).content)
    workshops = cells["Bewertungen je Workshop"]
    assert [workshops[2][0].split(" ", 1)[1], *workshops[2][1:]] == ["Bewerbung", 4.3, 6, 3, 2, 1, 0, 0]
    assert [workshops[3][0].split(" ", 1)[1], workshops[3][1]] == ["Netzwerken", HIDDEN]
    assert ["Zweiter Tag bitte!"] in cells["Kommentare (Freitext)"]


def test_the_feedback_part_takes_a_fixed_number_of_queries(client, django_user_model):
    """The figures and the page take as many queries at 700 answers as at 7 (the report's budget with
    answers, with a previous event's survey: build ≤ 15, page ≤ 21)."""
    event, last = known_feedback()
    staff = organiser(client, django_user_model, event)

    def measure():
        with CaptureQueriesContext(connection) as figures:
            report.build(event)
        with CaptureQueriesContext(connection) as page:
            assert staff.get(address("report", event)).status_code == 200
        return len(figures), len(page)

    small = measure()
    workshops = list(Workshop.objects.filter(slot__event=event))
    answers(
        Survey.objects.get(event=event),
        *[
            (1 + n % 5, {w: 1 + (n + i) % 5 for i, w in enumerate(workshops)}, 3, 4, ["job"], f"c{n}", "de")
            for n in range(700)
        ],
    )
    answers(Survey.objects.get(event=last), *[(4, {}, None, None, ["job"], "", "de")] * 100)
    large = measure()
    assert large == small
    assert large[0] <= 15 and large[1] <= 21
    assert report.build(event).feedback.answers == 707


def test_the_demo_survey_gives_the_report_its_feedback(client, django_user_model):
    """The demo's answers (last year's Fachtag) in the report page, its PDF and XLSX, each figure computed
    here from the database; one workshop of the demo has four ratings and is not shown."""
    call_command("load_demo")
    call_command("load_demo_registrations")
    call_command("load_demo_feedback")
    call_command("load_demo_feedback")  # a second run adds nothing
    survey = Survey.objects.get(event__kind=Event.Kind.FACHTAG)
    event = survey.event
    stored = list(survey.answers.all())
    assert len(stored) > 20 and len({a.language for a in stored}) >= 4
    overall = Counter(a.overall for a in stored)
    mean = f"{sum(a.overall for a in stored) / len(stored):.1f}".replace(".", ",")
    per_workshop = Counter(key for a in stored for key, rating in a.workshops.items() if rating)
    assert 4 in per_workshop.values() and max(per_workshop.values()) >= 5
    small = Workshop.objects.get(pk=next(k for k, n in per_workshop.items() if n == 4))
    big_key, big_n = per_workshop.most_common(1)[0]
    big = Workshop.objects.get(pk=big_key)
    big_mean = sum(a.workshops[big_key] for a in stored if a.workshops.get(big_key)) / big_n
    comments = [a.comment for a in stored if a.comment]
    assert {"de", "ar", "en"} <= {a.language for a in stored if a.comment}

    staff = organiser(client, django_user_model, event)
    page = staff.get(address("report", event)).text
    # Rows as rendered: label cell, then the cells of the figures.
    cells = f'<td class="kern-table__cell kern-table__cell--numeric">{mean}</td>' + (
        f'<td class="kern-table__cell kern-table__cell--numeric">{len(stored)}</td>'
    )
    assert cells in page
    assert f"{big.title}</th>" in page and f"{big_mean:.1f}".replace(".", ",") in page
    small_row = page[page.rindex(f"{small.title}</th>") :]  # its feedback row, after its fill rate
    assert small_row.split("</tr>")[0].count(HIDDEN) == 1
    assert all(comment in page for comment in comments)

    text = pdf_text(staff.get(address("report_pdf", event)).content)
    assert f"{mean} {len(stored)} {overall[5]} {overall[4]} {overall[3]}" in text
    assert small.title in text and HIDDEN in text
    assert all(comment.split()[0] in text for comment in comments if comment.isascii())

    cells = sheets(staff.get(address("report_xlsx", event)).content)
    ratings = cells["Bewertungen: Mittelwert und Verteilung"]
    assert ["Der Tag insgesamt", float(mean.replace(",", ".")), len(stored)] == ratings[2][:3]
    assert sorted(comments) == sorted(row[0] for row in cells["Kommentare (Freitext)"][2:])
