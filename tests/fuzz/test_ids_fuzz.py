"""Ids of any length in every posted field, query parameter and URL that carries one: never a 500
(a 5,000-digit number is more than Python's int() takes, 25 digits more than a database integer holds)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fachtag.models import Event, TimeSlot, Workshop
from mediators import services as mediator_services
from mediators.models import MediatorProfile, SessionRecord
from registrations.tokens import make_token
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.fuzz.support import EXAMPLES, FUZZ, assert_consistent, assert_no_server_error, one_example, post

# Numbers of every length up to past Python's 4,300-digit limit, as ASCII digits, other scripts' digits,
# with signs, blanks and separators; and real ids of the world.
TOO_LONG = ["9" * 5000, "1" * 25, "9" * 19, "0" * 4400 + "7"]
ANY_ID = st.one_of(
    st.sampled_from(TOO_LONG),
    st.integers(0, 10**30).map(str),
    st.integers(19, 6000).map(lambda n: "9" * n),
    st.integers(1, 6000).map(lambda n: "1" + "0" * n),
    st.text("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹²⑦-+ ,.eE", max_size=40),
)


@pytest.fixture
def ids_world(world):
    """The fuzz world, plus a training series with a mediator, and who posts where."""
    training = EventFactory(kind=Event.Kind.TRAINING, slug="ids-training")
    session = WorkshopFactory(slot=TimeSlotFactory(event=training, kind=TimeSlot.Kind.PLENARY))
    users = get_user_model().objects
    admin = users.create_superuser(email="admin@example.org", password="x" * 12)
    mediator = MediatorProfile.objects.create(
        user=users.create_user(email="m@example.org", password="x" * 12)
    )
    mediator_services.enrol(event_id=training.pk)
    her, offered = world.people["her"], world.people["offered"]
    record = SessionRecord.objects.get(enrolment__mediator=mediator)
    slot_fields = {f"slot_{slot.pk}": "" for slot in world.open.slots.all() if slot.is_parallel}
    staff = f"/staff/events/{world.open.slug}"
    slot_field = next(iter(slot_fields))
    # (who, method, url with {id} where the id goes in the path, posted fields with {id} where it goes)
    return (
        admin,
        mediator.user,
        [
            (
                None,
                "post",
                reverse("registrations:change_workshops", args=[make_token(her)]),
                {**slot_fields, "full_seen": "{id}"},
            ),
            (
                None,
                "post",
                reverse("registrations:accept_offer", args=[make_token(offered)]),
                {"booking": "{id}"},
            ),
            (
                None,
                "post",
                reverse("registrations:accept_offer", args=[make_token(her)]),
                {"booking": "{id}"},
            ),
            ("admin", "get", f"{staff}/exports/participants.csv?workshop={{id}}", None),
            ("admin", "get", f"{staff}/participants/?workshop={{id}}&page={{id}}", None),
            ("admin", "get", f"{staff}/participants/{{id}}/", None),
            ("admin", "post", f"{staff}/participants/{her.pk}/confirm-workshop/", {"booking": "{id}"}),
            (
                "admin",
                "post",
                f"{staff}/participants/{her.pk}/move/",
                {"workshop": "{id}", "booking": "{id}"},
            ),
            ("admin", "post", f"{staff}/capacity/", {"workshop": "{id}", "capacity": "{id}"}),
            ("admin", "get", f"{staff}/checkin/registrations/{{id}}/", None),
            (
                "admin",
                "post",
                f"{staff}/messages/",
                {"audience": "workshop", "workshop": "{id}", "subject": "S", "body": "B"},
            ),
            (
                "admin",
                "post",
                f"{staff}/walk-in/",
                {"name": "Amal Haddad", "email": "w@example.org", "language": "de", slot_field: "{id}"},
            ),
            ("admin", "post", f"/staff/mediators/trainings/{training.slug}/", {"mediators": "{id}"}),
            (
                None,
                "post",
                f"/de/events/{world.open.slug}/signup/",
                {"name": "Amal Haddad", "email": "s@example.org", slot_field: "{id}"},
            ),
            ("admin", "post", "/staff/mediators/{id}/active/", {"active": "0"}),
            (
                "admin",
                "post",
                f"/staff/mediators/trainings/{training.slug}/sessions/{session.pk}/attendance/",
                {"present": "{id}"},
            ),
            ("admin", "get", f"/staff/mediators/trainings/{training.slug}/sessions/{{id}}/attendance/", None),
            ("mediator", "post", "/de/my/trainings/reply/", {"record": "{id}", "answer": "attending"}),
            ("mediator", "get", "/de/my/trainings/{id}/certificate.pdf", None),
            ("mediator", "post", "/de/my/trainings/reply/", {"record": str(record.pk), "answer": "{id}"}),
        ],
    )


def send(client, target, value, users):
    who, method, url, fields = target
    client.logout()
    if who is not None:
        client.force_login(users[who])
    # In a path, an id is what the URL's int converter takes; elsewhere any text.
    if "{id}" in url.split("?")[0] and not (value.isascii() and value.isdigit()):
        value = "9" * len(value) or "0"
    address = url.replace("{id}", value)
    if method == "get":
        return client.get(address)
    return post(client, address, [(k, v.replace("{id}", value)) for k, v in fields.items()])


def test_ids_too_long_for_python_or_the_database_are_answered_without_a_server_error(client, ids_world):
    admin, mediator, targets = ids_world
    for target in targets:
        for value in TOO_LONG:
            with one_example():
                response = send(client, target, value, {"admin": admin, "mediator": mediator})
                assert_no_server_error(response)
                assert response.status_code in (200, 302, 404, 405, 409), (target, value[:30])


def test_ids_of_any_length_anywhere_are_answered_without_a_server_error(client, ids_world):
    admin, mediator, targets = ids_world
    ran = 0

    @FUZZ
    @given(target=st.sampled_from(targets), value=st.one_of(ANY_ID, st.sampled_from(["1", "0", ""])))
    def example(target, value):
        nonlocal ran
        ran += 1
        with one_example():
            assert_no_server_error(send(client, target, value, {"admin": admin, "mediator": mediator}))
            assert_consistent()

    example()
    assert ran >= EXAMPLES
    assert Workshop.objects.exists()
