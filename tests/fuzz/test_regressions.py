"""The bugs the property-based tests found, each as a plain example (the smallest input that showed it)."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.core import signing

from mediators import services as mediator_services
from mediators.models import MediatorProfile
from registrations.forms import FORM_SIGNER_SALT, SignupForm
from registrations.models import Booking, Registration
from registrations.tokens import MANAGE_SALT, make_token
from tests.registrations.test_signup_views import valid_post

pytestmark = pytest.mark.django_db
KEY = "0b3c1f0e-8f1a-4a57-9d1b-6a0c2f3e4d5a"


def test_a_start_time_too_big_for_a_float_is_a_form_error_not_a_500(client, world):
    # OverflowError: int too large to convert to float (registrations/forms.py, the time trap).
    response = valid_post(
        client,
        world.open,
        started=signing.dumps([10**400, "x"], salt=FORM_SIGNER_SALT),
        email="big@example.org",
    )
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert not Registration.objects.filter(email="big@example.org").exists()


def test_an_empty_post_to_the_public_forms_shows_what_is_missing(client, world):
    # An empty body was taken for a GET: the form came back blank, without a word.
    for url in (f"/de/events/{world.open.slug}/signup/", "/de/link/"):
        response = client.post(url, {})
        assert response.status_code == 200
        assert b"error-summary" in response.content, url


@pytest.mark.parametrize("payload", ["ab", ["zz", 1], [{"a": 1}, 1], ["0" * 32], 7, None])
def test_a_link_signed_by_us_with_a_payload_of_another_shape_is_not_found(client, world, payload):
    # ValidationError ("'a' is not a valid UUID") from registrations.tokens: a 500 on every personal link.
    token = signing.dumps(payload, salt=MANAGE_SALT)
    for page in ("", "fachtag.ics", "workshops/", "childcare/", "cancel/"):
        assert client.get(f"/de/r/{token}/{page}").status_code == 404


def test_a_change_without_a_slot_field_keeps_her_seat_in_that_slot(client, world):
    # A post that left out a slot's radio group cancelled her booking in it without a word.
    her = world.people["her"]
    morning, afternoon = [slot for slot in world.open.slots.all() if slot.is_parallel]
    seats = set(her.bookings.filter(status__in=Booking.ACTIVE).values_list("workshop_id", "status"))
    later = afternoon.workshops.get().pk
    response = client.post(f"/de/r/{make_token(her)}/workshops/", {f"slot_{afternoon.pk}": str(later)})
    assert response.status_code == 302
    assert set(her.bookings.filter(status__in=Booking.ACTIVE).values_list("workshop_id", "status")) == seats
    assert morning.pk in set(her.bookings.filter(status="confirmed").values_list("slot_id", flat=True))


def test_a_childcare_post_without_the_ages_keeps_her_children(client, world):
    # A post with only the notes removed every child's place (missing ages were taken as "none").
    her = world.people["her"]
    response = client.post(f"/de/r/{make_token(her)}/childcare/", {"childcare_notes": "Allergie"})
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert sorted(her.children.values_list("age", flat=True)) == [1, 4]


def test_an_invitation_signed_by_us_with_another_payload_is_not_found(client, world):
    # ValueError ("Field 'id' expected a number but got 'a'") from mediators.services.user_from_invitation.
    for payload in ("ab", ["x", "y"], [[1], "y"], [True, "y"]):
        token = signing.dumps(payload, salt=mediator_services.INVITATION_SALT)
        assert client.get(f"/de/mediators/invitation/{token}/").status_code == 404


def test_an_empty_post_to_an_invitation_shows_the_errors(client, world):
    [invited] = mediator_services.invite(emails=["neu@example.org"])
    token = mediator_services.invitation_token(invited.user)
    response = client.post(f"/de/mediators/invitation/{token}/", {})
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert not get_user_model().objects.get(pk=invited.user_id).has_usable_password()


@pytest.mark.parametrize("token", ["\x00", "abc\x00def", "a" * 65, "ab cd"])
def test_a_feed_address_with_a_nul_byte_or_junk_is_not_found(client, world, token):
    # DataError: PostgreSQL text fields cannot contain NUL (0x00) bytes (mediators.views.feed).
    MediatorProfile.objects.create(user=get_user_model().objects.create_user(email="m@example.org"))
    assert client.get(f"/de/feed/{token}.ics").status_code == 404


@pytest.mark.parametrize("booking", ["²", "⑦", "٣", "9" * 30, "-1", " 1"])
def test_an_offer_for_a_booking_number_in_another_script_is_not_found(client, world, booking):
    # "²".isdigit() is true, but int("²") fails: the booking lookup raised ValueError.
    offered = world.people["offered"]
    response = client.post(f"/de/r/{make_token(offered)}/accept/", {"booking": booking})
    assert response.status_code == 404
    offered.refresh_from_db()
    assert offered.status == Registration.Status.OFFERED


def test_a_past_start_time_still_passes_the_time_trap(client, world):
    # The regression tests above must not make the form stricter for people.
    response = valid_post(
        client,
        world.open,
        submission_key=KEY,
        started=SignupForm.new_start_time(KEY, at=time.time() - 60),
        email="ok@example.org",
    )
    assert response.status_code == 302


@pytest.mark.parametrize("full_seen", ["²", "1,²", "⑦", "٣", "9" * 30, "-1", " 1"])
def test_a_workshop_number_in_another_script_among_those_seen_full_is_ignored(client, world, full_seen):
    # "²".isdigit() is true, but int("²") fails: changing workshops raised ValueError (found by
    # tests/fuzz/test_selfservice_fuzz.py::test_changing_workshops_is_all_or_nothing).
    her = world.people["seated"]
    seats = set(Booking.objects.filter(registration=her, status="confirmed"))
    data = {f"slot_{seat.slot_id}": str(seat.workshop_id) for seat in seats} | {"full_seen": full_seen}
    response = client.post(f"/de/r/{make_token(her)}/workshops/", data)
    assert response.status_code == 302  # nothing changed: back to her page
    assert set(Booking.objects.filter(registration=her, status="confirmed")) == seats
