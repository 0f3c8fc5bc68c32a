"""Mediators' invitation links, replies and calendar feed; the door staff's code lookup and name search."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import signing
from hypothesis import given
from hypothesis import strategies as st

from backoffice.models import EventRole
from fachtag.models import Event, TimeSlot
from mediators import services as mediator_services
from mediators.models import MediatorProfile, SessionRecord
from registrations.models import Registration
from registrations.tokens import CHECKIN_SALT
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.fuzz.conftest import SALTS
from tests.fuzz.support import (
    EXAMPLES,
    FORGED_PAYLOADS,
    FUZZ,
    STAFF_EXAMPLES,
    STAFF_FUZZ,
    any_text,
    assert_consistent,
    assert_no_server_error,
    mutated,
    one_example,
    path_segment,
    post,
    rows,
    shows_form_error,
    state,
    tampered,
)

PASSWORD = "ein-langes-passwort-7"


def run(examples_of, examples=EXAMPLES):
    counter = {"ran": 0}
    examples_of(counter)
    assert counter["ran"] >= examples


@pytest.fixture
def training(world):
    event = EventFactory(
        kind=Event.Kind.TRAINING,
        slug="fuzz-training",
        starts_at=berlin(2099, 2, 1, 16),
        ends_at=berlin(2099, 12, 1, 19),
    )
    for month in (2, 3):
        slot = TimeSlotFactory(
            event=event,
            kind=TimeSlot.Kind.PLENARY,
            starts_at=berlin(2099, month, 10, 16),
            ends_at=berlin(2099, month, 10, 19),
        )
        WorkshopFactory(slot=slot, capacity=30)
    users = get_user_model().objects
    samira = MediatorProfile.objects.create(
        user=users.create_user(email="samira@example.org", password=PASSWORD)
    )
    other = MediatorProfile.objects.create(
        user=users.create_user(email="other@example.org", password=PASSWORD)
    )
    mediator_services.enrol(event_id=event.pk, profile_ids=[samira.pk, other.pk])
    [invited] = mediator_services.invite(emails=["new-mediator@example.org"])
    return samira, other, invited


def test_invitation_links_set_a_password_only_when_genuine(client, training):
    _samira, _other, invited = training
    real = mediator_services.invitation_token(invited.user)
    forged = FORGED_PAYLOADS.map(
        lambda payload: signing.dumps(payload, salt=mediator_services.INVITATION_SALT)
    )
    passwords = st.one_of(
        st.just("Ein-neues-Passwort-2027"), st.sampled_from(["", "short", "1234567890"]), any_text(100)
    )

    @FUZZ
    @given(
        token=st.one_of(tampered([real], SALTS), forged),
        form=st.builds(
            lambda p, same: {"new_password1": p, "new_password2": p if same else "Ein-anderes-Passwort-1"},
            passwords,
            st.booleans(),
        ).flatmap(mutated),
        method=st.sampled_from(["GET", "POST", "POST"]),
    )
    def example(counter, token, form, method):
        counter["ran"] += 1
        pairs, mutation = form
        client.logout()
        with one_example():
            path = f"/de/mediators/invitation/{path_segment(token)}/"
            response = post(client, path, pairs) if method == "POST" else client.get(path)
            assert_no_server_error(response)
            user = get_user_model().objects.get(pk=invited.user_id)
            if token != real:
                assert response.status_code in (400, 404), response.status_code
                assert not user.has_usable_password()
            elif response.status_code == 302:
                assert user.has_usable_password()
                assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()
            else:
                assert response.status_code in (200, 400)
                assert not user.has_usable_password()
                if method == "POST" and response.status_code == 200:
                    assert shows_form_error(response), mutation

    run(example)


def test_mediators_reply_only_for_their_own_sessions(client, training):
    samira, other, _invited = training
    mine = [
        str(pk)
        for pk in SessionRecord.objects.filter(enrolment__mediator=samira).values_list("pk", flat=True)
    ]
    theirs = [
        str(pk) for pk in SessionRecord.objects.filter(enrolment__mediator=other).values_list("pk", flat=True)
    ]
    client.force_login(samira.user)

    @FUZZ
    @given(
        form=st.builds(
            lambda record, answer, reason: {"record": record, "answer": answer, "reason": reason},
            st.one_of(st.sampled_from(mine + theirs), any_text(30)),
            st.sampled_from(["attending", "absent", "", "maybe"]),
            st.one_of(st.just(""), st.just("Krank"), any_text(400)),
        ).flatmap(mutated)
    )
    def example(counter, form):
        counter["ran"] += 1
        pairs, mutation = form
        with one_example():
            before = {r.pk: (r.reply, r.reason) for r in SessionRecord.objects.all()}
            response = post(client, "/de/my/trainings/reply/", pairs)
            assert_no_server_error(response)
            assert response.status_code in (302, 400, 404), response.status_code
            after = {r.pk: (r.reply, r.reason) for r in SessionRecord.objects.all()}
            changed = {pk for pk in after if after[pk] != before[pk]}
            assert not changed & {int(pk) for pk in theirs}, "she replied for another mediator"
            if response.status_code != 302:
                assert not changed

    run(example)


def test_calendar_feed_opens_only_with_a_current_token(client, training):
    samira, _other, _invited = training
    token = samira.feed_token

    @FUZZ
    @given(token=st.one_of(st.just(token), tampered([token], SALTS)))
    def example(counter, token):
        counter["ran"] += 1
        with one_example():
            response = client.get(f"/de/feed/{path_segment(token)}.ics")
            assert_no_server_error(response)
            if token == samira.feed_token:
                assert response.status_code == 200
                assert response["Content-Type"].startswith("text/calendar")
            else:
                assert response.status_code == 404

    run(example)


@pytest.fixture
def door(world):
    user = get_user_model().objects.create_user(email="door@example.org", password=PASSWORD)
    EventRole.objects.create(user=user, event=world.open, role=EventRole.Role.CHECKIN)
    return user


def test_check_in_code_lookup_checks_in_only_her_with_a_genuine_code(client, world, door):
    codes = world.tokens(CHECKIN_SALT)
    client.force_login(door)

    # Every example is rolled back, so each one starts from this state.
    before = state()

    @STAFF_FUZZ
    @given(
        code=st.one_of(tampered(codes, SALTS), st.sampled_from(codes).map(lambda c: f" {c[:10]}\n{c[10:]} ")),
        extra=st.lists(st.tuples(st.sampled_from(["code", "anyway", "x"]), any_text(40)), max_size=2),
    )
    def example(counter, code, extra):
        counter["ran"] += 1
        with one_example():
            arrived = set(
                Registration.objects.filter(checked_in_at__isnull=False).values_list("pk", flat=True)
            )
            response = post(
                client, f"/staff/events/{world.open.slug}/checkin/code/", [("code", code), *extra]
            )
            assert_no_server_error(response)
            assert response.status_code in (200, 400, 429), response.status_code
            now = set(Registration.objects.filter(checked_in_at__isnull=False).values_list("pk", flat=True))
            new = now - arrived
            assert len(new) <= 1
            for registration in Registration.objects.filter(pk__in=new):
                assert registration.event_id == world.open.pk and registration.holds_place
            assert rows(assert_consistent()) == rows(before)

    run(example, STAFF_EXAMPLES)


def test_check_in_name_search_never_fails(client, world, door):
    client.force_login(door)

    @STAFF_FUZZ
    @given(
        q=st.one_of(st.sampled_from(["Amal", "amal", "Ol", "a", "%", "_", "\\"]), any_text(200)),
        page=st.sampled_from(["", "2", "x"]),
    )
    def example(counter, q, page):
        counter["ran"] += 1
        with one_example():
            response = client.get(f"/staff/events/{world.open.slug}/checkin/?q={path_segment(q)}&page={page}")
            assert_no_server_error(response)
            assert response.status_code == 200

    run(example, STAFF_EXAMPLES)
