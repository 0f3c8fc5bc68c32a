"""Her short check-in code: 8 characters of an unambiguous alphabet, unique per event, on her page and in
her confirmation (text and HTML, every language), never in a link; existing registrations get theirs from
the data migration."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations import codes
from registrations.models import Registration
from registrations.tokens import make_token
from tests.factories import EventFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db
migration = importlib.import_module("registrations.migrations.0010_short_code_walk_ins")


def test_a_new_code_has_eight_characters_none_of_which_looks_like_another():
    made = {codes.new_short_code() for _ in range(200)}
    assert len(made) == 200
    for code in made:
        assert len(code) == 8 and set(code) <= set(codes.ALPHABET)
        assert not set(code) & set("OILU")  # a printed 0 or 1 is never a letter
    assert len(codes.ALPHABET) == 32


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("K7PM3XQA", "K7PM3XQA"),
        ("k7pm-3xqa", "K7PM3XQA"),
        (" K7PM 3XQA\n", "K7PM3XQA"),
        ("K7PM–3XQA", "K7PM3XQA"),
        ("2O4I-5L6U", "2041516V"),
    ],
)
def test_typing_forgives_case_separators_and_look_alikes(typed, stored):
    assert codes.normalise(typed) == stored


@pytest.mark.parametrize("typed", ["", "K7PM3XQ", "K7PM3XQAB", "K7PM3X*A", "eyJhbGciOi"])
def test_what_cannot_be_a_code_is_none(typed):
    assert codes.normalise(typed) is None


def test_it_is_grouped_in_fours_for_reading_out():
    assert codes.grouped("K7PM3XQA") == "K7PM-3XQA"


def test_each_registration_gets_its_own_code_and_the_database_keeps_it_unique_per_event():
    event, other = EventFactory(capacity=5), EventFactory(capacity=5)
    first, second = sign_up(event), sign_up(event)
    assert codes.normalise(first.short_code) == first.short_code != second.short_code
    elsewhere = sign_up(other)
    Registration.objects.filter(pk=elsewhere.pk).update(short_code=first.short_code)  # another event: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=second.pk).update(short_code=first.short_code)


def test_a_sign_up_whose_code_is_taken_in_the_event_gets_another(monkeypatch):
    event = EventFactory(capacity=5)
    first = sign_up(event)
    # The random characters drawn: her code first (taken in this event), then a free one.
    drawn = iter(first.short_code + "ZZZZ2222")
    monkeypatch.setattr(codes.secrets, "choice", lambda _alphabet: next(drawn))
    second = sign_up(event)
    assert reload(second).short_code == "ZZZZ2222" and Registration.objects.filter(event=event).count() == 2


def test_the_data_migration_gives_every_existing_registration_its_own_code():
    event = EventFactory(capacity=50)
    registrations = [sign_up(event) for _ in range(12)]
    migration.give_codes(apps, None)
    given = [reload(registration).short_code for registration in registrations]
    assert len(set(given)) == 12 and all(codes.normalise(code) == code for code in given)


def test_her_page_shows_her_code_grouped_under_the_qr_code(client):
    registration = sign_up(EventFactory(capacity=5))
    page = client.get(f"/de/r/{make_token(registration)}/").content.decode()
    assert f'<bdi dir="ltr">{registration.short_code_grouped}</bdi>' in page
    assert page.index("checkin-qr") < page.index(registration.short_code_grouped)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_her_confirmation_carries_her_code_in_text_and_html_in_her_language(language):
    registration = sign_up(EventFactory(capacity=5), language=language)
    stored = OutboxMessage.objects.get(kind="registration_confirmed", to=registration.email)
    mail = render(stored.kind, language=stored.language, to=stored.to, context=stored.context).as_email()
    html = mail.alternatives[0][0]
    with translation.override(language):
        sentence = translation.gettext("If the QR code cannot be scanned, show or read out this code:")
    code = registration.short_code_grouped
    assert f"{sentence} {code}" in mail.body
    assert sentence in html and f'<bdi dir="ltr">{code}</bdi>' in html
    if language != "en":
        assert sentence != "If the QR code cannot be scanned, show or read out this code:"
    # Never in a link: her code is what she shows, not a key to anything.
    assert registration.short_code not in " ".join(part for part in mail.body.split() if "://" in part)
    assert f"/{registration.short_code}" not in html and f"={registration.short_code}" not in html
