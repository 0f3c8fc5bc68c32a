"""Previews of every system mail (#24, H9): every kind the code can send, in every language, rendered with
sample data through the outbox's own rendering, without reading or writing the database."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from backoffice import mail_previews
from backoffice.mail_preview_views import HTML_PART_POLICY
from backoffice.models import EventRole
from fachtag.models import Event, TimeSlot
from mediators.services import enrol, invite
from notifications.models import OutboxMessage
from registrations import calendar as registration_calendar
from registrations.models import MessageText
from registrations.services.signup import SIGNUP_OUTCOME
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The calls that queue a message, and which of their arguments names its kind.
SENDERS = {
    "registration_message": 1,
    "_message": 1,
    "_session_invite": 1,
    "enqueue": None,
    "OutboxMessage": None,
}
CANCELLING = {"registration_cancelled", "offer_expired", "training_session_cancelled"}


def kinds_with_templates() -> set[str]:
    return {
        path.name.removesuffix(".subject.txt") for path in (ROOT / "templates/emails").glob("*.subject.txt")
    }


def _strings(node) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def kinds_the_code_queues() -> set[str]:
    """Every kind named where the services queue a message: the kind argument of the calls that queue one,
    `kind=` keywords, and the names assigned to a variable `kind` (kind = "a" if … else "b")."""
    found = {kind for _action, kind in SIGNUP_OUTCOME.values()}
    for app in ("registrations", "mediators", "backoffice", "notifications"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                    if name in SENDERS:
                        position = SENDERS[name]
                        if position is not None and len(node.args) > position:
                            found |= _strings(node.args[position])
                        found |= {s for k in node.keywords if k.arg == "kind" for s in _strings(k.value)}
                elif (
                    isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Constant | ast.IfExp)
                    and any(isinstance(t, ast.Name) and t.id == "kind" for t in node.targets)
                ):
                    found |= _strings(node.value)
    return found


def test_every_kind_of_mail_the_code_can_send_has_a_preview():
    queued = kinds_the_code_queues()
    assert {"registration_confirmed", "reminder", "announcement", "training_session_cancelled"} <= queued
    assert queued - set(mail_previews.KINDS) == set()
    assert kinds_with_templates() == set(mail_previews.KINDS)
    assert len(mail_previews.KINDS) == len(set(mail_previews.KINDS))  # each in one group


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_renders_in_every_language_without_touching_the_database(language):
    """No django_db mark: pytest-django refuses any query here, so a preview that read or wrote a row (or
    queued a message) would fail."""
    bidi = translation.get_language_info(language)["bidi"]
    shown = {kind: mail_previews.preview(kind, language) for kind in mail_previews.KINDS}
    for kind, preview in shown.items():
        message = preview.message
        assert message.subject.strip() and message.text.strip(), kind
        assert "Amal Haddad" in message.text, kind
        assert f'lang="{language}"' in message.html and preview.bidi == bidi, kind
        assert ('dir="rtl"' in message.html) == bidi, kind
        with translation.override(language):
            assert not re.search(r"{{|{%|\bNone\b", message.text), (kind, message.text)
        if kind in registration_calendar.INVITE_KINDS or kind.startswith("training_session"):
            assert preview.calendar["method"] == ("CANCEL" if kind in CANCELLING else "REQUEST"), kind
            assert preview.calendar["summary"] and preview.calendar["end"] > preview.calendar["start"], kind
        else:
            assert preview.calendar is None, kind
    if language not in ("de", "de-simple"):  # her language, not German
        german = mail_previews.preview("registration_confirmed", "de").message
        assert shown["registration_confirmed"].message.subject != german.subject


def test_the_sample_carries_what_she_asked_for_and_what_the_mail_attaches():
    confirmed = mail_previews.preview("registration_confirmed", "de")
    assert "3 Jahre, 7 Jahre" in confirmed.message.text  # her children
    assert "Arabisch" in confirmed.message.text  # interpreting
    assert "Anerkennung ausländischer Berufsabschlüsse" in confirmed.message.text  # a workshop
    assert [str(a) for a in confirmed.attachments] == ["QR-Code der Teilnehmerin für den Check-in (PNG)"]
    certificate = mail_previews.preview("training_certificate", "ar")
    assert len(certificate.attachments) == 1
    offer = mail_previews.preview("workshop_offer_made", "de").message.text
    assert "Bewerben in Deutschland" in offer and "/offer" in offer


@pytest.fixture
def organiser(db):
    """An organiser of one event without a staff flag: organisers of any event may see the previews."""
    user = get_user_model().objects.create_user(email="orga@example.org", password="x" * 12)
    event = EventFactory()
    EventRole.objects.create(user=user, event=event, role=EventRole.Role.ORGANISER)
    sign_up(event)
    return user


def test_the_index_lists_every_kind_grouped_with_its_subject_in_her_language(client, organiser):
    client.force_login(organiser)
    page = client.get(reverse("backoffice:mail_previews")).content.decode()
    for kind in mail_previews.KINDS:
        assert reverse("backoffice:mail_preview", kwargs={"kind": kind, "language": "de"}) in page, kind
    assert "Anmeldung" in page and "Ihre Anmeldung ist bestätigt" in page
    assert reverse("backoffice:mail_previews") in client.get(reverse("backoffice:index")).content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_preview_page_shows_the_mail_marked_with_its_language(client, organiser, language):
    client.force_login(organiser)
    direction = "rtl" if translation.get_language_info(language)["bidi"] else "ltr"
    before = OutboxMessage.objects.count()
    for kind in mail_previews.KINDS:
        response = client.get(reverse("backoffice:mail_preview", kwargs={"kind": kind, "language": language}))
        page = response.content.decode()
        assert response.status_code == 200, kind
        assert f'<pre class="mail-preview-text" lang="{language}" dir="{direction}"' in page, kind
        assert page.count("<html") == 1 and "Amal Haddad" in page, kind
        html = reverse("backoffice:mail_preview_html", kwargs={"kind": kind, "language": language})
        assert f'sandbox="" title="HTML-Teil" src="{html}"' in page, kind
    assert OutboxMessage.objects.count() == before


def test_the_html_part_is_its_own_sandboxed_document_framed_by_our_pages_only(client, organiser):
    client.force_login(organiser)
    response = client.get(
        reverse("backoffice:mail_preview_html", kwargs={"kind": "registration_confirmed", "language": "ar"})
    )
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == HTML_PART_POLICY
    assert "script-src" not in HTML_PART_POLICY and "sandbox" in HTML_PART_POLICY
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in response["Cache-Control"]
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
    # The preview page itself keeps the site's policy.
    page = client.get(reverse("backoffice:mail_preview", kwargs={"kind": "reminder", "language": "ar"}))
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert "unsafe-inline" not in page["Content-Security-Policy"]


@pytest.mark.parametrize(
    "kind, language", [("no_such_mail", "de"), ("reminder", "xx"), ("base", "de"), ("frame", "ar")]
)
def test_an_unknown_kind_or_language_is_not_found(client, organiser, kind, language):
    client.force_login(organiser)
    for name in ("backoffice:mail_preview", "backoffice:mail_preview_html"):
        assert client.get(reverse(name, kwargs={"kind": kind, "language": language})).status_code == 404


def test_someone_with_only_a_check_in_role_and_no_staff_account_sees_no_preview(client, db):
    user = get_user_model().objects.create_user(email="door@example.org", password="x" * 12)
    EventRole.objects.create(user=user, event=EventFactory(), role=EventRole.Role.CHECKIN)
    client.force_login(user)
    assert client.get(reverse("backoffice:mail_previews")).status_code == 404
    assert "mail-previews" not in client.get(reverse("backoffice:index")).content.decode()


def test_the_preview_pages_keep_their_query_budget(client, organiser, django_assert_max_num_queries):
    """Sample data: the session, her account, her organiser role, her events for the choice of an event's
    text and that event's texts; nothing grows with the registrations."""
    event = EventRole.objects.get(user=organiser).event
    for _ in range(20):
        sign_up(event)
    client.force_login(organiser)
    confirmed = {"kind": "registration_confirmed", "language": "ar"}
    budgets = {
        reverse("backoffice:mail_previews"): 4,
        reverse("backoffice:mail_preview", kwargs=confirmed): 5,
        reverse("backoffice:mail_preview", kwargs=confirmed) + f"?event={event.slug}": 7,
        reverse("backoffice:mail_preview_html", kwargs=confirmed) + f"?event={event.slug}": 7,
        reverse("backoffice:mail_preview", kwargs={"kind": "training_schedule", "language": "de"}): 4,
    }
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200, url


def test_an_organiser_sees_the_words_her_event_adds_to_a_message(client, organiser):
    event = EventRole.objects.get(user=organiser).event
    MessageText.objects.create(
        event=event,
        kind="registration_confirmed",
        text_de="Eingang Nord benutzen.",
        text_ar="استخدموا المدخل الشمالي.",
    )
    other = EventFactory(slug="not-hers")
    MessageText.objects.create(event=other, kind="registration_confirmed", text_de="Geheim")
    client.force_login(organiser)
    kwargs = {"kind": "registration_confirmed", "language": "ar"}
    url = reverse("backoffice:mail_preview", kwargs=kwargs)
    assert "استخدموا المدخل الشمالي." not in client.get(url).content.decode()
    page = client.get(url, {"event": event.slug}).content.decode()
    assert "استخدموا المدخل الشمالي." in page
    assert f"/de/?event={event.slug}" in page  # the other languages keep the event
    html = client.get(reverse("backoffice:mail_preview_html", kwargs=kwargs), {"event": event.slug})
    assert "استخدموا المدخل الشمالي." in html.content.decode()
    # Another event's words are not hers to see: an error next to the field, the sample without them.
    refused = client.get(url, {"event": other.slug})
    assert refused.status_code == 200
    assert 'class="kern-error" id="id_event_error"' in refused.content.decode()
    assert "Geheim" not in refused.content.decode()
    assert (
        "Geheim"
        not in client.get(
            reverse("backoffice:mail_preview_html", kwargs=kwargs), {"event": other.slug}
        ).content.decode()
    )
    # Mediators' mails take no event's words: no choice shown.
    assert (
        'name="event"'
        not in client.get(
            reverse("backoffice:mail_preview", kwargs={"kind": "training_schedule", "language": "de"})
        ).content.decode()
    )


def test_the_sample_holds_what_the_services_put_in_a_real_message(db):
    """The sample context of a kind has the keys of a real outbox row of that kind, so a new key in the
    services' messages shows up here (the preview would otherwise render without it)."""
    event = EventFactory()
    sign_up(event)  # registration_confirmed, with her calendar entry and QR code
    invite(
        emails=["leyla.demir@example.org"], language="ar", names={"leyla.demir@example.org": "Leyla Demir"}
    )
    training = EventFactory(kind=Event.Kind.TRAINING, slug="training")
    WorkshopFactory(slot=TimeSlotFactory(event=training, kind=TimeSlot.Kind.PLENARY))
    enrol(event_id=training.pk)  # training_schedule, training_session_invite
    real = {message.kind: message for message in OutboxMessage.objects.all()}
    assert set(real) == {
        "registration_confirmed",
        "mediator_invitation",
        "training_schedule",
        "training_session_invite",
    }
    for kind, message in real.items():
        sample = mail_previews.sample_context(kind, message.language)
        assert set(sample) == set(message.context), kind
        if "calendar" in sample:
            assert set(sample["calendar"]["entry"]) == set(message.context["calendar"]["entry"]), kind
