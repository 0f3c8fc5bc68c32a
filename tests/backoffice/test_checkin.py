import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from backoffice import checkin
from backoffice.models import AuditEntry, EventRole
from fachtag.models import ChildcareGroup
from registrations import services
from registrations.models import Registration
from registrations.tokens import CHECKIN_SALT, MANAGE_SALT, make_token, registration_from_token
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.registrations.helpers import reload, sign_up

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.backoffice.checkin_test_urls")]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def door_open_all_year(settings):
    """These tests are about codes, rights and certificates, on an event in 2099: the check-in window
    (tests/backoffice/test_door.py) is opened wide for them."""
    settings.CHECKIN_OPENS_HOURS_BEFORE = 24 * 365 * 100


def url(event, name="index", **kwargs):
    return reverse(f"backoffice-checkin:{name}", kwargs={"slug": event.slug, **kwargs})


def code_of(registration):
    return make_token(registration, salt=CHECKIN_SALT)


@pytest.fixture
def fachtag():
    event = EventFactory(slug="fachtag-a", title_de="Fachtag Arbeit", has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=10)
    morning = TimeSlotFactory(
        event=event, starts_at=berlin(2099, 3, 12, 10, 0), ends_at=berlin(2099, 3, 12, 11, 30)
    )
    afternoon = TimeSlotFactory(
        event=event, starts_at=berlin(2099, 3, 12, 13, 0), ends_at=berlin(2099, 3, 12, 14, 30)
    )
    WorkshopFactory(slot=morning, title_de="Anerkennung von Abschlüssen", room="Raum 101", capacity=10)
    WorkshopFactory(slot=afternoon, title_de="Bewerbung in Deutschland", room="Festsaal", capacity=10)
    return event


@pytest.fixture
def door(fachtag):
    """Door staff of the Fachtag: not staff in Django's sense, only the event role."""
    user = get_user_model().objects.create_user(email="door@example.org", password="x" * 12)
    EventRole.objects.create(user=user, event=fachtag, role=EventRole.Role.CHECKIN)
    return user


def amal(event, **fields):
    workshops = [slot.workshops.first() for slot in event.slots.all()]
    return sign_up(event, *workshops, name="Amal Haddad", child_ages=[3, 7], **fields)


def test_the_qr_code_holds_her_check_in_token_at_level_m_and_not_a_link(fachtag, monkeypatch, time_machine):
    time_machine.move_to("2026-11-26 10:00:00+01:00", tick=False)  # the token carries the second it was made
    registration = amal(fachtag)
    made = []
    from registrations import qr

    make_qr = qr.segno.make_qr
    monkeypatch.setattr(
        qr.segno, "make_qr", lambda content, **kw: made.append(content) or make_qr(content, **kw)
    )

    png, svg = qr.qr_png(registration), qr.qr_svg(registration)

    assert png.startswith(PNG_SIGNATURE)
    assert svg.startswith(b"<svg") and b"<path" in svg
    assert made == [code_of(registration)] * 2
    assert not made[0].startswith("http")
    assert registration_from_token(made[0], salt=CHECKIN_SALT) == registration
    assert qr._qr(registration).error == "M"
    assert not qr._qr(registration).is_micro


def test_a_scanned_code_checks_her_in_and_shows_what_the_desks_need(client, fachtag, door, time_machine):
    registration = amal(fachtag, organisation="Jobcenter Leipzig")
    time_machine.move_to(berlin(2099, 3, 12, 9, 15), tick=False)
    client.force_login(door)

    response = client.post(url(fachtag, "code"), {"code": code_of(registration)})

    assert response.status_code == 200
    assert reload(registration).checked_in_at == berlin(2099, 3, 12, 9, 15)
    content = response.content.decode()
    assert "Amal Haddad" in content and "kern-alert--success" in content and "09:15" in content
    assert "Anerkennung von Abschlüssen" in content and "Raum 101" in content
    assert "Bewerbung in Deutschland" in content and "Festsaal" in content
    assert response.context["children"].count() == 2 and {c.age for c in response.context["children"]} == {
        3,
        7,
    }
    entry = AuditEntry.objects.get(action="check_in")
    assert (entry.actor, entry.event, entry.registration_id) == (door, fachtag, registration.pk)


def test_a_code_with_a_line_break_from_the_scanner_still_works(client, fachtag, door):
    registration = amal(fachtag)
    client.force_login(door)
    client.post(url(fachtag, "code"), {"code": f"  {code_of(registration)}\r\n"})
    assert reload(registration).checked_in_at is not None


def test_searching_by_name_finds_her_regardless_of_case_and_checks_her_in(client, fachtag, door):
    registration = amal(fachtag)
    other_event = EventFactory()
    sign_up(other_event, name="Amal Haddad")
    services.cancel(registration_id=sign_up(fachtag, name="Amal Haddad-Cancelled").pk, now=timezone.now())
    sign_up(fachtag, name="Olena Kovalenko")
    client.force_login(door)

    response = client.get(url(fachtag), {"q": "hADDAD"})

    assert response.status_code == 200
    assert response.context["results"] == [registration]
    assert url(fachtag, "registration", registration_id=registration.pk) in response.content.decode()
    response = client.post(url(fachtag, "registration", registration_id=registration.pk))
    assert response.status_code == 200 and "kern-alert--success" in response.content.decode()
    assert reload(registration).checked_in_at is not None


def test_the_search_finds_people_on_the_waiting_list_and_shows_at_most_twenty(client, door):
    event = EventRole.objects.get(user=door).event
    event.capacity = 1
    event.save()
    for number in range(22):
        sign_up(event, name=f"Maryam Ahmadi {number}")
    client.force_login(door)

    response = client.get(url(event), {"q": "ahmadi"})

    assert len(response.context["results"]) == 20 and response.context["more"]
    assert Registration.Status.WAITLISTED in {r.status for r in response.context["results"]}


def test_a_too_short_search_is_a_form_error(client, fachtag, door):
    client.force_login(door)
    response = client.get(url(fachtag), {"q": "a"})
    assert response.context["search_form"].errors["q"]
    assert response.context["results"] is None


def test_a_second_check_in_warns_and_keeps_the_first_time(client, fachtag, door, time_machine):
    registration = amal(fachtag)
    time_machine.move_to(berlin(2099, 3, 12, 9, 15), tick=False)
    client.force_login(door)
    client.post(url(fachtag, "code"), {"code": code_of(registration)})
    time_machine.move_to(berlin(2099, 3, 12, 9, 40), tick=False)

    response = client.post(url(fachtag, "code"), {"code": code_of(registration)})

    content = response.content.decode()
    assert response.context["outcome"] == "already"
    assert "kern-alert--warning" in content and "09:15" in content and "09:40" not in content
    assert reload(registration).checked_in_at == berlin(2099, 3, 12, 9, 15)
    assert AuditEntry.objects.filter(action="check_in").count() == 1


def test_someone_on_the_waiting_list_is_warned_and_checked_in_only_anyway(client, fachtag, door):
    fachtag.capacity = 1
    fachtag.save()
    amal(fachtag)
    waiting = sign_up(fachtag, name="Zahra Rahimi")
    assert waiting.status == Registration.Status.WAITLISTED
    client.force_login(door)

    response = client.post(url(fachtag, "code"), {"code": code_of(waiting)})

    content = response.content.decode()
    assert response.context["outcome"] == "refused"
    assert "kern-alert--warning" in content and 'name="anyway"' in content
    assert reload(waiting).checked_in_at is None
    assert not AuditEntry.objects.exists()

    response = client.post(url(fachtag, "registration", registration_id=waiting.pk), {"anyway": "1"})

    assert response.context["outcome"] == "checked_in"
    assert reload(waiting).checked_in_at is not None
    assert AuditEntry.objects.get(action="check_in").detail == {"status": "waitlisted", "anyway": True}


def test_a_cancelled_registration_is_not_checked_in_from_the_search_button(client, fachtag, door):
    registration = amal(fachtag)
    services.cancel(registration_id=registration.pk, now=timezone.now())
    client.force_login(door)
    response = client.post(url(fachtag, "registration", registration_id=registration.pk))
    assert response.context["outcome"] == "refused" and "kern-alert--warning" in response.content.decode()
    assert reload(registration).checked_in_at is None


@pytest.mark.parametrize("kind", ["garbage", "tampered", "manage_link", "other_event", "empty", "renewed"])
def test_an_unknown_or_forged_code_is_a_form_error(client, fachtag, door, kind):
    registration = amal(fachtag)
    codes = {
        "garbage": "<script>alert(1)</script>",
        "tampered": code_of(registration)[:-2] + "xx",
        "manage_link": make_token(registration, salt=MANAGE_SALT),
        "other_event": code_of(sign_up(EventFactory())),
        "empty": "   ",
        "renewed": code_of(registration),
    }
    if kind == "renewed":
        Registration.objects.filter(pk=registration.pk).update(token_version=2)
    client.force_login(door)

    response = client.post(url(fachtag, "code"), {"code": codes[kind]})

    assert response.status_code == 200
    assert response.context["code_form"].errors["code"]
    content = response.content.decode()
    assert "error-summary" in content and "kern-error" in content and "<script>alert" not in content
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_code_lookups_are_rate_limited_per_user(client, fachtag, door):
    registration = amal(fachtag)
    client.force_login(door)
    for _ in range(checkin.CODE_LOOKUPS_PER_MINUTE):
        assert client.post(url(fachtag, "code"), {"code": "forged"}).status_code == 200
    response = client.post(url(fachtag, "code"), {"code": code_of(registration)})
    assert response.status_code == 429 and response.context["code_form"].errors["code"]
    assert reload(registration).checked_in_at is None


def test_opening_the_code_address_directly_leads_to_the_form(client, fachtag, door):
    client.force_login(door)
    response = client.get(url(fachtag, "code"))
    assert response.status_code == 302 and response["Location"] == url(fachtag)


def test_the_start_page_works_without_script_and_loads_only_our_own(client, fachtag, door):
    client.force_login(door)
    content = client.get(url(fachtag)).content.decode()
    assert 'id="checkin-camera" class="flow" hidden' in content
    assert 'id="checkin-no-camera"' in content
    assert f'<script src="{settings.STATIC_URL}js/checkin.js" defer></script>' in content
    assert "<script>" not in content and "onclick" not in content


@pytest.fixture
def two_events_and_people(fachtag, door):
    """Event A (door staff) and B (an organiser), each with one person checked in and one not yet."""
    other = EventFactory(slug="fachtag-b")
    users = get_user_model().objects
    organiser_b = users.create_user(email="orga-b@example.org", password="x" * 12, is_staff=True)
    EventRole.objects.create(user=organiser_b, event=other, role=EventRole.Role.ORGANISER)
    admin = users.create_superuser(email="admin@example.org", password="x" * 12)
    people = {}
    for event in (fachtag, other):
        checked = sign_up(event, name="Checked In")
        checkin.check_in(registration_id=checked.pk, by=admin, now=berlin(2099, 3, 12, 9, 0))
        people[event.slug] = (checked, sign_up(event, name="Not Yet"))
    return fachtag, other, {"door_a": door, "organiser_b": organiser_b, "admin": admin}, people


def requests_for(event, people):
    checked, waiting = people[event.slug]
    return [
        ("get", url(event), {}),
        ("get", url(event), {"q": "not yet"}),
        ("post", url(event, "code"), {"code": code_of(waiting)}),
        ("get", url(event, "registration", registration_id=waiting.pk), {}),
        ("post", url(event, "registration", registration_id=checked.pk), {}),
        ("get", url(event, "certificate", registration_id=checked.pk), {}),
    ]


@pytest.mark.parametrize(
    ("role", "event_key", "expected"),
    [
        ("door_a", "a", 200),
        ("door_a", "b", 404),
        ("organiser_b", "a", 404),
        ("organiser_b", "b", 200),
        ("admin", "a", 200),
        ("admin", "b", 200),
        (None, "a", 302),
    ],
)
def test_who_may_use_the_check_in(client, two_events_and_people, role, event_key, expected):
    a, b, users, people = two_events_and_people
    event = {"a": a, "b": b}[event_key]
    if role:
        client.force_login(users[role])
    for method, address, data in requests_for(event, people):
        response = getattr(client, method)(address, data)
        assert response.status_code == expected, (method, address)
        if expected == 302:
            assert response["Location"].startswith(settings.LOGIN_URL)
    waiting = people[event.slug][1]
    assert (reload(waiting).checked_in_at is not None) == (expected == 200)


def test_a_registration_of_another_event_is_not_found_under_this_one(client, two_events_and_people):
    a, b, users, people = two_events_and_people
    client.force_login(users["admin"])
    checked_b = people[b.slug][0]
    assert client.get(url(a, "registration", registration_id=checked_b.pk)).status_code == 404
    assert client.post(url(a, "registration", registration_id=checked_b.pk)).status_code == 404
    assert client.get(url(a, "certificate", registration_id=checked_b.pk)).status_code == 404


def test_the_service_refuses_staff_of_another_event(fachtag):
    registration = amal(fachtag)
    stranger = get_user_model().objects.create_user(email="else@example.org", password="x" * 12)
    with pytest.raises(Registration.DoesNotExist):
        checkin.check_in(registration_id=registration.pk, by=stranger, now=berlin(2099, 3, 12, 9, 0))
    assert reload(registration).checked_in_at is None


def test_the_certificate_is_only_for_those_checked_in(client, fachtag, door):
    registration = amal(fachtag)
    client.force_login(door)
    assert client.get(url(fachtag, "certificate", registration_id=registration.pk)).status_code == 404

    client.post(url(fachtag, "code"), {"code": code_of(registration)})
    response = client.get(url(fachtag, "certificate", registration_id=registration.pk))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2  # German, then Arabic (her language)
    german = reader.pages[0].extract_text()
    assert "Amal Haddad" in german and "Fachtag Arbeit" in german
    assert "Anerkennung von Abschlüssen" in german and "Bewerbung in Deutschland" in german
    assert settings.OFFICE_NAME.split(",")[0] in german
    assert AuditEntry.objects.filter(
        action="participation_certificate", registration_id=registration.pk
    ).exists()


def test_a_german_speaker_gets_one_page(fachtag):
    registration = amal(fachtag, language="de")
    checkin.check_in(
        registration_id=registration.pk,
        by=get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12),
        now=berlin(2099, 3, 12, 9, 0),
    )
    reader = PdfReader(io.BytesIO(checkin.participation_certificate_pdf(reload(registration))))
    assert len(reader.pages) == 1


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_the_same_moment_check_her_in_once(fachtag, door):
    registration = amal(fachtag)
    barrier = threading.Barrier(2)

    def scan(minute):
        barrier.wait()
        try:
            return checkin.check_in(
                registration_id=registration.pk, by=door, now=berlin(2099, 3, 12, 9, minute)
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(scan, (15, 16)))

    assert sorted(first for _registration, first in results) == [False, True]
    first_time = next(r.checked_in_at for r, first in results if first)
    assert reload(registration).checked_in_at == first_time
