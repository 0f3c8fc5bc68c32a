"""The public sign-up form and the "send my link again" form under generated input."""

import functools
import time

from django.conf import settings
from django.core import signing
from hypothesis import given
from hypothesis import strategies as st

from fachtag.languages import INTERPRETING_LANGUAGES
from notifications.models import OutboxMessage
from registrations.forms import FORM_SIGNER_SALT, SignupForm, parse_ages
from registrations.models import Registration
from tests.fuzz.support import (
    EXAMPLES,
    FORGED_PAYLOADS,
    FUZZ,
    any_text,
    assert_consistent,
    assert_no_server_error,
    mutated,
    names,
    one_example,
    post,
    rows,
    shows_form_error,
    state,
)

LANGUAGE_CODES = [code for code, _label in settings.LANGUAGES]
INTERPRETING_CODES = ["", *(code for code, _label in INTERPRETING_LANGUAGES)]
SEPARATORS = [", ", ",", " ", "،", ";", " ; "]
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PHONES = st.from_regex(r"\+?[0-9 /()-]{5,30}", fullmatch=True)


@functools.cache
def emails():
    local = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=30)
    tag = st.sampled_from(["", "+fachtag", ".x", "_y"])
    domain = st.sampled_from(["example.org", "beispiel.de", "bücher.example", "xn--bcher-kva.example"])
    case = st.sampled_from([str, str.upper, str.title])
    return st.builds(
        lambda lo, t, d, c, pad: pad + c(f"{lo}{t}@{d}") + pad,
        local,
        tag,
        domain,
        case,
        st.sampled_from(["", " "]),
    )


def started_values(key: str):
    """The signed time the form was shown, bound to its key: old enough but under two hours (valid); too
    recent, from the future, over two hours old, another form's, or tampered."""

    def shown(age, bound_to=key):
        return SignupForm.new_start_time(bound_to, at=time.time() - age)

    past = st.floats(5, 7000).map(shown)
    recent = st.floats(-(10**6), 2.9).map(shown)
    expired = st.floats(7300, 10**7).map(shown)
    another = st.uuids().map(lambda other: shown(60, str(other)))
    forged = FORGED_PAYLOADS.map(lambda payload: signing.dumps(payload, salt=FORM_SIGNER_SALT))
    return past, st.one_of(recent, expired, another, forged, any_text(60), past.map(lambda s: s[:-3] + "abc"))


@st.composite
def signup_forms(draw, world, choices_of):
    """(event, pairs, mutation): a sign-up as a person fills it in, then maybe one thing broken."""
    event = draw(
        st.sampled_from([world.open, world.open, world.open, world.full, world.confirm, world.closed])
    )
    key = str(draw(st.uuids()))
    past, bad_started = started_values(key)
    valid = {
        "name": draw(names()),
        "email": draw(emails()),
        "language": draw(st.sampled_from(LANGUAGE_CODES)),
        "privacy_consent": draw(st.sampled_from(["on", "1", "true", "True"])),
        "started": draw(past),
        "submission_key": key,
        "website": "",
    }
    for name, choices in choices_of[event.pk].items():
        valid[name] = draw(st.sampled_from(choices))
    if event.has_childcare:
        ages = draw(st.lists(st.integers(0, 10), max_size=3))
        text = draw(st.sampled_from(SEPARATORS)).join(map(str, ages))
        valid["child_ages"] = text.translate(ARABIC_INDIC) if draw(st.booleans()) else text
        valid["childcare_notes"] = draw(names(0)) if ages else ""
    interpreting = draw(st.sampled_from(INTERPRETING_CODES))
    if interpreting:
        valid["interpreting_language"] = interpreting
        valid["interpreting_other"] = draw(names()) if interpreting == "other" else ""
    if draw(st.booleans()):
        valid["accessibility_needs"] = draw(names())
        valid["accessibility_consent"] = "on"
    if draw(st.booleans()):
        valid["phone"] = draw(PHONES)
        valid["organisation"] = draw(names())
    pairs, mutation = draw(mutated(valid))
    if draw(st.integers(0, 9)) == 0:  # the hidden fields themselves
        pairs = [(k, draw(bad_started) if k == "started" else v) for k, v in pairs]
        mutation = mutation or "started"
    if draw(st.integers(0, 19)) == 0:
        pairs = [(k, "I am a bot" if k == "website" else v) for k, v in pairs]
        mutation = mutation or "honeypot"
    return event, pairs, mutation


def chosen_workshops(choices: dict, data) -> set[int]:
    return {int(data[name]) for name in choices if data.get(name)}


def assert_complete(registration: Registration, event, choices: dict, data) -> None:
    """Everything she asked for was written, with its history entry and her message."""
    assert registration.event_id == event.pk
    assert registration.name == data["name"].strip()
    assert registration.email == data["email"].strip().lower()
    assert registration.status in {"confirmed", "waitlisted", "pending"}
    assert {b.workshop_id for b in registration.bookings.all()} == chosen_workshops(choices, data)
    if registration.status == "waitlisted":
        assert all(b.status == "waitlisted" for b in registration.bookings.all())
    ages = parse_ages(data.get("child_ages", "")) if event.has_childcare else []
    assert sorted(registration.children.values_list("age", flat=True)) == sorted(ages)
    assert registration.log.exists()
    kinds = set(
        OutboxMessage.objects.filter(key__startswith=f"registration:{registration.uuid.hex}:").values_list(
            "kind", flat=True
        )
    )
    assert kinds & {"registration_confirmed", "registration_waitlisted", "confirm_email"}, kinds


def test_sign_up_never_fails_and_never_half_saves(client, world):
    ran = 0
    choices_of = {e.pk: world.choices(e) for e in (world.open, world.full, world.confirm, world.closed)}

    # Every example is rolled back, so each one starts from this state.
    before = state()

    @FUZZ
    @given(form=signup_forms(world, choices_of), forwarded=st.one_of(st.none(), any_text(60)))
    def example(form, forwarded):
        nonlocal ran
        ran += 1
        event, pairs, mutation = form
        with one_example():
            extra = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": str(forwarded)}
            response = post(client, f"/de/events/{event.slug}/signup/", pairs, **extra)
            assert_no_server_error(response)
            created = Registration.objects.filter(pk__gt=before["last_registration"])
            if response.status_code == 302 and "/done/" in response["Location"]:
                [registration] = created
                assert_complete(registration, event, choices_of[event.pk], response.wsgi_request.POST)
            else:
                assert rows(state()) == rows(before), "a rejected sign-up left rows behind"
                if response.status_code == 200:
                    assert shows_form_error(response), mutation
                if mutation is None:
                    # A form as a person fills it in is never turned away without a word.
                    assert event == world.closed, (response.status_code, response.get("Location"))
            assert_consistent()

    example()
    assert ran >= EXAMPLES


def test_resend_link_answers_alike_and_sends_for_every_active_registration(client, world):
    ran = 0
    known = [person.email for person in world.people.values()]
    variants = st.sampled_from(known).flatmap(
        lambda email: st.sampled_from([email, email.upper(), f" {email} ", email.title()])
    )

    @FUZZ
    @given(
        email=st.one_of(variants, emails(), any_text(300)),
        extra=st.lists(
            st.tuples(st.sampled_from(["email", "csrfmiddlewaretoken", "x"]), any_text(40)), max_size=3
        ),
        forwarded=st.one_of(st.none(), any_text(60)),
    )
    def example(email, extra, forwarded):
        nonlocal ran
        ran += 1
        with one_example():
            headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": str(forwarded)}
            before = OutboxMessage.objects.filter(kind="personal_link").count()
            response = post(client, "/de/link/", [("email", email), *extra], **headers)
            assert_no_server_error(response)
            sent = OutboxMessage.objects.filter(kind="personal_link").count() - before
            if response.status_code == 302:
                assert response["Location"].endswith("/link/sent/")
                address = response.wsgi_request.POST["email"].strip().lower()
                active = Registration.objects.filter(email=address, status__in=Registration.ACTIVE).count()
                assert sent == active
            else:
                assert response.status_code in (200, 429)
                assert shows_form_error(response)
                assert sent == 0
            assert_consistent()

    example()
    assert ran >= EXAMPLES
