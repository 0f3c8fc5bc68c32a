"""At the door: check-in by her typed short code (look-alikes forgiven, a wrong code told next to the field),
undo of a check-in, the check-in window with an organiser's "anyway", and walk-ins without an address."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from backoffice.announcements import recipients
from backoffice.audit import ACTION_LABELS
from backoffice.models import Announcement, AuditEntry
from fachtag.models import Workshop
from notifications.models import OutboxMessage
from registrations import services
from registrations.forms import SignupForm
from registrations.models import Registration
from tests.registrations.helpers import reload, sign_up

UNKNOWN = "No registration for this event has this code. Check the 8 characters, or search by name."
NOT_VALID = "This code is not valid. Scan it again, or search by name."

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.backoffice.checkin_test_urls")]


def url(event, name, **kwargs):
    return reverse(f"backoffice-checkin:{name}", kwargs={"slug": event.slug, **kwargs})


@pytest.fixture
def door_open(two_events, time_machine):
    """Event A, a participant signed up, and the clock an hour before the start: check-in is open."""
    a, b, roles = two_events
    registration = sign_up(a, name="Amal Haddad")
    time_machine.move_to(a.starts_at - timedelta(hours=1), tick=False)
    return a, b, roles, registration


def test_her_typed_short_code_checks_her_in(client, door_open):
    a, _b, roles, registration = door_open
    client.force_login(roles["door_a"])
    typed = f" {registration.short_code_grouped.lower()} "
    response = client.post(url(a, "code"), {"code": typed})
    assert response.status_code == 200 and "Amal Haddad" in response.content.decode()
    assert reload(registration).checked_in_at is not None
    assert AuditEntry.objects.filter(action="check_in", registration_id=registration.pk).count() == 1


def test_look_alike_characters_are_forgiven(client, door_open):
    a, _b, roles, registration = door_open
    Registration.objects.filter(pk=registration.pk).update(short_code="K0PM1XVA")
    client.force_login(roles["door_a"])
    client.post(url(a, "code"), {"code": "kopm-ixua"})  # O for 0, I for 1, U for V
    assert reload(registration).checked_in_at is not None


@pytest.mark.parametrize("typed", ["ZZZZ-ZZZZ", "K7PM-3XQ", "other event"])
def test_a_wrong_code_is_told_next_to_the_field_and_checks_no_one_in(client, door_open, typed):
    a, b, roles, registration = door_open
    if typed == "other event":
        typed = sign_up(b).short_code  # codes are per event
    client.force_login(roles["door_a"])
    response = client.post(url(a, "code"), {"code": typed}, HTTP_ACCEPT_LANGUAGE="de")
    page = response.content.decode()
    assert response.status_code == 200
    error = page.split('id="id_code_error"', 1)[1][:400]
    with translation.override("de"):  # the staff member's language
        expected = gettext(UNKNOWN if len(typed.replace("-", "")) == 8 else NOT_VALID)
    assert expected in error and 'aria-invalid="true"' in page
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_a_check_in_can_be_undone_and_the_undo_is_audited(client, door_open):
    a, _b, roles, registration = door_open
    client.force_login(roles["door_a"])
    client.post(url(a, "registration", registration_id=registration.pk))
    page = client.get(url(a, "registration", registration_id=registration.pk)).content.decode()
    assert f'action="{url(a, "undo", registration_id=registration.pk)}"' in page
    response = client.post(url(a, "undo", registration_id=registration.pk))
    assert response.status_code == 200 and reload(registration).checked_in_at is None
    assert f'action="{url(a, "undo", registration_id=registration.pk)}"' not in response.content.decode()
    assert AuditEntry.objects.filter(action="undo_check_in", registration_id=registration.pk).count() == 1
    assert "undo_check_in" in ACTION_LABELS
    # Undoing again changes and records nothing; she can be checked in again.
    client.post(url(a, "undo", registration_id=registration.pk))
    assert AuditEntry.objects.filter(action="undo_check_in").count() == 1
    client.post(url(a, "registration", registration_id=registration.pk))
    assert reload(registration).checked_in_at is not None


def test_undo_is_for_the_staff_of_her_event_only(client, door_open):
    a, _b, roles, registration = door_open
    services.check_in(registration_id=registration.pk, now=a.starts_at)
    client.force_login(roles["organiser_b"])
    assert client.post(url(a, "undo", registration_id=registration.pk)).status_code == 404
    assert reload(registration).checked_in_at is not None


def test_before_the_window_door_staff_are_refused_and_not_offered_anyway(client, two_events):
    a, _b, roles = two_events  # the event is in 2099: the window is far ahead
    registration = sign_up(a)
    client.force_login(roles["door_a"])
    page = client.post(url(a, "registration", registration_id=registration.pk)).content.decode()
    assert reload(registration).checked_in_at is None
    assert 'name="outside_window"' not in page
    client.post(url(a, "registration", registration_id=registration.pk), {"outside_window": "1"})
    client.post(url(a, "code"), {"code": registration.short_code})
    assert reload(registration).checked_in_at is None
    assert not AuditEntry.objects.filter(action__startswith="check_in").exists()


def test_an_organiser_checks_her_in_anyway_outside_the_window_and_it_is_audited(client, two_events):
    a, _b, roles = two_events
    registration = sign_up(a)
    client.force_login(roles["organiser_a"])
    page = client.get(url(a, "registration", registration_id=registration.pk)).content.decode()
    assert 'name="outside_window" value="1"' in page
    client.post(url(a, "registration", registration_id=registration.pk), {"outside_window": "1"})
    assert reload(registration).checked_in_at is not None
    entry = AuditEntry.objects.get(registration_id=registration.pk, action="check_in_outside_window")
    assert entry.actor == roles["organiser_a"] and "check_in_outside_window" in ACTION_LABELS


def test_the_window_opens_the_set_hours_before_the_start_and_closes_at_the_end(settings, two_events):
    a, _b, _roles = two_events
    registration = sign_up(a)
    settings.CHECKIN_OPENS_HOURS_BEFORE = 2
    for now in (a.starts_at - timedelta(hours=2, minutes=1), a.ends_at):
        with pytest.raises(services.CheckInClosed):
            services.check_in(registration_id=registration.pk, now=now)
    assert reload(registration).checked_in_at is None
    assert services.check_in(registration_id=registration.pk, now=a.starts_at - timedelta(hours=2))[1]


def _walk_in(client, event, **fields):
    workshop = Workshop.objects.filter(slot__event=event).first()
    data = {
        "name": "Rana Saleh",
        "email": "",
        "language": "ar",
        "privacy_informed": "on",
        f"slot_{workshop.slot_id}": workshop.pk,
        "child_ages": "",
        **fields,
    }
    return client.post(f"/staff/events/{event.slug}/walk-in/", data)


def test_a_walk_in_needs_only_a_name_and_nothing_is_mailed(client, two_events, mailoutbox, settings):
    a, _b, roles = two_events
    type(a).objects.filter(pk=a.pk).update(requires_email_confirmation=True)
    client.force_login(roles["organiser_a"])
    first = _walk_in(client, a)
    second = _walk_in(client, a, name="Nour Saleh")  # two without an address are two people
    rana, nour = Registration.objects.filter(event=a).order_by("pk")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse(
        "backoffice:walk_in_done", kwargs={"slug": a.slug, "registration_id": rana.pk}
    )
    assert (rana.email, nour.email) == ("", "")
    assert (
        rana.status == nour.status == Registration.Status.CONFIRMED
    )  # nothing to confirm without an address
    assert not OutboxMessage.objects.exists() and mailoutbox == []
    page = client.get(first["Location"]).content.decode()
    assert rana.short_code_grouped in page and "<svg" in page and "data-print" in page
    assert AuditEntry.objects.filter(action="walk_in", registration_id=rana.pk).exists()
    # Messages to everyone pass her by.
    announcement = Announcement.objects.create(
        event=a,
        audience=Announcement.Audience.EVERYONE,
        subject="Raum",
        body="Raum 2",
        created_by=roles["organiser_a"],
    )
    assert list(recipients(announcement)) == []


def test_a_walk_in_with_an_address_still_gets_her_confirmation(client, two_events):
    a, _b, roles = two_events
    client.force_login(roles["organiser_a"])
    response = _walk_in(client, a, email="rana@example.org")
    registration = Registration.objects.get(email="rana@example.org")
    assert response["Location"].endswith(f"/walk-in/{registration.pk}/")
    assert OutboxMessage.objects.filter(to="rana@example.org", kind="registration_confirmed").exists()


def test_the_public_sign_up_still_requires_an_address():
    assert SignupForm.base_fields["email"].required


def test_a_walk_in_without_an_address_is_edited_without_one_and_gets_her_link_once_one_is_given(
    client, two_events
):
    a, _b, roles = two_events
    client.force_login(roles["organiser_a"])
    _walk_in(client, a)
    _walk_in(client, a, name="Nour Saleh")
    rana, nour = Registration.objects.filter(event=a).order_by("pk")
    url = reverse("backoffice:registration_edit", kwargs={"slug": a.slug, "registration_id": rana.pk})
    form = {"name": "Rana Saleh-Haddad", "email": "", "phone": "", "language": "ar", "staff_notes": ""}
    assert client.post(url, form).status_code == 302  # her name fixed, still no address
    rana.refresh_from_db()
    assert (rana.name, rana.email) == ("Rana Saleh-Haddad", "")
    assert not OutboxMessage.objects.exists()  # nobody to write to, and Nour's empty address is no clash
    assert client.post(url, {**form, "email": "rana@example.org"}).status_code == 302
    assert OutboxMessage.objects.get(kind="personal_link").to == "rana@example.org"
    # An address once given is needed again: it cannot be emptied here.
    page = client.post(url, {**form, "email": ""})
    assert page.status_code == 200 and "email" in page.context["form"].errors
    assert Registration.objects.get(pk=rana.pk).email == "rana@example.org" and nour.email == ""
