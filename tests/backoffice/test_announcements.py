import pytest

from backoffice.models import Announcement
from fachtag.models import Workshop
from notifications import outbox
from notifications.models import OutboxMessage
from notifications.rendering import render
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db


def compose(client, event, **fields):
    data = {
        "audience": "everyone",
        "subject": "Raumänderung",
        "body": "Der Fachtag findet im Saal 2 statt.",
        **fields,
    }
    return client.post(f"/staff/events/{event.slug}/messages/", data)


def test_preview_shows_recipients_and_texts_without_sending(client, two_events):
    a, _b, roles = two_events
    sign_up(a)
    client.force_login(roles["organiser_a"])
    response = compose(client, a, preview="1", subject_ar="تغيير القاعة", body_ar="القاعة 2")
    content = response.content.decode()
    assert "1 recipient" in content or "1 Empf" in content
    assert "تغيير القاعة" in content
    assert (
        not Announcement.objects.exists() and not OutboxMessage.objects.filter(kind="announcement").exists()
    )


def test_each_recipient_gets_her_language_where_given_and_german_otherwise(client, two_events):
    a, _b, roles = two_events
    arabic, ukrainian = sign_up(a, language="ar"), sign_up(a, language="uk")
    client.force_login(roles["organiser_a"])
    assert compose(client, a, send="1", subject_ar="تغيير القاعة", body_ar="القاعة 2").status_code == 302
    to_arabic = OutboxMessage.objects.get(kind="announcement", to=arabic.email)
    to_ukrainian = OutboxMessage.objects.get(kind="announcement", to=ukrainian.email)
    assert to_arabic.context["subject"] == "تغيير القاعة" and to_arabic.language == "ar"
    assert to_ukrainian.context["subject"] == "Raumänderung" and to_ukrainian.language == "de"
    rendered = render("announcement", language=to_arabic.language, to=to_arabic.to, context=to_arabic.context)
    assert 'dir="rtl"' in rendered.html and "القاعة 2" in rendered.text
    outbox.send_batch(message_ids=[to_arabic.pk])
    page = client.get(f"/staff/events/{a.slug}/messages/").content.decode()
    assert "Raumänderung" in page


def test_a_workshop_waiting_list_gets_only_its_own(client, two_events):
    a, _b, roles = two_events
    small = Workshop.objects.get(slot__event=a, capacity=2)
    sign_up(a, small)
    sign_up(a, small)
    waiting = sign_up(a, small)
    client.force_login(roles["organiser_a"])
    compose(client, a, send="1", audience="workshop_waitlist", workshop=small.pk)
    assert list(OutboxMessage.objects.filter(kind="announcement").values_list("to", flat=True)) == [
        waiting.email
    ]
    bad = compose(client, a, send="1", audience="workshop")
    assert 'id="id_workshop_error"' in bad.content.decode()


def test_an_organiser_of_another_event_cannot_write_to_this_one(client, two_events):
    a, _b, roles = two_events
    sign_up(a)
    client.force_login(roles["organiser_b"])
    assert compose(client, a, send="1").status_code == 404
    assert not OutboxMessage.objects.filter(kind="announcement").exists()
