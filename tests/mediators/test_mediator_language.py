"""Mediators addressed in their language: the invitation in German and in hers, greeting her by name or
without one (never by her address); the set-password form's errors name their fields."""

import email
import re
from email import policy

import pytest
from django.contrib.auth import get_user_model

from mediators import services
from mediators.models import MediatorProfile
from notifications.models import OutboxMessage
from notifications.rendering import render
from tests.factories import mediator_manager

pytestmark = pytest.mark.django_db


def invitation_to(address: str):
    stored = OutboxMessage.objects.filter(kind="mediator_invitation", to=address).latest("pk")
    message = render(stored.kind, language=stored.language, to=stored.to, context=stored.context).as_email()
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
    return parsed, parsed.get_body(("plain",)).get_content(), parsed.get_body(("html",)).get_content()


def test_the_pool_form_invites_in_her_language_and_german_and_greets_her_by_the_name_given(client):
    client.force_login(mediator_manager("office@example.org"))
    response = client.post(
        "/staff/mediators/",
        {
            "emails": '"Leyla Demir" <Leyla.Demir@example.org>, Amal Haddad <amal@example.org>',
            "language": "ar",
        },
    )
    assert response.status_code == 302
    leyla = MediatorProfile.objects.select_related("user").get(user__email="leyla.demir@example.org")
    assert (leyla.language, leyla.user.first_name, leyla.user.last_name) == ("ar", "Leyla", "Demir")

    parsed, text, html = invitation_to("leyla.demir@example.org")
    assert parsed["Subject"].strip().startswith("دعوتكم") and "Ihre Einladung" in parsed["Subject"]
    assert '<html lang="ar" dir="rtl">' in html
    assert "<p>مرحبًا <bdi>Leyla Demir</bdi>،</p>" in html  # her language first
    german = html.split('<div lang="de" dir="ltr">', 1)[1]
    assert "<p>Guten Tag <bdi>Leyla Demir</bdi>,</p>" in german and "Das Migrationsamt der Stadt" in german
    assert re.search(r'href="http://[^"]+/de/mediators/invitation/[^"]+/"', german)
    assert re.search(r'href="http://[^"]+/ar/mediators/invitation/[^"]+/"', html)
    assert "Guten Tag Leyla Demir," in text and "مرحبًا Leyla Demir،" in text
    assert "leyla.demir@example.org" not in text and "leyla.demir@example.org" not in html
    # Both links open the same invitation.
    links = re.findall(r"http://\S+/mediators/invitation/\S+/", text)
    assert len(links) == 2 and len({link.rsplit("/mediators/", 1)[1] for link in links}) == 1


def test_without_a_known_name_she_is_greeted_without_one_never_by_her_address():
    services.invite(emails=["leyla.demir@example.org"], language="ar")
    _parsed, text, html = invitation_to("leyla.demir@example.org")
    assert "leyla.demir" not in text and "leyla.demir" not in html
    assert text.startswith("مرحبًا،\n") and "Guten Tag,\n" in text
    assert "<p>مرحبًا،</p>" in html and "<p>Guten Tag,</p>" in html


def test_in_german_or_when_her_language_is_not_known_the_invitation_is_german_once(client):
    client.force_login(mediator_manager("office@example.org"))
    client.post("/staff/mediators/", {"emails": "a@example.org", "language": ""})
    assert MediatorProfile.objects.get(user__email="a@example.org").language == "de"
    parsed, text, html = invitation_to("a@example.org")
    assert (
        parsed["Subject"].strip() == "Ihre Einladung: Fortbildung für Sprach- und Integrationsmittler:innen"
    )
    assert text.count("Das Migrationsamt der Stadt") == 1 and 'lang="de" dir="ltr">' in html
    assert "Dasselbe auf Deutsch" not in text and "<hr>" not in html and text.startswith("Guten Tag,\n")


def test_a_re_invitation_uses_the_language_now_given_until_she_has_chosen_one_herself():
    services.invite(emails=["b@example.org"])
    services.invite(emails=["b@example.org"], language="fa")
    assert MediatorProfile.objects.get(user__email="b@example.org").language == "fa"
    _parsed, text, _html = invitation_to("b@example.org")
    assert text.startswith("سلام،") and "همین متن به آلمانی:" in text
    known = get_user_model().objects.create_user(email="c@example.org", password="x" * 12)
    MediatorProfile.objects.create(user=known, language="uk")
    assert services.invite(emails=["c@example.org"], language="fa") == []  # she has an account already
    assert MediatorProfile.objects.get(user=known).language == "uk"


def test_a_name_a_person_cannot_have_is_refused_beside_the_field(client):
    client.force_login(mediator_manager("office@example.org"))
    response = client.post("/staff/mediators/", {"emails": "Leyla\u200bDemir <leyla@example.org>"})
    content = response.content.decode()
    assert response.status_code == 200 and 'id="id_emails_error"' in content
    assert "Diese Namen enthalten Zeichen" in content
    assert not MediatorProfile.objects.exists()


@pytest.mark.parametrize(
    ("language", "first", "second"),
    [
        ("de", "Geben Sie Ihr neues Passwort ein.", "Geben Sie Ihr neues Passwort ein zweites Mal ein"),
        ("ar", "أدخلوا كلمة المرور الجديدة.", "أدخلوا كلمة المرور الجديدة مرة ثانية لتأكيدها."),
    ],
)
def test_the_set_password_errors_name_their_fields_in_the_summary(client, language, first, second):
    [profile] = services.invite(emails=["leyla.demir@example.org"])
    path = f"/{language}/mediators/invitation/{services.invitation_token(profile.user)}/"
    content = client.post(path, {"new_password1": "", "new_password2": ""}).content.decode()
    summary = content.split('class="kern-alert kern-alert--danger error-summary"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a class="kern-link" href="#([^"]+)">([^<]+)</a>', summary)
    assert [anchor for anchor, _message in links] == ["id_new_password1", "id_new_password2"]
    assert links[0][1] == first and links[1][1].startswith(second)
    assert 'id="id_new_password1_error"' in content and 'id="id_new_password2_error"' in content


def test_a_too_short_password_is_said_at_the_first_field_where_it_was_chosen(client):
    [profile] = services.invite(emails=["leyla.demir@example.org"])
    path = f"/de/mediators/invitation/{services.invitation_token(profile.user)}/"
    content = client.post(path, {"new_password1": "kurz", "new_password2": "kurz"}).content.decode()
    assert 'id="id_new_password1_error"' in content and 'id="id_new_password2_error"' not in content


@pytest.mark.parametrize(("language", "greeting"), [("de", "Guten Tag,"), ("ar", "مرحبًا،")])
def test_every_mediator_mail_greets_her_without_a_name_when_none_is_known(language, greeting):
    from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin

    event = EventFactory(
        kind="training", starts_at=berlin(2099, 2, 1, 16, 0), ends_at=berlin(2099, 3, 1, 19, 0)
    )
    slot = TimeSlotFactory(
        event=event, kind="plenary", starts_at=berlin(2099, 2, 5, 16, 0), ends_at=berlin(2099, 2, 5, 19, 0)
    )
    WorkshopFactory(slot=slot, title_de="Thema")
    user = get_user_model().objects.create_user(email="leyla.demir@example.org", password="x" * 12)
    MediatorProfile.objects.create(user=user, language=language)
    services.enrol(event_id=event.pk)
    for kind in ("training_schedule", "training_session_invite"):
        stored = OutboxMessage.objects.get(kind=kind)
        message = render(stored.kind, language=stored.language, to=stored.to, context=stored.context)
        assert message.text.startswith(f"{greeting}\n"), kind
        assert f"<p>{greeting}</p>" in message.html and "leyla.demir" not in message.html, kind
