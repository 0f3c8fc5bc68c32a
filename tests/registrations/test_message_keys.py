"""Every outbox message to a participant is keyed by her registration first, so her export and erasure
find it without knowing another app's key format (registrations/message_keys.py)."""

import importlib
import uuid

import pytest
from django.apps import apps

from notifications.models import OutboxMessage
from registrations.message_keys import message_key, messages_to

pytestmark = pytest.mark.django_db
renaming = importlib.import_module("registrations.migrations.0008_announcement_keys_name_the_registration")


def message(key: str) -> OutboxMessage:
    return OutboxMessage.objects.create(key=key, kind="announcement", to="a@example.org", language="de")


def test_announcements_written_before_are_keyed_by_the_registration_and_found_for_her():
    hers, other = uuid.uuid4().hex, uuid.uuid4().hex
    old = message(f"announcement:12:{hers}")
    own = message(f"registration:{hers}:registration_confirmed:7")
    someone_else = message(f"announcement:12:{other}")
    mediator = message("session:3:0")

    renaming.forwards(apps, None)

    old.refresh_from_db()
    assert old.key == f"registration:{hers}:announcement:12"
    assert set(OutboxMessage.objects.filter(messages_to([hers]))) == {old, own}
    mediator.refresh_from_db()
    assert mediator.key == "session:3:0"

    renaming.backwards(apps, None)
    old.refresh_from_db()
    someone_else.refresh_from_db()
    assert old.key == f"announcement:12:{hers}" and someone_else.key == f"announcement:12:{other}"


def test_a_key_names_her_registration_first():
    class Registration:
        uuid = uuid.UUID(int=5)

    assert (
        message_key(Registration, "announcement", 12)
        == f"registration:{Registration.uuid.hex}:announcement:12"
    )
    assert messages_to([]).children == [("pk__in", [])]  # no registrations: no rows
