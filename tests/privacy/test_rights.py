"""PRIV-05: organisers export and erase one person's data; she downloads her own."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import formats, timezone

from backoffice import announcements
from backoffice.models import Announcement, AuditEntry, EventRole
from backoffice.tasks import forget_old_audit_ips
from notifications.models import OutboxMessage
from notifications.outbox import send_once
from registrations.models import Booking, Registration
from registrations.services import privacy
from registrations.tokens import CHECKIN_SALT, make_token
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.privacy.conftest import PEOPLE, identifying_strings, tables_containing
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(populated):
    """Organiser of the populated event (and of a second event), door staff, and another event's organiser."""
    users = get_user_model().objects
    second = EventFactory(slug="second")
    stranger_event = EventFactory(slug="stranger")
    door = users.create_user(email="door.privacy@example.org", password="x" * 12)
    stranger = users.create_user(email="stranger.privacy@example.org", password="x" * 12)
    EventRole.objects.create(user=populated["organiser"], event=second, role="organiser")
    EventRole.objects.create(user=door, event=populated["event"], role="checkin")
    EventRole.objects.create(user=stranger, event=stranger_event, role="organiser")
    return {
        "organiser": populated["organiser"],
        "door": door,
        "stranger": stranger,
        "second": second,
        "stranger_event": stranger_event,
    }


def url(name: str, registration) -> str:
    return reverse(
        f"backoffice:{name}", kwargs={"slug": registration.event.slug, "registration_id": registration.pk}
    )


def test_the_export_holds_all_her_registrations_the_organiser_may_see_and_nothing_of_others(
    client, populated, staff
):
    yasmin = populated["people"][0]
    also_second = sign_up(staff["second"], name="Yasmin O.", email=PEOPLE[0]["email"].upper())
    sign_up(staff["stranger_event"], name="Yasmin anderswo", email=PEOPLE[0]["email"])
    client.force_login(staff["organiser"])

    response = client.get(url("privacy_export", yasmin))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [r["event"]["title"] for r in data["registrations"]] == [
        populated["event"].title,
        staff["second"].title,
    ]
    first = data["registrations"][0]
    for key in ("name", "email", "phone", "organisation", "accessibility_needs", "childcare_notes"):
        assert first[key] == PEOPLE[0][key]
    assert first["interpreting_language"] == "ar"
    assert [child["age"] for child in first["children"]] == [1, 4]
    assert [b["workshop"] for b in first["bookings"]] == ["Klein"]
    assert first["checked_in_at"] and first["consent"]["accessibility_consent_at"]
    assert {m["kind"] for m in first["messages"]} == {"registration_confirmed", "announcement"}
    assert all(m["subject"] for m in first["messages"])
    assert {h["action"] for h in first["history"]} == {"confirmed"}
    text = response.content.decode()
    others = [p[key] for p in PEOPLE[1:] for key in ("name", "email")] + ["Yasmin anderswo"]
    assert not [other for other in others if other in text]
    assert also_second.pk in AuditEntry.objects.get(action="export_personal_data").detail["registrations"]


def test_erasure_leaves_no_trace_frees_her_places_and_moves_the_waiting_lists(client, populated, staff):
    yasmin, olena, _mai, amal = populated["people"]
    assert (olena.bookings.get().status, amal.status) == ("waitlisted", "waitlisted")
    old_links = [f"/de/r/{make_token(yasmin)}/", f"/de/r/{make_token(yasmin)}/my-data.json"]
    client.force_login(staff["organiser"])

    page = client.get(url("privacy_erase", yasmin))
    assert page.status_code == 200 and PEOPLE[0]["name"] in page.content.decode()
    assert reload(yasmin).name == PEOPLE[0]["name"]  # the confirmation page changes nothing
    response = client.post(url("privacy_erase", yasmin), {"confirm": "erase"})

    assert response.status_code == 302
    yasmin_strings = [v for k, v in PEOPLE[0].items() if isinstance(v, str) and k != "interpreting_language"]
    assert tables_containing(yasmin_strings) == {}
    assert reload(yasmin).status == Registration.Status.CANCELLED
    # Her workshop seat and her event place went to the people waiting for them.
    assert olena.bookings.get().status == Booking.Status.OFFERED
    assert reload(amal).status == Registration.Status.OFFERED
    # Nothing more goes out to her: the cancellation notice is withdrawn with the rest.
    assert not OutboxMessage.objects.filter(to=PEOPLE[0]["email"]).exists()
    assert not OutboxMessage.objects.filter(
        key__startswith=f"registration:{yasmin.uuid.hex}:", failed_at=None, sent_at=None
    ).exists()
    withdrawn = OutboxMessage.objects.get(
        key__startswith=f"registration:{yasmin.uuid.hex}:registration_cancelled"
    )
    assert (withdrawn.last_error, withdrawn.to, withdrawn.context) == (
        privacy.WITHDRAWN,
        privacy.ANONYMOUS_RECIPIENT,
        {},
    )
    assert send_once(message_id=withdrawn.pk) == "skipped"
    for link in old_links:
        assert client.get(link).status_code == 404
    entry = AuditEntry.objects.get(action="erase_personal_data")
    assert entry.detail == {"registrations": [yasmin.pk]}
    # The others are untouched.
    assert reload(olena).name == PEOPLE[1]["name"]
    assert set(tables_containing(identifying_strings())) >= {"registrations.Registration.name"}


def test_erasing_twice_changes_nothing_more(populated, staff):
    yasmin = populated["people"][0]
    assert (
        privacy.erase_person(registration_ids=[yasmin.pk], now=yasmin.created_at, actor=staff["organiser"])
        == 1
    )
    outbox = list(OutboxMessage.objects.order_by("pk").values())
    assert (
        privacy.erase_person(registration_ids=[yasmin.pk], now=yasmin.created_at, actor=staff["organiser"])
        == 0
    )
    assert list(OutboxMessage.objects.order_by("pk").values()) == outbox


def test_the_registration_page_offers_export_and_erasure(client, populated, staff):
    yasmin = populated["people"][0]
    client.force_login(staff["organiser"])
    content = client.get(url("registration", yasmin)).content.decode()
    assert url("privacy_export", yasmin) in content and url("privacy_erase", yasmin) in content

    privacy.erase_person(registration_ids=[yasmin.pk], now=yasmin.created_at, actor=staff["organiser"])
    content = client.get(url("registration", yasmin)).content.decode()
    assert url("privacy_export", yasmin) not in content and url("privacy_erase", yasmin) not in content


@pytest.mark.parametrize("who", ["stranger", "door"])
def test_only_organisers_of_her_event_may_export_or_erase(client, populated, staff, who):
    yasmin = populated["people"][0]
    client.force_login(staff[who])
    for name in ("privacy_export", "privacy_erase"):
        assert client.get(url(name, yasmin)).status_code == 404
        assert client.post(url(name, yasmin), {"confirm": "erase"}).status_code == 404
    assert reload(yasmin).name == PEOPLE[0]["name"]
    assert not AuditEntry.objects.filter(action__in=["export_personal_data", "erase_personal_data"]).exists()


def test_anonymous_visitors_are_sent_to_the_login(client, populated):
    yasmin = populated["people"][0]
    for name in ("privacy_export", "privacy_erase"):
        response = client.get(url(name, yasmin))
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_post_without_the_confirmation_erases_nothing(client, populated, staff):
    yasmin = populated["people"][0]
    client.force_login(staff["organiser"])
    response = client.post(url("privacy_erase", yasmin))
    assert response.status_code == 200
    assert reload(yasmin).name == PEOPLE[0]["name"]


def test_she_downloads_her_own_data_from_her_personal_page(client, populated):
    yasmin = populated["people"][0]
    token = make_token(yasmin)
    download = f"/de/r/{token}/my-data.json"
    assert download in client.get(f"/de/r/{token}/").content.decode()

    response = client.get(download)

    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["registrations"][0]["email"] == PEOPLE[0]["email"]
    assert PEOPLE[1]["name"] not in response.content.decode()
    assert client.get(f"/de/r/{make_token(yasmin, salt=CHECKIN_SALT)}/my-data.json").status_code == 404


def test_an_export_without_bookings_children_or_messages_has_empty_lists(db):
    event = EventFactory()
    slot = TimeSlotFactory(event=event)
    WorkshopFactory(slot=slot)
    registration = Registration.objects.create(
        event=event,
        status="cancelled",
        name="Ohne Nachrichten",
        email="ohne@example.org",
        language="de",
        privacy_consent_at=event.starts_at,
        privacy_notice_version="2026-11-26",
    )
    exported = privacy.export_person([registration])["registrations"][0]
    assert (exported["messages"], exported["bookings"], exported["children"]) == ([], [], [])


def test_staff_ip_addresses_leave_the_audit_log_after_90_days(populated, time_machine):
    organiser = populated["organiser"]
    old = AuditEntry.objects.create(actor=organiser, action="view_registration", ip="192.0.2.7")
    time_machine.move_to(old.created_at + timedelta(days=89), tick=False)
    recent = AuditEntry.objects.create(actor=organiser, action="view_registration", ip="192.0.2.8")
    time_machine.move_to(old.created_at + timedelta(days=90, seconds=1), tick=False)

    assert forget_old_audit_ips() == 1
    assert (reload(old).ip, reload(recent).ip) == (None, "192.0.2.8")
    assert forget_old_audit_ips() == 0


def test_announcements_skip_erased_participants(populated, staff):
    yasmin, _olena, mai, _amal = populated["people"]
    privacy.erase_person(registration_ids=[yasmin.pk], now=yasmin.created_at, actor=staff["organiser"])
    draft = Announcement(event=populated["event"], audience="everyone", subject="s", body="b")
    assert yasmin not in announcements.recipients(draft) and mai in announcements.recipients(draft)


def test_the_dashboard_says_when_the_event_was_anonymised(client, populated, staff):
    event = populated["event"]
    client.force_login(staff["organiser"])
    dashboard_url = reverse("backoffice:dashboard", kwargs={"slug": event.slug})
    when = event.ends_at + timedelta(days=91)
    date = formats.date_format(timezone.localtime(when), "DATE_FORMAT")
    assert date not in client.get(dashboard_url).content.decode()

    privacy.anonymise_event(event_id=event.pk, now=when)

    assert date in client.get(dashboard_url).content.decode()
