import email
import io
from datetime import timedelta
from email import policy

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from icalendar import Calendar
from pypdf import PdfReader

from fachtag.models import Event, TimeSlot, Workshop
from mediators import services
from mediators.models import ORGANISERS_GROUP, MediatorProfile, SessionRecord
from notifications.models import OutboxMessage
from notifications.rendering import render
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin, mediator_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def series():
    event = EventFactory(
        kind=Event.Kind.TRAINING,
        slug="sprachmittlung",
        title_de="Fortbildungsreihe",
        title_ar="سلسلة التدريب",
        starts_at=berlin(2099, 2, 1, 16, 0),
        ends_at=berlin(2099, 12, 1, 19, 0),
        min_sessions_for_certificate=5,
    )
    for month in range(2, 8):
        slot = TimeSlotFactory(
            event=event,
            kind=TimeSlot.Kind.PLENARY,
            starts_at=berlin(2099, month, 10, 16, 0),
            ends_at=berlin(2099, month, 10, 19, 0),
        )
        WorkshopFactory(slot=slot, title_de=f"Thema {month}", title_ar=f"موضوع {month}", capacity=30)
    return event


def mediator(email_address="samira@example.org", language="ar", **user_fields):
    user = get_user_model().objects.create_user(
        email=email_address, password="a-long-password-1", **user_fields
    )
    return MediatorProfile.objects.create(user=user, language=language)


def mail(kind, to):
    return mail_of(OutboxMessage.objects.filter(kind=kind, to=to).latest("pk"))


def mail_of(stored):
    message = render(stored.kind, language=stored.language, to=stored.to, context=stored.context).as_email()
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def invite_of(parsed) -> Calendar:
    part = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar" and not p.get_filename())
    return Calendar.from_ical(part.get_payload(decode=True))


def test_invitation_lets_her_set_a_password_and_log_in_by_email(client):
    [profile] = services.invite(emails=["  Samira@Example.org ", "samira@example.org"])
    parsed = mail("mediator_invitation", "samira@example.org")
    link = next(
        line
        for line in parsed.get_body(("plain",)).get_content().splitlines()
        if "/mediators/invitation/" in line
    )
    path = link.split("127.0.0.1:8000", 1)[1].strip()
    assert client.get(path).status_code == 200
    response = client.post(
        path, {"new_password1": "ein-langes-Passwort-7", "new_password2": "ein-langes-Passwort-7"}
    )
    assert response.status_code == 302
    assert client.get("/de/my/trainings/").status_code == 200
    assert client.get(path).status_code == 404  # used once
    client.logout()
    assert client.login(email="samira@example.org", password="ein-langes-Passwort-7")
    from allauth.account.models import EmailAddress

    assert EmailAddress.objects.get(user=profile.user).verified


def test_a_forged_invitation_link_opens_nothing(client):
    assert client.get("/de/mediators/invitation/abc:def/").status_code == 404


def test_enrolment_sends_the_schedule_and_one_invite_per_session_in_her_language(series):
    profile = mediator()
    services.enrol(event_id=series.pk)
    services.enrol(event_id=series.pk)  # twice: nothing more
    assert OutboxMessage.objects.filter(kind="training_schedule").count() == 1
    parsed = mail("training_schedule", profile.user.email)
    assert "سلسلة التدريب" in parsed["Subject"]
    body = parsed.get_body(("plain",)).get_content()
    assert all(f"موضوع {month}" in body for month in range(2, 8))
    assert not [p for p in parsed.walk() if p.get_content_type() in ("text/calendar", "application/ics")]
    invites = OutboxMessage.objects.filter(kind="training_session_invite", to=profile.user.email)
    assert invites.count() == 6
    events = []
    for stored in invites:
        parsed = mail_of(stored)
        calendar = invite_of(parsed)
        assert calendar["METHOD"] == "REQUEST"
        events += calendar.walk("VEVENT")
        assert parsed["Subject"].endswith(str(calendar.walk("VEVENT")[0]["SUMMARY"]))
    assert len(events) == 6 and len({str(e["UID"]) for e in events}) == 6
    assert {str(e["SUMMARY"]) for e in events} == {f"موضوع {month}" for month in range(2, 8)}
    assert {e["SUMMARY"].params["LANGUAGE"] for e in events} == {"ar"}


def test_only_active_or_chosen_mediators_are_enrolled(series):
    active, inactive, chosen = mediator("a@example.org"), mediator("b@example.org"), mediator("c@example.org")
    services.set_active(profile_id=inactive.pk, active=False)
    assert {e.mediator for e in services.enrol(event_id=series.pk, profile_ids=[chosen.pk])} == {chosen}
    assert {e.mediator for e in services.enrol(event_id=series.pk)} == {active}


def test_a_moved_session_raises_the_sequence_of_that_uid_only(series):
    profile = mediator()
    services.enrol(event_id=series.pk)
    session = Workshop.objects.filter(slot__event=series).order_by("slot__starts_at").first()
    schedule = {
        str(e["UID"]): int(e["SEQUENCE"])
        for stored in OutboxMessage.objects.filter(kind="training_session_invite")
        for e in invite_of(mail_of(stored)).walk("VEVENT")
    }
    TimeSlot.objects.filter(pk=session.slot_id).update(starts_at=session.slot.starts_at + timedelta(hours=1))
    services.session_changed(session_id=session.pk)
    update = invite_of(mail("training_session_changed", profile.user.email)).walk("VEVENT")
    assert len(update) == 1
    uid = str(update[0]["UID"])
    assert uid in schedule and int(update[0]["SEQUENCE"]) == schedule[uid] + 1
    Workshop.objects.filter(pk=session.pk).update(status="cancelled")
    services.session_changed(session_id=session.pk)
    cancelled = invite_of(mail("training_session_cancelled", profile.user.email))
    assert cancelled["METHOD"] == "CANCEL" and [str(e["UID"]) for e in cancelled.walk("VEVENT")] == [uid]


def test_the_feed_shows_her_sessions_and_a_renewed_token_kills_the_old_url(client, series):
    profile = mediator()
    services.enrol(event_id=series.pk)
    old = profile.feed_token
    response = client.get(f"/de/feed/{old}.ics")
    calendar = Calendar.from_ical(response.content)
    assert len(calendar.walk("VEVENT")) == 6 and "METHOD" not in calendar
    client.force_login(profile.user)
    client.post("/de/my/trainings/feed/renew/")
    assert client.get(f"/de/feed/{old}.ics").status_code == 404
    profile.refresh_from_db()
    assert client.get(f"/de/feed/{profile.feed_token}.ics").status_code == 200


def test_the_feed_is_named_hints_its_refresh_and_answers_a_conditional_get_with_304(
    client, series, time_machine
):
    profile = mediator()
    services.enrol(event_id=series.pk)
    url = f"/de/feed/{profile.feed_token}.ics"
    first = client.get(url)
    calendar = Calendar.from_ical(first.content)
    assert str(calendar["X-WR-CALNAME"]) == str(calendar["NAME"]) == "سلسلة التدريب"  # in her language
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in first.content
    assert b"X-PUBLISHED-TTL:PT6H\r\n" in first.content
    assert first["Cache-Control"] == "private"
    assert first["ETag"] and first["Last-Modified"]

    time_machine.move_to(timezone.now() + timedelta(hours=3))  # no change, only time passes
    second = client.get(url)
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304

    time_machine.move_to(timezone.now() + timedelta(hours=1))
    session = Workshop.objects.filter(slot__event=series).order_by("slot__starts_at").first()
    Workshop.objects.filter(pk=session.pk).update(room="Raum 9")
    services.session_changed(session_id=session.pk)
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert b"Raum 9" in changed.content
    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 200


def test_the_subscribe_link_uses_https_where_the_site_does(client, series, settings):
    profile = mediator()
    client.force_login(profile.user)
    assert (
        f"webcal://127.0.0.1:8000/de/feed/{profile.feed_token}.ics"
        in client.get("/de/my/trainings/").content.decode()
    )
    settings.SITE_URL = "https://fachtag.example.org"
    page = client.get("/de/my/trainings/").content.decode()
    assert f"https://fachtag.example.org/de/feed/{profile.feed_token}.ics" in page and "webcal:" not in page


def test_replies_are_saved_and_organisers_see_them(client, series):
    profile = mediator(first_name="Samira", last_name="Nouri")
    services.enrol(event_id=series.pk)
    record = SessionRecord.objects.filter(enrolment__mediator=profile).first()
    client.force_login(profile.user)
    client.post("/de/my/trainings/reply/", {"record": record.pk, "answer": "absent", "reason": "Arzttermin"})
    record.refresh_from_db()
    assert (record.reply, record.reason) == ("absent", "Arzttermin")
    staff = mediator_manager("office@example.org")
    client.force_login(staff)
    content = client.get(f"/staff/mediators/trainings/{series.slug}/").content.decode()
    assert "Samira Nouri" in content and "Arzttermin" in content


def test_a_mediator_cannot_reply_for_another_or_open_her_certificate(client, series):
    mine, other = mediator("mine@example.org"), mediator("other@example.org")
    services.enrol(event_id=series.pk)
    foreign = SessionRecord.objects.filter(enrolment__mediator=other).first()
    client.force_login(mine.user)
    assert (
        client.post("/de/my/trainings/reply/", {"record": foreign.pk, "answer": "attending"}).status_code
        == 404
    )
    foreign_enrolment = foreign.enrolment_id
    assert client.get(f"/de/my/trainings/{foreign_enrolment}/certificate.pdf").status_code == 404
    assert client.get("/staff/mediators/").status_code == 404  # no right to manage the pool
    assert other.user.email not in client.get("/de/my/trainings/").content.decode()


def test_reaching_the_minimum_attendance_sends_a_certificate_that_names_her_and_the_sessions(
    client, series, time_machine
):
    time_machine.move_to(berlin(2099, 12, 1, 12, 0))  # after the series: every session has taken place
    profile = mediator(first_name="Samira", last_name="Nouri")
    services.enrol(event_id=series.pk)
    staff = mediator_manager("office@example.org")
    sessions = list(Workshop.objects.filter(slot__event=series).order_by("slot__starts_at"))
    for session in sessions[:4]:
        record = SessionRecord.objects.get(session=session, enrolment__mediator=profile)
        assert (
            services.record_attendance(
                session_id=session.pk, present_record_ids={record.pk}, recorded_by=staff
            )
            == []
        )
    record = SessionRecord.objects.get(session=sessions[4], enrolment__mediator=profile)
    assert (
        len(
            services.record_attendance(
                session_id=sessions[4].pk, present_record_ids={record.pk}, recorded_by=staff
            )
        )
        == 1
    )
    parsed = mail("training_certificate", profile.user.email)
    pdf = next(p for p in parsed.walk() if p.get_content_type() == "application/pdf")
    assert pdf.get_filename() == "Zertifikat-Fortbildungsreihe-Samira-Nouri.pdf"
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages
    )
    assert "Samira Nouri" in text
    assert all(f"Thema {n}" in text for n in range(2, 7))
    assert "Thema 7" not in text
    client.force_login(profile.user)
    download = client.get(f"/de/my/trainings/{record.enrolment_id}/certificate.pdf")
    assert download["Content-Type"] == "application/pdf"
    services.record_attendance(session_id=sessions[5].pk, present_record_ids=set(), recorded_by=staff)
    assert OutboxMessage.objects.filter(kind="training_certificate").count() == 1


def test_organisers_tick_attendance_on_a_page(client, series, time_machine):
    time_machine.move_to(berlin(2099, 12, 1, 12, 0))
    profile = mediator()
    services.enrol(event_id=series.pk)
    staff = mediator_manager("office@example.org")
    client.force_login(staff)
    session = Workshop.objects.filter(slot__event=series).first()
    record = SessionRecord.objects.get(session=session, enrolment__mediator=profile)
    url = f"/staff/mediators/trainings/{series.slug}/sessions/{session.pk}/attendance/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"present": [str(record.pk)]}).status_code == 302
    record.refresh_from_db()
    assert record.attended is True and record.attendance_recorded_by == staff


def test_organisers_invite_several_mediators_at_once_from_a_pasted_list(client):
    staff = mediator_manager("office@example.org")
    client.force_login(staff)
    response = client.post("/staff/mediators/", {"emails": "a@example.org, b@example.org\nc@example.org"})
    assert response.status_code == 302
    assert MediatorProfile.objects.count() == 3
    assert OutboxMessage.objects.filter(kind="mediator_invitation").count() == 3
    bad = client.post("/staff/mediators/", {"emails": "a@example.org, kein-mail"})
    assert "kein-mail" in bad.content.decode() and 'id="id_emails_error"' in bad.content.decode()


def test_enrolling_reads_the_same_for_one_session_as_for_six(series):
    """Each session adds its invitation (an outbox row), no reading: her profile and account are read once
    per enrolment, not once per session."""
    profile = mediator()
    short = EventFactory(
        kind=Event.Kind.TRAINING, slug="kurz", starts_at=series.starts_at, ends_at=series.ends_at
    )
    slot = TimeSlotFactory(event=short, kind=TimeSlot.Kind.PLENARY, starts_at=berlin(2099, 2, 10, 16, 0))
    WorkshopFactory(slot=slot, capacity=30)
    reads = []
    for event in (short, series):
        with CaptureQueriesContext(connection) as queries:
            services.enrol(event_id=event.pk, profile_ids=[profile.pk])
        reads.append(sum(query["sql"].startswith("SELECT") for query in queries.captured_queries))
    assert reads[0] == reads[1]


def test_session_reminders_go_out_once(series, time_machine):
    profile = mediator()
    services.enrol(event_id=series.pk)
    first = Workshop.objects.filter(slot__event=series).order_by("slot__starts_at").first()
    now = first.slot.starts_at - timedelta(hours=20)
    assert services.send_session_reminders(now=now) == 1
    assert services.send_session_reminders(now=now) == 0
    assert OutboxMessage.objects.filter(kind="training_reminder", to=profile.user.email).count() == 1
    assert timezone.now()


def test_a_session_reminder_names_the_session_and_its_day_in_her_language(series):
    profile = mediator(language="ar")
    services.enrol(event_id=series.pk)
    first = Workshop.objects.filter(slot__event=series).order_by("slot__starts_at").first()
    with translation.override("de"):  # the beat's language, not hers
        assert services.send_session_reminders(now=first.slot.starts_at - timedelta(hours=20)) == 1
    context = OutboxMessage.objects.get(kind="training_reminder", to=profile.user.email).context
    with translation.override("ar"):
        expected = services.session_when(first)
    assert context["session_title"] == "موضوع 2"
    assert context["session_when"] == expected


def test_demo_mediators_can_be_loaded_twice(capsys):
    from django.core.management import call_command

    call_command("load_demo")
    call_command("load_demo_mediators")
    call_command("load_demo_mediators")
    assert MediatorProfile.objects.count() == 3
    assert OutboxMessage.objects.filter(kind="training_schedule").count() == 3
    assert "samira.nouri@example.org" in capsys.readouterr().out


def test_moving_a_training_session_in_the_admin_tells_the_mediators(client, series):
    profile = mediator()
    services.enrol(event_id=series.pk)
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(admin)
    session = Workshop.objects.filter(slot__event=series).first()
    data = {
        "slot": session.slot_id,
        "position": 0,
        "title_de": session.title_de,
        "room": "Saal 2",
        "capacity": 30,
        "status": "scheduled",
    }
    assert client.post(f"/admin/fachtag/workshop/{session.pk}/change/", data).status_code == 302
    assert OutboxMessage.objects.filter(kind="training_session_changed", to=profile.user.email).count() == 1


def test_recording_attendance_makes_the_same_number_of_queries_for_3_and_for_12_mediators(
    series, time_machine
):
    time_machine.move_to(berlin(2099, 12, 1, 12, 0))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = mediator_manager("office@example.org")
    session = Workshop.objects.filter(slot__event=series).order_by("slot__starts_at").first()

    def queries_with(count: int, start: int) -> int:
        for n in range(start, start + count):
            mediator(email_address=f"m{n}@example.org")
        services.enrol(event_id=series.pk)
        present = set(SessionRecord.objects.filter(session=session).values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as queries:
            services.record_attendance(session_id=session.pk, present_record_ids=present, recorded_by=staff)
        return len(queries)

    assert queries_with(3, 0) == queries_with(9, 100)  # 3, then 12 enrolled


def test_the_organisers_group_may_manage_the_pool_and_the_staff_flag_alone_may_not(client):
    """Migration mediators/0004 grants the permission to the organisers' group."""
    group = Group.objects.get(name=ORGANISERS_GROUP)
    assert group.permissions.filter(codename="manage_mediators", content_type__app_label="mediators").exists()
    users = get_user_model().objects
    member = users.create_user(email="member@example.org", password="x" * 12, is_staff=True)
    member.groups.add(group)
    flag_only = users.create_user(email="flag@example.org", password="x" * 12, is_staff=True)
    client.force_login(flag_only)
    assert client.get("/staff/mediators/").status_code == 404
    client.force_login(member)
    assert client.get("/staff/mediators/").status_code == 200
