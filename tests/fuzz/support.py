"""Shared pieces of the property-based tests: settings, hostile values, raw form bodies, tampered tokens,
and the database invariants every example must leave intact.

Each example runs in a savepoint that is rolled back afterwards (`one_example`), so examples do not
depend on each other and a failure replays the same way while hypothesis shrinks it.
"""

import contextlib
import functools
import itertools
import os
from urllib.parse import quote

from django.core import signing
from django.core.cache import cache
from django.db import connection, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from fachtag.models import ChildcareGroup, Event, TimeSlot, Workshop
from notifications.models import OutboxMessage
from registrations.models import Booking, Child, Registration, RegistrationLog

# 1,000 generated examples per target (about 5.5 minutes for the package on a 2-core machine);
# FUZZ_EXAMPLES=300 gives a quick run of about 2 minutes. Each test asserts that it ran this many.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1000"))
FUZZ = settings(
    max_examples=EXAMPLES,
    database=None,
    deadline=None,
    # The database fixture lives for the whole test; each example isolates itself in a savepoint.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
    print_blob=True,
)

# The door's forms are staff forms behind a login, not public ones (#8 asks 1,000 inputs for every public form
# and token URL): a quarter of the examples each, so that the whole suite stays within its ten minutes.
STAFF_EXAMPLES = max(EXAMPLES // 4, 1)
STAFF_FUZZ = settings(FUZZ, max_examples=STAFF_EXAMPLES)

FORM = "application/x-www-form-urlencoded"

# Values that have broken web forms somewhere: markup, formulas, reordering and control characters,
# template and format syntax, numbers that do not fit, digits of other scripts, lone surrogates.
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example","x")',
    "+1",
    "-1",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
    "\u202eevil",
    "\u2066isolated\u2069",
    "\x00",
    "a\x00b",
    "\ufeff",
    "\u200d",
    "\u2028",
    "'; DROP TABLE registrations_registration; --",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "%s%s%n",
    "../../../etc/passwd",
    "\r\nSet-Cookie: x=y",
    "NaN",
    "Infinity",
    "-0",
    "1e309",
    "9" * 400,
    "-" + "9" * 40,
    "٣",
    "²",
    "⑦",
    "𝟘",
    "١٢",
    "👩🏽‍🔬",
    "İ",
    "\U0010ffff",
    "\ud800",
    "\udfff",
    "null",
    "[]",
    "{}",
    " ",
    "",
    "A" * 151,
    "A" * 255,
    "A" * 1001,
    "x" * 70_000,
]

_address = itertools.count(1)


def next_address() -> str:
    """A fresh client address per request, so that the per-address rate limits never mask the form."""
    number = next(_address)
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


@functools.cache
def any_text(max_size: int = 200) -> st.SearchStrategy:
    """Text from every Unicode category (surrogates included), control characters, known-hostile values,
    numbers as text, and raw bytes that need not be UTF-8."""
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(), max_size=max_size),
        st.text(
            st.characters(categories=["Cc", "Cf", "Cs", "Co", "Zl", "Zp", "Zs", "Mn", "Me"]), max_size=12
        ),
        st.integers().map(str),
        st.floats().map(str),
        st.binary(max_size=40),
    )


@functools.cache
def names(min_size: int = 2) -> st.SearchStrategy:
    """Names a person may really have: letters of any script, marks, spaces, apostrophes and hyphens."""
    alphabet = st.characters(categories=["L", "M", "Nd"], include_characters=" '-.")
    return st.text(alphabet, min_size=min_size, max_size=150).filter(lambda s: len(s.strip()) >= min_size)


def _encode(value) -> str:
    if isinstance(value, bytes):
        return quote(value, safe="")
    # Lone surrogates go out as the bytes a careless encoder would produce (invalid UTF-8).
    return quote(str(value), safe="", errors="surrogatepass")


def encode_form(pairs) -> bytes:
    """A urlencoded body from (key, value) pairs: keys may repeat, values may be bytes or any text."""
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in pairs).encode("ascii")


def path_segment(value) -> str:
    return _encode(value)


def post(client, url: str, pairs, **extra):
    extra.setdefault("REMOTE_ADDR", next_address())
    return client.post(url, encode_form(pairs), content_type=FORM, **extra)


@st.composite
def mutated(draw, valid: dict, *, fields: list[str] | None = None):
    """(pairs, mutation) for a mostly valid form: unchanged (mutation None), or one field replaced by a
    hostile value, left out, repeated with another value, given twice as many times, or a stray field added."""
    pairs = list(valid.items())
    mutation = draw(st.sampled_from([None, "replace", "drop", "repeat", "many", "extra", "empty_body"]))
    if mutation is None or not pairs:
        return pairs, None
    if mutation == "empty_body":
        return [], mutation
    if mutation == "extra":
        return [*pairs, (draw(any_text(30)), draw(any_text()))], mutation
    index = draw(st.sampled_from(range(len(pairs))))
    key = pairs[index][0]
    if fields is not None and key not in fields and draw(st.booleans()):
        key = draw(st.sampled_from(fields))
        index = next((i for i, (k, _v) in enumerate(pairs) if k == key), index)
    if mutation == "replace":
        pairs[index] = (key, draw(any_text()))
    elif mutation == "drop":
        pairs = [pair for pair in pairs if pair[0] != key]
    elif mutation == "repeat":
        pairs.insert(draw(st.integers(0, len(pairs))), (key, draw(any_text())))
    else:  # many values for one key, beyond Django's limit of fields in one request now and then
        count = draw(st.sampled_from([2, 10, 1001]))
        pairs += [(key, pairs[index][1])] * count
    return pairs, f"{mutation}:{key}"


# --- Tokens ---------------------------------------------------------------------------------------------

FORGED_PAYLOADS = st.one_of(
    st.sampled_from(
        [
            "ab",
            "",
            None,
            1,
            10**400,
            1.5,
            True,
            [],
            [None, None],
            ["zz", 1],
            ["0" * 32, "1"],
            ["0" * 32, 1],
            [1, 1],
            [10**30, 1],
            [{"a": 1}, 1],
            [[1], [1]],
            ["\x00", 1],
            {"uuid": "0" * 32},
        ]
    ),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=2)
        ),
        max_leaves=5,
    ),
)


def tampered(valid_tokens: list[str], salts: list[str]) -> st.SearchStrategy:
    """A token as a bot or a mangled mail client sends it: a real one (so the valid path runs too), cut
    short, with a character changed, with junk appended, of another purpose, re-signed with a payload
    of the wrong shape, or anything at all."""
    real = st.sampled_from(valid_tokens)

    @st.composite
    def cut(draw):
        token = draw(real)
        return token[: draw(st.integers(1, max(1, len(token) - 1)))]

    @st.composite
    def flipped(draw):
        token = draw(real)
        index = draw(st.integers(0, len(token) - 1))
        char = draw(st.characters())
        return token[:index] + (char if char != token[index] else char + "x") + token[index + 1 :]

    @st.composite
    def forged(draw):
        return signing.dumps(draw(FORGED_PAYLOADS), salt=draw(st.sampled_from(salts)))

    return st.one_of(
        real,
        cut(),
        flipped(),
        st.tuples(real, any_text(30)).map(lambda pair: pair[0] + str(pair[1])),
        forged(),
        any_text(100).filter(lambda value: value not in ("", b"")),
    )


# --- Examples and invariants ----------------------------------------------------------------------------


@contextlib.contextmanager
def one_example():
    """Run one example on a clean cache and roll its writes back afterwards (its checks run before)."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:500])


def _table(model) -> str:
    return model._meta.db_table


def _statuses(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


@functools.cache
def _state_sql() -> str:
    """One query for every invariant and row count: an example stays cheap however much it checks."""
    reg, log, outbox = _table(Registration), _table(RegistrationLog), _table(OutboxMessage)
    booking, child, event = _table(Booking), _table(Child), _table(Event)
    workshop, group, slot = _table(Workshop), _table(ChildcareGroup), _table(TimeSlot)
    holding, booked = _statuses(Registration.HOLDING), _statuses(Booking.HOLDING)
    # Only table names and status values from the models go into the text: nothing from a request.
    return f"""
    SELECT
      (SELECT count(*) FROM {reg} r WHERE NOT EXISTS
         (SELECT 1 FROM {log} l WHERE l.registration_id = r.id)) AS without_history,
      (SELECT count(*) FROM {reg} r WHERE NOT EXISTS
         (SELECT 1 FROM {outbox} o WHERE o.key LIKE 'registration:' || replace(r.uuid::text, '-', '') || ':%%'))
         AS without_message,
      (SELECT count(*) FROM {reg} WHERE status NOT IN ({_statuses(Registration.Status.values)})) AS bad_status,
      (SELECT count(*) FROM {booking} WHERE status NOT IN ({_statuses(Booking.Status.values)}))
         AS bad_booking_status,
      (SELECT count(*) FROM {event} e WHERE e.seats_taken <>
         (SELECT count(*) FROM {reg} r WHERE r.event_id = e.id AND r.status IN ({holding}))) AS event_counter_off,
      (SELECT count(*) FROM {workshop} w WHERE w.seats_taken <>
         (SELECT count(*) FROM {booking} b WHERE b.workshop_id = w.id AND b.status IN ({booked})))
         AS workshop_counter_off,
      (SELECT count(*) FROM {group} g WHERE g.seats_taken <>
         (SELECT count(*) FROM {child} c JOIN {reg} r ON r.id = c.registration_id
          WHERE c.group_id = g.id AND r.status IN ({holding}))) AS childcare_counter_off,
      (SELECT count(*) FROM {booking} b JOIN {workshop} w ON w.id = b.workshop_id
         JOIN {slot} s ON s.id = w.slot_id JOIN {reg} r ON r.id = b.registration_id
         WHERE b.slot_id <> w.slot_id OR s.event_id <> r.event_id) AS foreign_booking,
      (SELECT count(*) FROM {child} c JOIN {group} g ON g.id = c.group_id
         JOIN {reg} r ON r.id = c.registration_id
         WHERE g.event_id <> r.event_id OR c.age < g.min_age OR c.age > g.max_age) AS child_out_of_group,
      (SELECT count(*) FROM {reg}) AS registrations,
      (SELECT count(*) FROM {booking}) AS bookings,
      (SELECT count(*) FROM {child}) AS children,
      (SELECT count(*) FROM {log}) AS history,
      (SELECT count(*) FROM {outbox}) AS outbox,
      (SELECT coalesce(max(id), 0) FROM {reg}) AS last_registration
    """  # noqa: S608


def state() -> dict:
    """The invariants (each a count of rows that break it) and the row counts, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_state_sql())
        columns = [column.name for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


INVARIANTS = (
    "without_history",
    "without_message",
    "bad_status",
    "bad_booking_status",
    "event_counter_off",
    "workshop_counter_off",
    "childcare_counter_off",
    "foreign_booking",
    "child_out_of_group",
)
ROWS = ("registrations", "bookings", "children")


def assert_consistent() -> dict:
    """Nothing half-written anywhere: every registration has its history entry and its message, every
    booking and child belongs to her event, every seat counter equals the rows it counts. Returns the state."""
    now = state()
    broken = {name: now[name] for name in INVARIANTS if now[name]}
    assert not broken, broken
    return now


def rows(now: dict) -> tuple:
    return tuple(now[name] for name in ROWS)


def shows_form_error(response) -> bool:
    return b"error-summary" in response.content
