"""The pages behind her personal link, and the confirmation and unsubscribe links, under generated
tokens, methods and form bodies: never a 500, never a half-written change."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registrations.forms import parse_ages
from registrations.models import Booking, Registration
from registrations.tokens import CONFIRM_SALT, UNSUBSCRIBE_SALT, BadToken, registration_from_token
from tests.fuzz.conftest import SALTS
from tests.fuzz.support import (
    EXAMPLES,
    FORM,
    FUZZ,
    any_text,
    assert_consistent,
    assert_no_server_error,
    encode_form,
    mutated,
    next_address,
    one_example,
    path_segment,
    rows,
    shows_form_error,
    state,
    tampered,
)
from tests.fuzz.support import names as person_names

METHODS = st.sampled_from(["GET", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"])


def send(client, method: str, path: str, pairs=()):
    return client.generic(method, path, encode_form(pairs), content_type=FORM, REMOTE_ADDR=next_address())


def owner(token, salt=None):
    """The registration a token really opens (None for a bad one), as the application decides it."""
    try:
        text = token.decode("utf-8") if isinstance(token, bytes) else token
        return registration_from_token(text, **({"salt": salt} if salt else {}))
    except (BadToken, UnicodeDecodeError):
        return None


def routable(token) -> bool:
    """A token with a slash in it reaches no view at all (the URL resolver answers 404)."""
    return b"/" not in token if isinstance(token, bytes) else "/" not in token


def tokens_of(world, salt=None):
    valid = world.tokens(salt) if salt else world.tokens()
    return tampered(valid + world.stale_tokens(), SALTS)


def run(examples_of):
    """Call the @given function and prove it ran the promised number of examples."""
    counter = {"ran": 0}
    examples_of(counter)
    assert counter["ran"] >= EXAMPLES


@pytest.mark.parametrize("pages", [["fachtag.ics"], ["", "done/", "qr.svg"]], ids=["calendar", "manage"])
def test_personal_link_pages_open_only_with_a_current_link(client, world, pages):
    # Every example is rolled back, so each one starts from this state.
    before = state()

    @FUZZ
    @given(
        token=tokens_of(world),
        method=st.sampled_from(["GET", "GET", "HEAD", "POST"]),
        page=st.sampled_from(pages),
    )
    def example(counter, token, method, page):
        counter["ran"] += 1
        with one_example():
            response = send(client, method, f"/de/r/{path_segment(token)}/{page}")
            assert_no_server_error(response)
            her = owner(token)
            if her is None:
                assert response.status_code == 404
            else:
                assert response.status_code == 200
                assert response["Referrer-Policy"] == "same-origin"
                if page == "fachtag.ics":
                    assert response["Content-Type"].startswith("text/calendar")
            assert rows(assert_consistent()) == rows(before)

    run(example)


def slot_forms(world):
    """Her choice per slot as the change page offers it (with the full workshops she saw), then maybe broken."""
    choices = world.choices(world.open)
    every_workshop = ",".join(value for values in choices.values() for value in values if value)

    @st.composite
    def build(draw):
        valid = {name: draw(st.sampled_from(values)) for name, values in choices.items()}
        valid["full_seen"] = draw(st.sampled_from(["", every_workshop]))
        return draw(mutated(valid))

    return build()


def test_changing_workshops_is_all_or_nothing(client, world):
    # Every example is rolled back, so each one starts from this state.
    before = state()

    @FUZZ
    @given(token=tokens_of(world), form=slot_forms(world), method=st.sampled_from(["POST", "POST", "GET"]))
    def example(counter, token, form, method):
        counter["ran"] += 1
        pairs, mutation = form
        with one_example():
            her = owner(token)
            seats = _active_bookings(her)
            response = send(client, method, f"/de/r/{path_segment(token)}/workshops/", pairs)
            assert_no_server_error(response)
            after = assert_consistent()
            if her is None:
                assert response.status_code == 404
            elif response.status_code == 302:
                assert method == "POST"
                _assert_untouched_slots_kept(her, seats, response.wsgi_request.POST)
            else:
                # 400: Django refused the body itself (more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields).
                assert response.status_code in (200, 400)
                assert _active_bookings(her) == seats, "a rejected change altered her bookings"
                if response.status_code == 200 and method == "POST" and her.is_active:
                    assert shows_form_error(response), mutation
            if response.status_code != 302:
                assert rows(after) == rows(before)

    run(example)


def _active_bookings(registration) -> set:
    if registration is None:
        return set()
    return set(
        Booking.objects.filter(registration=registration, status__in=Booking.ACTIVE).values_list(
            "slot_id", "workshop_id", "status"
        )
    )


def _assert_untouched_slots_kept(registration, before: set, data) -> None:
    """A slot whose field was not sent keeps exactly the bookings it had."""
    after = _active_bookings(registration)
    for slot_id in {slot for slot, _w, _s in before}:
        if f"slot_{slot_id}" not in data:
            assert {b for b in after if b[0] == slot_id} == {b for b in before if b[0] == slot_id}


AGES = st.lists(st.integers(0, 17), max_size=4).map(lambda ages: ", ".join(map(str, ages)))


def test_childcare_changes_are_complete_or_refused(client, world):
    # Every example is rolled back, so each one starts from this state.
    before = state()

    @FUZZ
    @given(
        token=tokens_of(world),
        form=st.builds(
            lambda ages, notes: {"child_ages": ages, "childcare_notes": notes}, AGES, person_names(0)
        ).flatmap(mutated),
        method=st.sampled_from(["POST", "POST", "GET"]),
    )
    def example(counter, token, form, method):
        counter["ran"] += 1
        pairs, mutation = form
        with one_example():
            her = owner(token)
            response = send(client, method, f"/de/r/{path_segment(token)}/childcare/", pairs)
            assert_no_server_error(response)
            after = assert_consistent()
            if her is None or not her.event.has_childcare:
                assert response.status_code == 404
            elif response.status_code == 302:
                data = response.wsgi_request.POST
                assert "child_ages" in data, "a post without the ages field removed her children's places"
                ages = parse_ages(data["child_ages"])
                assert sorted(her.children.values_list("age", flat=True)) == sorted(ages)
            else:
                assert response.status_code in (200, 400)
                assert rows(after) == rows(before)
                if response.status_code == 200 and method == "POST" and her.is_active:
                    assert shows_form_error(response), mutation

    run(example)


def test_cancelling_happens_only_by_post_with_a_current_link(client, world):
    @FUZZ
    @given(
        token=tokens_of(world),
        method=METHODS,
        body=st.lists(st.tuples(any_text(20), any_text(40)), max_size=3),
    )
    def example(counter, token, method, body):
        counter["ran"] += 1
        with one_example():
            her = owner(token)
            response = send(client, method, f"/de/r/{path_segment(token)}/cancel/", body)
            assert_no_server_error(response)
            assert_consistent()
            if her is None:
                assert response.status_code == 404
                return
            status = Registration.objects.get(pk=her.pk).status
            if method == "POST":
                assert response.status_code == 302
                assert status == Registration.Status.CANCELLED
            else:
                assert status == her.status, f"{method} changed her registration"

    run(example)


def test_accepting_an_offer_takes_only_her_own_offer(client, world):
    offered = [str(pk) for pk in Booking.objects.filter(status="offered").values_list("pk", flat=True)]
    others = [str(pk) for pk in Booking.objects.values_list("pk", flat=True)]
    # Numbers of every script too: "²".isdigit() is true, int("²") fails.
    numbers = st.one_of(
        st.sampled_from(["²", "⑦", "¹²", "٣", "𝟘"]),
        st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=3),
    )
    booking = st.one_of(
        st.sampled_from(offered + others + [""]), numbers, st.integers().map(str), any_text(40)
    )

    # Every example is rolled back, so each one starts from this state.
    before = state()

    @FUZZ
    @given(
        token=st.one_of(st.sampled_from(world.tokens()), tokens_of(world)),
        method=st.sampled_from(["POST", "POST", "GET"]),
        body=st.one_of(
            booking.map(lambda value: [("booking", value)]),
            st.lists(st.tuples(st.just("booking"), booking), max_size=3),
        ),
    )
    def example(counter, token, method, body):
        counter["ran"] += 1
        with one_example():
            her = owner(token)
            response = send(client, method, f"/de/r/{path_segment(token)}/accept/", body)
            assert_no_server_error(response)
            after = assert_consistent()
            if method != "POST" and routable(token):
                assert response.status_code == 405
            elif her is None:
                assert response.status_code == 404
            else:
                assert response.status_code in (302, 404, 409)
            if response.status_code != 302:
                assert rows(after) == rows(before)
                assert after["history"] == before["history"]

    run(example)


def test_confirming_the_address_needs_a_post_with_its_own_link(client, world):
    @FUZZ
    @given(token=tokens_of(world, CONFIRM_SALT), method=METHODS)
    def example(counter, token, method):
        counter["ran"] += 1
        with one_example():
            her = owner(token, CONFIRM_SALT)
            response = send(client, method, f"/de/confirm/{path_segment(token)}/")
            assert_no_server_error(response)
            assert_consistent()
            if her is None:
                assert response.status_code == 404
                return
            status = Registration.objects.get(pk=her.pk).status
            if method == "POST":
                assert response.status_code == 302
                if her.status == Registration.Status.PENDING:
                    assert status == Registration.Status.CONFIRMED
            else:
                assert status == her.status

    run(example)


def test_unsubscribing_needs_a_post_with_its_own_link(client, world):
    @FUZZ
    @given(
        token=tokens_of(world, UNSUBSCRIBE_SALT),
        method=METHODS,
        body=st.sampled_from([[], [("List-Unsubscribe", "One-Click")]]),
    )
    def example(counter, token, method, body):
        counter["ran"] += 1
        with one_example():
            her = owner(token, UNSUBSCRIBE_SALT)
            response = send(client, method, f"/de/unsubscribe/{path_segment(token)}/", body)
            assert_no_server_error(response)
            assert_consistent()
            if her is None:
                assert response.status_code == 404
                return
            assert response.status_code == 200
            opted_out = Registration.objects.get(pk=her.pk).reminders_opt_out
            assert opted_out == (method == "POST")

    run(example)
