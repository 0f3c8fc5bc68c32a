"""SEC-07: personal links are signed, expire after the event, can be renewed by her and replaced by organisers."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from backoffice.models import AuditEntry, EventRole
from notifications.models import OutboxMessage
from registrations.models import Registration, RegistrationLog
from registrations.tokens import (
    CHECKIN_SALT,
    CONFIRM_SALT,
    UNSUBSCRIBE_SALT,
    BadToken,
    ExpiredToken,
    make_token,
    registration_from_token,
)
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db

DAYS = settings.PERSONAL_LINK_DAYS_AFTER_EVENT


@pytest.fixture
def event():
    return EventFactory(capacity=50)


def templates(response) -> set[str]:
    return {template.name for template in response.templates}


def links(registration) -> dict[str, str]:
    """Every kind of personal link she is sent, by URL."""
    return {
        "manage": f"/de/r/{make_token(registration)}/",
        "cancel": f"/de/r/{make_token(registration)}/cancel/",
        "calendar": f"/de/r/{make_token(registration)}/fachtag.ics",
        "confirm": f"/de/confirm/{make_token(registration, salt=CONFIRM_SALT)}/",
        "unsubscribe": f"/de/unsubscribe/{make_token(registration, salt=UNSUBSCRIBE_SALT)}/",
    }


def new_link_sent_to(registration) -> str:
    message = OutboxMessage.objects.filter(kind="personal_link", to=registration.email).latest("pk")
    return message.context["manage_path"]


# --- Expiry --------------------------------------------------------------------------------------------


def test_every_link_works_until_the_set_days_after_the_event_and_then_says_expired(
    client, event, time_machine
):
    registration = sign_up(event, name="Olena Kovalenko")
    urls = links(registration)
    time_machine.move_to(event.ends_at + timedelta(days=DAYS) - timedelta(seconds=1), tick=False)
    for url in urls.values():
        assert client.get(url).status_code == 200, url
    time_machine.move_to(event.ends_at + timedelta(days=DAYS), tick=False)
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 410, name
        assert "registrations/link_expired.html" in templates(response)
        assert "registrations/link_invalid.html" not in templates(response)
        assert "Olena Kovalenko" not in response.content.decode()
        assert response.context["days_after_event"] == DAYS
        assert not response.context["not_confirmed"]
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"


def test_an_expired_link_changes_nothing(client, event, time_machine):
    registration = sign_up(event)
    time_machine.move_to(event.ends_at + timedelta(days=DAYS, hours=1), tick=False)
    assert client.post(links(registration)["cancel"]).status_code == 410
    assert client.post(links(registration)["unsubscribe"]).status_code == 410
    registration = reload(registration)
    assert registration.status == Registration.Status.CONFIRMED and not registration.reminders_opt_out


def test_the_check_in_code_expires_too(event, time_machine):
    registration = sign_up(event)
    code = make_token(registration, salt=CHECKIN_SALT)
    time_machine.move_to(event.ends_at + timedelta(days=DAYS), tick=False)
    with pytest.raises(ExpiredToken) as caught:
        registration_from_token(code, salt=CHECKIN_SALT)
    assert isinstance(caught.value, BadToken)  # the door page's "this code is not valid" covers it


def test_the_confirmation_link_expires_when_confirming_was_due(client, time_machine):
    event = EventFactory(requires_email_confirmation=True, email_confirmation_hours=24)
    time_machine.move_to(timezone.now(), tick=False)
    registration = sign_up(event)
    assert registration.status == Registration.Status.PENDING
    url = links(registration)["confirm"]
    time_machine.shift(timedelta(hours=24))
    response = client.get(url)
    assert response.status_code == 410 and response.context["not_confirmed"]
    assert client.post(url).status_code == 410
    assert reload(registration).status == Registration.Status.PENDING
    # Her manage link still works: it shows that the place is waiting for a confirmation no longer possible.
    assert client.get(links(registration)["manage"]).status_code == 200


def test_the_confirmation_link_still_opens_her_page_once_she_confirmed(client, time_machine):
    event = EventFactory(requires_email_confirmation=True, email_confirmation_hours=24)
    time_machine.move_to(timezone.now(), tick=False)
    registration = sign_up(event)
    url = links(registration)["confirm"]
    assert client.post(url).status_code == 302
    time_machine.shift(timedelta(days=3))
    assert client.get(url).status_code == 200
    assert reload(registration).status == Registration.Status.CONFIRMED


def test_a_forged_link_still_says_it_does_not_work_after_the_event(client, event, time_machine):
    registration = sign_up(event)
    time_machine.move_to(event.ends_at + timedelta(days=DAYS + 1), tick=False)
    token = make_token(registration)
    response = client.get(f"/de/r/{token[:-2]}xy/")
    assert response.status_code == 404 and "registrations/link_invalid.html" in templates(response)


# --- Renewal by her ------------------------------------------------------------------------------------


def test_asking_for_a_new_link_replaces_the_old_ones_and_sends_the_new_check_in_code(client, event):
    registration = sign_up(event, email="olena@example.org")
    old, old_code = links(registration), make_token(registration, salt=CHECKIN_SALT)
    response = client.post("/de/link/", {"email": "Olena@Example.org", "renew": "on"})
    assert response.status_code == 302
    new = new_link_sent_to(registration)
    assert client.get(new).status_code == 200
    for name, url in old.items():
        assert client.get(url).status_code == 404, name
    assert reload(registration).token_version == 2
    with pytest.raises(BadToken):
        registration_from_token(old_code, salt=CHECKIN_SALT)
    assert qr_attached_to_the_link_mail(registration)


def test_lost_your_link_sends_it_again_and_her_links_and_check_in_code_keep_working(client, event):
    """Anyone who knows her address can ask for this: it must not spoil her entry at the door."""
    registration = sign_up(event, email="olena@example.org")
    old, old_code = links(registration), make_token(registration, salt=CHECKIN_SALT)
    assert client.post("/de/link/", {"email": "olena@example.org"}).status_code == 302
    assert client.get(new_link_sent_to(registration)).status_code == 200
    for name, url in old.items():
        assert client.get(url).status_code == 200, name
    assert registration_from_token(old_code, salt=CHECKIN_SALT) == registration
    assert reload(registration).token_version == 1
    assert qr_attached_to_the_link_mail(registration)


def qr_attached_to_the_link_mail(registration) -> bool:
    message = OutboxMessage.objects.filter(kind="personal_link", to=registration.email).latest("pk")
    names = [attachment["name"] for attachment in message.context.get("attachments", [])]
    return message.context.get("checkin_qr") is True and names == ["registration-qr"]


def test_no_new_link_once_links_have_expired(client, event, time_machine):
    registration = sign_up(event, email="olena@example.org")
    time_machine.move_to(event.ends_at + timedelta(days=DAYS), tick=False)
    assert client.post("/de/link/", {"email": "olena@example.org"}).status_code == 302
    assert not OutboxMessage.objects.filter(kind="personal_link").exists()
    assert reload(registration).token_version == 1


def test_new_links_for_one_address_are_limited_per_hour_with_the_same_answer(client, event):
    sign_up(event, email="olena@example.org")
    answers = []
    for number in range(4):
        # A different connection each time: the per-connection limit does not apply.
        response = client.post(
            "/de/link/", {"email": "olena@example.org"}, REMOTE_ADDR=f"198.51.100.{number + 1}"
        )
        answers.append((response.status_code, response["Location"]))
    assert len(set(answers)) == 1
    assert OutboxMessage.objects.filter(kind="personal_link").count() == 3
    cache.clear()  # the window (an hour of Redis key lifetime) has passed
    client.post("/de/link/", {"email": "olena@example.org"}, REMOTE_ADDR="198.51.100.9")
    assert OutboxMessage.objects.filter(kind="personal_link").count() == 4


def test_after_cancelling_the_link_no_longer_changes_anything(client, event):
    slot = TimeSlotFactory(event=event)
    first, second = WorkshopFactory(slot=slot), WorkshopFactory(slot=slot)
    registration = sign_up(event, first)
    token = make_token(registration)
    client.post(f"/de/r/{token}/cancel/")
    client.post(f"/de/r/{token}/workshops/", {f"slot_{slot.pk}": second.pk})
    assert not registration.bookings.filter(workshop=second).exists()
    assert reload(registration).status == Registration.Status.CANCELLED


# --- Replacement by organisers -------------------------------------------------------------------------


@pytest.fixture
def organiser(event, django_user_model):
    user = django_user_model.objects.create_user(email="orga@example.org", password="x" * 12, is_staff=True)
    EventRole.objects.create(user=user, event=event, role=EventRole.Role.ORGANISER)
    return user


def replace_url(event, registration) -> str:
    return f"/staff/events/{event.slug}/participants/{registration.pk}/replace-links/"


def test_organisers_replace_her_link_and_she_gets_a_new_one(client, event, organiser):
    registration = sign_up(event, email="olena@example.org")
    old = links(registration)
    client.force_login(organiser)
    page = client.get(f"/staff/events/{event.slug}/participants/{registration.pk}/").content.decode()
    assert replace_url(event, registration) in page
    assert client.get(replace_url(event, registration)).status_code == 405  # never on GET
    response = client.post(replace_url(event, registration))
    assert response.status_code == 302
    for name, url in old.items():
        assert client.get(url).status_code == 404, name
    assert client.get(new_link_sent_to(registration)).status_code == 200
    entry = AuditEntry.objects.get(action="replace_links")
    assert (entry.actor, entry.registration_id, entry.detail) == (organiser, registration.pk, {"sent": True})
    logged = RegistrationLog.objects.filter(registration=registration, action="link_sent").get()
    assert logged.actor == organiser


def test_replacing_the_link_of_a_cancelled_registration_sends_nothing(client, event, organiser):
    registration = sign_up(event, email="olena@example.org")
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CANCELLED)
    old = links(registration)["manage"]
    client.force_login(organiser)
    client.post(replace_url(event, registration))
    assert client.get(old).status_code == 404
    assert not OutboxMessage.objects.filter(kind="personal_link").exists()
    assert AuditEntry.objects.get(action="replace_links").detail == {"sent": False}


def test_organisers_of_another_event_cannot_replace_links(client, event, django_user_model):
    other = django_user_model.objects.create_user(email="orgb@example.org", password="x" * 12, is_staff=True)
    EventRole.objects.create(user=other, event=EventFactory(), role=EventRole.Role.ORGANISER)
    registration = sign_up(event)
    client.force_login(other)
    assert client.post(replace_url(event, registration)).status_code == 404
    assert reload(registration).token_version == 1


# --- Her pages' addresses ------------------------------------------------------------------------------


def test_her_page_links_to_her_pages_with_her_link(client, event):
    registration = sign_up(event)
    token = make_token(registration)
    page = client.get(f"/ar/r/{token}/").content.decode()
    with translation.override("ar"):
        for name in ("manage", "qr", "calendar", "download_data", "cancel"):
            assert f'"{reverse(f"registrations:{name}", kwargs={"token": token})}"' in page
