"""Attendance and certificates follow what happened: attendance only for sessions that have begun, a
certificate once the minimum is reached by sessions that took place, dated on that day, named after the
series and her."""

import email
import io
from email import policy
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from fachtag.models import Event, TimeSlot, Workshop
from mediators import services
from mediators.models import MediatorProfile, SessionRecord
from notifications.models import OutboxMessage
from notifications.rendering import render
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin, mediator_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def series():
    """Sprachmittler-Fortbildung 2027: five sessions, February to June 2027, three needed."""
    event = EventFactory(
        kind=Event.Kind.TRAINING,
        slug="fortbildung-2027",
        title_de="Sprachmittler-Fortbildung 2027",
        title_ar="تدريب الوسطاء اللغويين 2027",
        starts_at=berlin(2027, 2, 1, 16, 0),
        ends_at=berlin(2027, 9, 30, 19, 0),
        min_sessions_for_certificate=3,
    )
    for month in range(2, 7):
        slot = TimeSlotFactory(
            event=event,
            kind=TimeSlot.Kind.PLENARY,
            starts_at=berlin(2027, month, 10, 16, 0),
            ends_at=berlin(2027, month, 10, 19, 0),
        )
        WorkshopFactory(slot=slot, title_de=f"Thema {month}", title_ar=f"موضوع {month}", capacity=30)
    return event


@pytest.fixture
def leyla(series):
    user = get_user_model().objects.create_user(
        email="leyla.demir@example.org", password="x" * 12, first_name="Leyla", last_name="Demir"
    )
    profile = MediatorProfile.objects.create(user=user, language="ar")
    services.enrol(event_id=series.pk)
    return profile


def sessions(series) -> list[Workshop]:
    return list(Workshop.objects.filter(slot__event=series).order_by("slot__starts_at"))


def record(profile, session) -> SessionRecord:
    return SessionRecord.objects.get(session=session, enrolment__mediator=profile)


def attend(profile, session, staff, *, now):
    return services.record_attendance(
        session_id=session.pk, present_record_ids={record(profile, session).pk}, recorded_by=staff, now=now
    )


def parsed(stored: OutboxMessage):
    message = render(stored.kind, language=stored.language, to=stored.to, context=stored.context).as_email()
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_attendance_for_a_session_that_has_not_begun_is_refused_and_nothing_is_recorded(series, leyla):
    staff = mediator_manager("office@example.org")
    first = sessions(series)[0]
    with pytest.raises(services.AttendanceTooEarly) as refused:
        attend(leyla, first, staff, now=berlin(2027, 2, 10, 15, 59))
    assert "10. Februar 2027, 16:00" in str(refused.value)
    assert record(leyla, first).attended is None
    assert record(leyla, first).attendance_recorded_at is None
    assert attend(leyla, first, staff, now=berlin(2027, 2, 10, 16, 0)) == []  # from its start on
    assert record(leyla, first).attended is True


def test_the_staff_page_shows_a_future_session_without_tick_boxes_and_refuses_a_sent_form(
    client, series, leyla, time_machine
):
    time_machine.move_to(berlin(2026, 12, 7, 10, 0))
    staff = mediator_manager("office@example.org")
    client.force_login(staff)
    first = sessions(series)[0]
    url = f"/staff/mediators/trainings/{series.slug}/sessions/{first.pk}/attendance/"
    page = client.get(url).content.decode()
    assert 'type="checkbox"' not in page and '<form method="post"' not in page
    assert "ab 10. Februar 2027, 16:00" in page and "Leyla Demir" in page

    mine = record(leyla, first)
    refused = client.post(url, {"present": [str(mine.pk)]})
    content = refused.content.decode()
    assert refused.status_code == 200
    assert "error-summary" in content and 'id="present-error"' in content
    assert f'href="#present-{mine.pk}"' in content
    assert "kann ab 10. Februar 2027, 16:00 erfasst werden" in content
    assert f'id="present-{mine.pk}" value="{mine.pk}" checked' in content  # her ticks are kept
    assert record(leyla, first).attended is None
    assert not OutboxMessage.objects.filter(kind="training_certificate").exists()


def test_attended_marks_on_future_or_cancelled_sessions_earn_no_certificate(series, leyla, time_machine):
    """Marks recorded before this rule (in December 2026 for 2027) count only once the sessions took place."""
    time_machine.move_to(berlin(2026, 12, 7, 10, 0))
    SessionRecord.objects.filter(enrolment__mediator=leyla).update(attended=True)
    enrolment = leyla.enrolments.get()
    assert services.attended_count(enrolment) == 0
    assert not services.is_certified(enrolment)
    assert services.certificate_date(enrolment) is None

    all_sessions = sessions(series)
    Workshop.objects.filter(pk=all_sessions[1].pk).update(status=Workshop.Status.CANCELLED)
    time_machine.move_to(berlin(2027, 4, 20, 10, 0))  # three have begun, one of them was cancelled
    assert services.attended_count(enrolment) == 2
    assert not services.is_certified(enrolment)


def test_the_certificate_comes_with_the_session_that_reaches_the_minimum_and_is_dated_on_its_day(
    client, series, leyla, time_machine
):
    staff = mediator_manager("office@example.org")
    first, second, third, fourth, _fifth = sessions(series)
    assert attend(leyla, first, staff, now=berlin(2027, 2, 10, 18, 0)) == []
    assert attend(leyla, second, staff, now=berlin(2027, 3, 10, 18, 0)) == []
    # The third is recorded a week late, by then the fourth (which she missed) has not been recorded.
    time_machine.move_to(berlin(2027, 4, 17, 9, 0))
    assert len(attend(leyla, third, staff, now=berlin(2027, 4, 17, 9, 0))) == 1
    # Recorded later on: she was there at the fourth too; still one certificate.
    time_machine.move_to(berlin(2027, 5, 12, 9, 0))
    assert attend(leyla, fourth, staff, now=berlin(2027, 5, 12, 9, 0)) == []
    [stored] = OutboxMessage.objects.filter(kind="training_certificate")

    time_machine.move_to(berlin(2027, 5, 12, 10, 0))  # the worker makes the PDF when it sends
    message = parsed(stored)
    [attachment] = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert attachment.get_filename() == "Zertifikat-Sprachmittler-Fortbildung-2027-Leyla-Demir.pdf"
    text = pdf_text(attachment.get_payload(decode=True))
    assert "Ausgestellt am 10. April 2027" in text  # the third session's day, not the day it was recorded
    assert "12. Mai 2027" not in text and "17. April 2027" not in text
    assert all(f"Thema {n}" in text for n in (2, 3, 4, 5)) and "Thema 6" not in text

    client.force_login(leyla.user)
    download = client.get(
        f"/de/my/trainings/{stored.context['attachments'][0]['kwargs']['enrolment_id']}/certificate.pdf"
    )
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="Zertifikat-Sprachmittler-Fortbildung-2027-Leyla-Demir.pdf"'
    )
    assert "Ausgestellt am 10. April 2027" in pdf_text(download.content)


def test_a_non_latin_name_keeps_an_ascii_file_name_and_gets_the_full_one_as_utf8(
    client, series, time_machine
):
    user = get_user_model().objects.create_user(
        email="samira@example.org", password="x" * 12, first_name="سميرة", last_name="Nūrī Müller"
    )
    profile = MediatorProfile.objects.create(user=user, language="ar")
    services.enrol(event_id=series.pk)
    staff = mediator_manager("office@example.org")
    time_machine.move_to(berlin(2027, 7, 1, 9, 0))
    for session in sessions(series)[:3]:
        attend(profile, session, staff, now=berlin(2027, 7, 1, 9, 0))
    client.force_login(user)
    download = client.get(f"/de/my/trainings/{profile.enrolments.get().pk}/certificate.pdf")
    header = download["Content-Disposition"]
    ascii_part, utf8_part = header.split("; filename*=UTF-8''")
    assert ascii_part == 'attachment; filename="Zertifikat-Sprachmittler-Fortbildung-2027-Nuri-Mueller.pdf"'
    assert unquote(utf8_part) == "Zertifikat-Sprachmittler-Fortbildung-2027-سميرة-Nūrī-Müller.pdf"
    assert header.isascii()


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_certificate_mail_is_in_her_language_with_both_pages(series, language, time_machine):
    user = get_user_model().objects.create_user(
        email="leyla.demir@example.org", password="x" * 12, first_name="Leyla", last_name="Demir"
    )
    profile = MediatorProfile.objects.create(user=user, language=language)
    services.enrol(event_id=series.pk)
    staff = mediator_manager("office@example.org")
    time_machine.move_to(berlin(2027, 7, 1, 9, 0))
    for session in sessions(series)[:3]:
        attend(profile, session, staff, now=berlin(2027, 7, 1, 9, 0))
    message = parsed(OutboxMessage.objects.get(kind="training_certificate"))
    html = message.get_body(("html",)).get_content()
    pdf = next(part for part in message.walk() if part.get_content_type() == "application/pdf")
    pages = PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages
    if language == "ar":
        assert '<html lang="ar" dir="rtl">' in html and "تدريب الوسطاء اللغويين 2027" in message["Subject"]
        assert len(pages) == 2
    else:
        assert '<html lang="de" dir="ltr">' in html and "Sprachmittler-Fortbildung 2027" in message["Subject"]
        assert len(pages) == 1
    assert "Leyla Demir" in html


def test_the_portal_offers_replies_only_for_sessions_ahead_and_shows_attendance_for_past_ones(
    client, series, leyla, time_machine
):
    staff = mediator_manager("office@example.org")
    first, second, third, *_ = sessions(series)
    attend(leyla, first, staff, now=berlin(2027, 2, 10, 18, 0))
    time_machine.move_to(berlin(2027, 3, 20, 10, 0))  # the first two have taken place, only one recorded
    client.force_login(leyla.user)
    page = client.get("/de/my/trainings/").content.decode()
    assert f'id="reason-{record(leyla, first).pk}"' not in page
    assert f'id="reason-{record(leyla, second).pk}"' not in page
    assert f'id="reason-{record(leyla, third).pk}"' in page
    assert "Anwesenheit: teilgenommen" in page
    assert "Anwesenheit: noch nicht erfasst." in page
    assert page.count('name="answer"') == 2 * 3  # two choices for each of the three sessions ahead

    # A page left open from before: the reply for a session that has begun is refused, nothing changes.
    response = client.post(
        "/de/my/trainings/reply/", {"record": record(leyla, second).pk, "answer": "absent", "reason": "krank"}
    )
    assert response.status_code == 302
    assert record(leyla, second).reply == ""
    follow = client.get("/de/my/trainings/").content.decode()
    assert "Dieser Termin hat schon begonnen" in follow
