"""Organisers correct a registration's details (name, address, phone, message language) and keep staff
notes: through registrations.services.edit_registration, audited, staff notes never shown to her."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.models import AuditEntry
from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations import services
from registrations.errors import NotAllowed
from registrations.models import Registration, RegistrationLog
from registrations.services.privacy import delete_sensitive_details, erase_person
from registrations.tokens import make_token
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db

NOTES = "Rief am 3.12. an: kommt mit Rollator, Platz am Gang"


def edit_url(event, registration) -> str:
    return reverse(
        "backoffice:registration_edit", kwargs={"slug": event.slug, "registration_id": registration.pk}
    )


def details(registration, **changes) -> dict:
    """The edit form as it is shown for her, with these changes."""
    fields = {field: getattr(registration, field) for field in services.EDITABLE_FIELDS}
    return {**fields, **changes}


@pytest.fixture
def organiser(client, two_events):
    a, _b, roles = two_events
    client.force_login(roles["organiser_a"])
    return a, roles["organiser_a"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Amal Haddad-Nasser"),
        ("phone", "+49 351 1234567"),
        ("language", "fa"),
        ("staff_notes", NOTES),
    ],
)
def test_each_field_is_saved_and_its_name_but_not_its_value_recorded(client, organiser, field, value):
    event, user = organiser
    registration = sign_up(event, phone="0351 1")
    page = client.get(edit_url(event, registration))
    assert page.status_code == 200 and registration.name in page.content.decode()
    response = client.post(edit_url(event, registration), details(registration, **{field: value}))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "backoffice:registration", kwargs={"slug": event.slug, "registration_id": registration.pk}
    )
    assert getattr(reload(registration), field) == value
    entry = AuditEntry.objects.get(action="edit_registration")
    assert (entry.actor, entry.registration_id, entry.detail) == (user, registration.pk, {"fields": [field]})
    history = RegistrationLog.objects.get(registration=registration, action=RegistrationLog.Action.EDITED)
    assert history.actor == user and history.detail == {"fields": [field]}
    assert value not in json.dumps(entry.detail) + json.dumps(history.detail)
    assert not OutboxMessage.objects.filter(kind="personal_link").exists()  # only a new address gets a link


def test_a_fixed_address_gets_a_new_link_and_the_old_link_stops_working(client, organiser):
    event, user = organiser
    registration = sign_up(event, email="amal@exmaple.org", language="ar")
    old_link = f"/ar/r/{make_token(registration)}/"
    assert client.get(old_link).status_code == 200
    sent_before = OutboxMessage.objects.latest("pk").pk
    response = client.post(edit_url(event, registration), details(registration, email=" Amal@Example.org "))
    assert response.status_code == 302
    registration = reload(registration)
    assert registration.email == "amal@example.org"
    new_messages = list(OutboxMessage.objects.filter(pk__gt=sent_before))
    assert [(m.kind, m.to, m.language) for m in new_messages] == [("personal_link", "amal@example.org", "ar")]
    # Her confirmation to the mistyped address had not gone out yet: it never will, nor from the mail queue.
    unsent = OutboxMessage.objects.get(kind="registration_confirmed")
    assert unsent.to.endswith(".invalid") and unsent.context == {} and unsent.failed_at is not None
    assert not OutboxMessage.objects.filter(to="amal@exmaple.org").exists()
    assert client.get(old_link).status_code == 404
    assert client.get(f"/ar{new_messages[0].context['manage_path'][3:]}").status_code == 200
    entry = AuditEntry.objects.get(action="edit_registration")
    assert entry.detail == {"fields": ["email"]}
    assert "example" not in json.dumps(entry.detail)
    assert "exmaple" not in json.dumps(list(registration.log.values_list("detail", flat=True)))


def test_a_pending_registration_gets_its_confirmation_link_at_the_new_address(client, organiser):
    event, _user = organiser
    event.requires_email_confirmation = True
    event.save()
    registration = sign_up(event, email="olena@exmaple.org")
    assert registration.status == Registration.Status.PENDING
    client.post(edit_url(event, registration), details(registration, email="olena@example.org"))
    message = OutboxMessage.objects.latest("pk")
    assert (message.kind, message.to) == ("confirm_email", "olena@example.org")


def test_an_address_of_another_active_registration_is_refused_next_to_the_field(client, organiser):
    event, _user = organiser
    sign_up(event, email="taken@example.org")
    registration = sign_up(event, email="amal@example.org")
    response = client.post(
        edit_url(event, registration), details(registration, email="TAKEN@example.org", phone="0351 2")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_email_error"' in page and "Eine andere aktive Anmeldung" in page
    assert 'value="TAKEN@example.org"' in page and 'value="0351 2"' in page  # what she entered is kept
    assert reload(registration).email == "amal@example.org" and reload(registration).phone == ""
    assert not AuditEntry.objects.filter(action="edit_registration").exists()


def test_an_address_of_a_cancelled_registration_may_be_taken(client, organiser):
    event, _user = organiser
    gone = sign_up(event, email="old@example.org")
    services.cancel(registration_id=gone.pk, now=timezone.now())
    registration = sign_up(event, email="amal@example.org")
    client.post(edit_url(event, registration), details(registration, email="old@example.org"))
    assert reload(registration).email == "old@example.org"


def test_bad_input_is_answered_next_to_the_field(client, organiser):
    event, _user = organiser
    registration = sign_up(event)
    response = client.post(
        edit_url(event, registration), details(registration, email="amal at example", name="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_email_error"' in page and 'id="id_name_error"' in page and "Fehler:" in page
    assert reload(registration).name != ""


def test_saving_without_changes_records_nothing(client, organiser):
    event, _user = organiser
    registration = sign_up(event)
    client.post(edit_url(event, registration), details(registration))
    assert not AuditEntry.objects.filter(action="edit_registration").exists()
    assert not registration.log.filter(action=RegistrationLog.Action.EDITED).exists()


def test_a_changed_language_is_used_for_her_later_mails(client, organiser):
    event, _user = organiser
    registration = sign_up(event, language="ar")
    client.post(edit_url(event, registration), details(registration, language="uk"))
    services.cancel(registration_id=registration.pk, now=timezone.now())
    message = OutboxMessage.objects.filter(kind="registration_cancelled").get()
    assert message.language == "uk"
    rendered = render(message.kind, language=message.language, to=message.to, context=message.context)
    assert 'lang="uk"' in rendered.html


def test_staff_notes_never_reach_her_pages_or_mails_but_her_data_download(client, organiser):
    event, _user = organiser
    registration = sign_up(event, language="de")
    client.post(
        edit_url(event, registration), details(registration, staff_notes=NOTES, email="neu@example.org")
    )
    registration = reload(registration)
    staff_page = client.get(
        reverse("backoffice:registration", kwargs={"slug": event.slug, "registration_id": registration.pk})
    ).content.decode()
    assert NOTES in staff_page
    assert "Details changed" in staff_page or "Angaben geändert" in staff_page
    token = make_token(registration)
    her_page = client.get(f"/de/r/{token}/").content.decode()
    assert NOTES not in her_page
    services.cancel(registration_id=registration.pk, now=timezone.now())
    for message in OutboxMessage.objects.filter(to=registration.email):
        assert NOTES not in json.dumps(message.context)
        rendered = render(message.kind, language=message.language, to=message.to, context=message.context)
        assert NOTES not in rendered.subject + rendered.text + rendered.html
    download = client.get(f"/de/r/{token}/my-data.json")
    assert json.loads(download.content)["registrations"][0]["staff_notes"] == NOTES  # Art. 15 GDPR
    staff_export = client.get(
        reverse("backoffice:privacy_export", kwargs={"slug": event.slug, "registration_id": registration.pk})
    )
    assert json.loads(staff_export.content)["registrations"][0]["staff_notes"] == NOTES


def test_staff_notes_go_with_the_sensitive_details_and_on_erasure(organiser):
    event, user = organiser
    kept, erased = sign_up(event), sign_up(event)
    Registration.objects.update(staff_notes=NOTES)
    delete_sensitive_details(registration_ids=[kept.pk])
    assert reload(kept).staff_notes == ""
    erase_person(registration_ids=[erased.pk], now=timezone.now(), actor=user)
    assert reload(erased).staff_notes == ""


def test_after_her_links_expired_a_new_address_gets_no_link(organiser, time_machine):
    event, user = organiser
    registration = sign_up(event)
    time_machine.move_to(event.ends_at + timedelta(days=365))
    result = services.edit_registration(
        registration_id=registration.pk, changes={"email": "late@example.org"}, actor=user, now=timezone.now()
    )
    assert result == services.EditResult(changed=["email"], link_sent=False)
    assert not OutboxMessage.objects.filter(to="late@example.org").exists()


def test_organisers_of_another_event_cannot_edit(client, two_events):
    a, _b, roles = two_events
    registration = sign_up(a)
    client.force_login(roles["organiser_b"])
    assert (
        client.post(edit_url(a, registration), details(registration, name="Someone Else")).status_code == 404
    )
    assert reload(registration).name != "Someone Else"


def test_audit_actions_are_shown_in_words(client, organiser):
    event, _user = organiser
    registration = sign_up(event)
    client.post(edit_url(event, registration), details(registration, phone="0351 9", name="Amal Neu"))
    page = client.get(
        reverse("backoffice:registration", kwargs={"slug": event.slug, "registration_id": registration.pk})
    ).content.decode()
    assert "Angaben geändert: Name, Telefon" in page
    assert "Anmeldung angesehen" in page
    assert "edit_registration" not in page and "view_registration" not in page


# --- The back office in the staff member's own language ------------------------------------------------


def test_staff_pages_speak_her_saved_language_not_her_public_language_cookie(client, organiser):
    event, user = organiser
    client.cookies["django_language"] = "ar"
    page = client.get(reverse("backoffice:participants", kwargs={"slug": event.slug}))
    assert '<html lang="de" dir="ltr"' in page.content.decode() and page["Content-Language"] == "de"
    response = client.post(
        reverse("backoffice:language"),
        {"language": "en", "next": f"/staff/events/{event.slug}/participants/"},
    )
    assert response.status_code == 302 and response["Location"] == f"/staff/events/{event.slug}/participants/"
    user.refresh_from_db()
    assert user.language == "en"
    english = client.get(response["Location"]).content.decode()
    assert '<html lang="en" dir="ltr"' in english and ">Participants</h1>" in english
    public = client.get("/ar/").content.decode()
    assert '<html lang="ar" dir="rtl"' in public  # her public pages keep their own language
    assert client.cookies["django_language"].value == "ar"


def test_an_arabic_back_office_is_right_to_left(client, organiser):
    event, user = organiser
    client.post(reverse("backoffice:language"), {"language": "ar"})
    page = client.get(reverse("backoffice:dashboard", kwargs={"slug": event.slug})).content.decode()
    assert '<html lang="ar" dir="rtl"' in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/staff/", "/de/", ""])
def test_the_switch_only_returns_to_a_staff_page(client, organiser, target):
    _event, user = organiser
    response = client.post(reverse("backoffice:language"), {"language": "tr", "next": target})
    assert response["Location"] == reverse("backoffice:index")
    user.refresh_from_db()
    assert user.language == "tr"


def test_a_language_the_back_office_does_not_speak_changes_nothing(client, organiser):
    _event, user = organiser
    for language in ("de-simple", "xx", ""):
        client.post(reverse("backoffice:language"), {"language": language})
    user.refresh_from_db()
    assert user.language == "de"
    assert client.get(reverse("backoffice:language")).status_code == 405


def test_an_anonymised_registration_cannot_be_edited(client, organiser):
    event, user = organiser
    registration = sign_up(event)
    erase_person(registration_ids=[registration.pk], now=timezone.now(), actor=user)
    assert client.get(edit_url(event, registration)).status_code == 404
    with pytest.raises(NotAllowed):
        services.edit_registration(
            registration_id=registration.pk, changes={"name": "Wieder da"}, actor=user, now=timezone.now()
        )
    assert reload(registration).name == ""


def test_the_audit_log_in_the_admin_names_actions_in_words(client, two_events):
    a, _b, roles = two_events
    registration = sign_up(a)
    client.force_login(roles["organiser_a"])
    client.post(edit_url(a, registration), details(registration, phone="0351 9"))
    client.force_login(roles["admin"])
    page = client.get(reverse("admin:backoffice_auditentry_changelist")).content.decode()
    assert "Angaben geändert: Telefon" in page and "Anmeldung angesehen" not in page
