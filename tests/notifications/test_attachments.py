"""Attachments are named in the outbox row, never stored as code paths (notifications/attachments.py)."""

import importlib

import pytest
from django.apps import apps

from notifications import attachments
from notifications.models import OutboxMessage
from notifications.outbox import send_once
from tests.factories import EventFactory
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db
naming = importlib.import_module("notifications.migrations.0007_attachment_names")


def test_the_apps_register_their_attachments_by_name():
    registration = sign_up(EventFactory(capacity=5))
    file_name, content, mime_type = attachments.make(
        {"name": "registration-qr", "kwargs": {"registration_id": registration.pk}}
    )
    assert (file_name, mime_type) == ("checkin-qr.png", "image/png") and content.startswith(b"\x89PNG")


def test_her_confirmation_names_its_qr_attachment_and_sends_it(mailoutbox):
    registration = sign_up(EventFactory(capacity=5))
    message = OutboxMessage.objects.get(kind="registration_confirmed", to=registration.email)
    assert message.context["attachments"] == [
        {"name": "registration-qr", "kwargs": {"registration_id": registration.pk}}
    ]
    assert send_once(message_id=message.pk) == "sent"
    assert [name for name, _content, _type in mailoutbox[-1].attachments if name == "checkin-qr.png"]


def queued(key: str, kind: str, context: dict) -> OutboxMessage:
    return OutboxMessage.objects.create(
        key=key, kind=kind, to=f"{key}@example.org", language="de", context=context
    )


def test_messages_queued_with_code_paths_get_the_names():
    waiting = queued(
        "a",
        "registration_confirmed",
        {"attachments": [{"factory": "registrations.qr.qr_attachment", "kwargs": {"registration_id": 3}}]},
    )
    certificate = queued(
        "b",
        "training_certificate",
        {"attachments": [{"factory": "mediators.certificates.attachment", "kwargs": {"enrolment_id": 4}}]},
    )
    plain = queued("c", "personal_link", {})

    naming.name_attachments(apps, None)

    for message in (waiting, certificate, plain):
        message.refresh_from_db()
    assert waiting.context["attachments"] == [{"name": "registration-qr", "kwargs": {"registration_id": 3}}]
    assert certificate.context["attachments"] == [
        {"name": "mediator-certificate", "kwargs": {"enrolment_id": 4}}
    ]
    assert plain.context == {}
