"""Security rules of QUALITY-CHECKLIST section 4 that no other test file proves: SEC-03 (CSRF on every
state-changing request), SEC-04 for the back office, SEC-07 (no database ids in public token URLs),
SEC-09 (e-mail header injection) and SEC-14 (errors fail closed and leak nothing)."""

import re
import time
import uuid
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import translation

from backoffice.forms import WalkInForm
from backoffice.models import EventRole
from mediators import services as mediator_services
from mediators.forms import ProfileForm
from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations import services
from registrations.forms import SignupForm
from registrations.models import Registration
from registrations.tokens import make_token, registration_from_token
from registrations.validators import name_characters
from tests.factories import EventFactory, mediator_manager
from tests.registrations.helpers import sign_up
from tests.registrations.test_signup_views import valid_post

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# The one view that may take a POST without a CSRF token: RFC 8058 one-click unsubscribe (MAIL-03),
# which only switches reminders off and is idempotent.
CSRF_EXEMPT = {"registrations:unsubscribe"}


# --- Walking the urlconf -------------------------------------------------------------------------------


def every_route(patterns=None, namespace="", converters=None):
    """(name, converters) of every named route in the urlconf, with the converters of enclosing includes."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from every_route(entry.url_patterns, inner, found)
        elif isinstance(entry, URLPattern) and entry.name:
            groups = set(entry.pattern.regex.groupindex) | set(found)
            yield ":".join(filter(None, [namespace, entry.name])), found, groups, entry


def sample_value(converter):
    if isinstance(converter, IntConverter):
        return 1
    if isinstance(converter, UUIDConverter):
        return uuid.uuid4()
    return "x"


def every_url() -> list[tuple[str, str]]:
    """One URL for every route: our own and allauth's in full, the admin's by its fixed pages."""
    urls = []
    with translation.override("de"):
        for name, converters, groups, _entry in every_route():
            if name.startswith("admin:") and groups:
                continue  # the admin's model pages: represented by the ones below
            if set(groups) - set(converters):
                continue  # a regular-expression route outside the admin: none in this project
            kwargs = {key: sample_value(converter) for key, converter in converters.items()}
            urls.append((name, reverse(name, kwargs=kwargs)))
    admin_pages = [
        "/admin/accounts/user/add/",
        "/admin/backoffice/eventrole/add/",
        "/admin/fachtag/event/add/",
    ]
    return urls + [(f"admin page {page}", page) for page in admin_pages]


def test_the_url_walk_covers_public_staff_account_and_admin_pages():
    names = {name for name, _url in every_url()}
    assert {
        "registrations:signup",
        "registrations:cancel",
        "registrations:resend_link",
        "backoffice:cancel",
        "backoffice:replace_links",
        "account_login",
        "account_reset_password",
        "set_language",
        "admin:logout",
    } <= names
    assert len(names) > 60


# --- SEC-03: CSRF --------------------------------------------------------------------------------------


def test_every_post_without_a_csrf_token_is_refused():
    user = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    anonymous, signed_in = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    signed_in.force_login(user)
    for client in (anonymous, signed_in):
        for name, url in every_url():
            if name in CSRF_EXEMPT:
                continue
            assert client.post(url, {"email": "a@example.org"}).status_code == 403, url


def test_csrf_exempt_is_used_only_for_the_one_click_unsubscribe():
    uses = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        uses += [(str(path.relative_to(ROOT)), line) for line in text.splitlines() if "@csrf_exempt" in line]
    assert [file for file, _line in uses] == ["registrations/views.py"]
    source = (ROOT / "registrations" / "views.py").read_text(encoding="utf-8")
    assert re.search(r"@csrf_exempt[^\n]*\n(@\w+\n)*def unsubscribe\(", source)


def test_a_get_on_the_cancel_link_changes_nothing(client):
    registration = sign_up(EventFactory())
    assert client.get(f"/de/r/{make_token(registration)}/cancel/").status_code == 200
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


# --- SEC-04 for the back office ------------------------------------------------------------------------


def test_back_office_pages_carry_the_content_security_policy(client):
    event = EventFactory()
    registration = sign_up(event)
    organiser = mediator_manager("orga@example.org")
    EventRole.objects.create(user=organiser, event=event, role=EventRole.Role.ORGANISER)
    client.force_login(organiser)
    pages = ["/staff/mediators/"]
    for name, converters, _groups, _entry in every_route():
        if name.startswith("backoffice") and set(converters) <= {"slug", "registration_id"}:
            kwargs = {"slug": event.slug, "registration_id": registration.pk}
            pages.append(reverse(name, kwargs={key: kwargs[key] for key in converters}))
    shown = []
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue  # POST-only actions
        shown.append(url)
        policy_header = response["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ):
            assert directive in policy_header, url
        assert "unsafe-inline" not in policy_header, url
    assert len(shown) >= 8, shown


# --- SEC-07: no database ids in URLs reached without an account ----------------------------------------


def test_public_token_urls_hold_no_database_ids():
    for name, converters, _groups, _entry in every_route():
        if name.split(":")[0] in {"registrations", "fachtag", "pages"}:
            assert not any(isinstance(c, IntConverter) for c in converters.values()), name


# --- SEC-09: e-mail header injection -------------------------------------------------------------------


@pytest.fixture
def event():
    return EventFactory(slug="fachtag", capacity=100)


def test_line_breaks_in_the_name_or_address_are_refused_by_the_sign_up_form(client, event):
    response = valid_post(client, event, name="Eve\r\nBcc: victim@example.org")
    assert response.status_code == 200 and response.context["form"].errors["name"]
    response = valid_post(client, event, email="a@example.org\r\nBcc:x@example.org")
    assert response.status_code == 200 and response.context["form"].errors["email"]
    assert not Registration.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_name_with_line_breaks_that_got_in_elsewhere_stays_in_the_body(event):
    """Registrations made by staff or imported data bypass the form: the mail still has one recipient."""
    event.title_de = "Fachtag\r\nBcc: title@example.org"
    event.save()
    sign_up(event, name="Eve\r\nBcc: victim@example.org", email="eve@example.org")
    stored = OutboxMessage.objects.get(kind="registration_confirmed")
    message = render(stored.kind, language=stored.language, to=stored.to, context=stored.context).as_email()
    assert message.recipients() == ["eve@example.org"]
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    assert parsed["Bcc"] is None
    assert "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]
    for part in parsed.walk():
        assert "Bcc" not in part, part.get_content_type()
    headers = message.message().as_bytes().split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers and b"victim@" not in headers


# --- SEC-14: errors fail closed ------------------------------------------------------------------------


def test_a_failure_inside_the_sign_up_leaves_nothing_and_shows_a_page_without_details(event, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail of the failure")

    # The registration row is already written when the message is queued: the whole transaction must go.
    monkeypatch.setattr("registrations.services.notify.registration_message", broken)
    client = Client(raise_request_exception=False)
    response = valid_post(client, event, language="ar")
    assert response.status_code == 500
    content = response.content.decode()
    assert "500.html" in [template.name for template in response.templates]
    assert 'lang="ar"' in content and 'dir="rtl"' in content  # in her language
    for leak in ("secret detail", "RuntimeError", "Traceback", "registrations/", "SECRET_KEY"):
        assert leak not in content
    assert not Registration.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_missing_page_shows_our_page_without_details(client):
    response = client.get("/de/no/such/page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "404.html" in [template.name for template in response.templates]
    assert "URLconf" not in content and "registrations/" not in content


# --- SEC-07 for mediators: the invitation link expires ----------------------------------------------


def test_a_mediator_invitation_expires_after_fourteen_days(client, time_machine):
    time_machine.move_to("2026-11-26 10:00:00+01:00", tick=False)
    [profile] = mediator_services.invite(emails=["samira@example.org"], language="de")
    url = f"/de/mediators/invitation/{mediator_services.invitation_token(profile.user)}/"
    # The mail says the last whole day the link works, from the same setting as the check.
    message = OutboxMessage.objects.get(kind="mediator_invitation", to="samira@example.org")
    text = render(message.kind, language="de", to=message.to, context=message.context).text
    assert "gültig bis 9. Dezember 2026" in text
    time_machine.shift(timedelta(days=14) - timedelta(seconds=1))
    assert client.get(url).status_code == 200
    time_machine.shift(timedelta(seconds=2))
    assert client.get(url).status_code == 404


# --- SEC-05: the time trap never stops someone who took her time ------------------------------------


def test_a_form_shown_three_hours_ago_comes_back_with_her_entries_and_can_be_sent_again(client, event):
    key = str(uuid.uuid4())
    old = SignupForm.new_start_time(key, at=time.time() - 3 * 3600)
    response = valid_post(client, event, language="en", submission_key=key, started=old, name="Rana Saleh")
    content = response.content.decode()
    assert response.status_code == 200 and not Registration.objects.exists()
    assert "open for more than two hours" in content and 'value="Rana Saleh"' in content
    values = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', content))
    assert values["started"] != old and values["submission_key"] != key  # fresh markers: she sends it again
    fresh = SignupForm.new_start_time(values["submission_key"], at=time.time() - 30)
    assert (
        valid_post(client, event, submission_key=values["submission_key"], started=fresh).status_code == 302
    )


def test_a_fill_time_marker_works_only_with_its_own_submission_key(client, event):
    mine, other = str(uuid.uuid4()), str(uuid.uuid4())
    started = SignupForm.new_start_time(mine, at=time.time() - 60)
    response = valid_post(client, event, submission_key=other, started=started)
    assert response.status_code == 200 and not Registration.objects.exists()


def test_a_copied_form_registers_one_person_and_her_double_click_still_finds_her_page(client, event):
    key = str(uuid.uuid4())
    started = SignupForm.new_start_time(key, at=time.time() - 60)
    first = valid_post(client, event, submission_key=key, started=started, email="amal@example.org")
    again = valid_post(client, event, submission_key=key, started=started, email="amal@example.org")
    assert first.status_code == again.status_code == 302
    # The same registration (her link is signed with the time, so it may differ by a second).
    token = first["Location"].split("/")[-3]
    assert registration_from_token(token) == registration_from_token(again["Location"].split("/")[-3])
    replayed = valid_post(client, event, submission_key=key, started=started, email="someone@example.org")
    assert replayed.status_code == 200 and "Bitte prüfen Sie Ihre Angaben" in replayed.content.decode()
    assert list(Registration.objects.values_list("email", flat=True)) == ["amal@example.org"]


def test_her_submission_key_does_not_open_her_registration_to_another_sign_up(client, event):
    """The key is looked up together with event and address: sent by another person for another event
    (e.g. after the cache that marks used forms was emptied), it registers that person, with her own page."""
    key = uuid.uuid4()
    hers = services.register(
        event_id=event.pk,
        applicant=services.Applicant(name="Amal Haddad", email="amal@example.org", language="ar"),
        workshop_ids=[],
        privacy_notice_version="1",
        submission_key=key,
    ).registration
    other_event = EventFactory()
    started = SignupForm.new_start_time(str(key), at=time.time() - 60)
    response = valid_post(
        client, other_event, submission_key=str(key), started=started, email="eve@example.org"
    )
    assert response.status_code == 302 and "/done/" in response["Location"]
    opened = registration_from_token(response["Location"].split("/r/")[1].split("/")[0])
    assert opened != hers and (opened.email, opened.event) == ("eve@example.org", other_event)


# --- SEC-09: invisible characters in names ---------------------------------------------------------------

INVISIBLE = {
    "zero-width space": "Amal\u200bHaddad",
    "zero-width joiner": "Amal\u200dHaddad",
    "right-to-left mark": "\u200fAmal Haddad",
    "Arabic letter mark": "أمل\u061c حداد",
    "bidi isolate": "Amal \u2067Haddad\u2069",
    "byte-order mark": "\ufeffAmal Haddad",
    "soft hyphen": "Amal Had\xaddad",
    "tag characters": "Amal Haddad\U000e0041\U000e0042",
    "line separator": "Amal\u2028Haddad",
    "paragraph separator": "Amal\u2029Haddad",
}


@pytest.mark.parametrize("name", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_name_with_invisible_characters_is_refused_next_to_the_field(client, event, name):
    response = valid_post(client, event, name=name)
    content = response.content.decode()
    assert response.status_code == 200 and not Registration.objects.exists()
    assert 'id="id_name_error"' in content and "unsichtbare Steuerzeichen" in content


@pytest.mark.parametrize(
    "name", ["أمل حداد", "Олена Коваленко", "Zoë Çelik-Nguyễn", "زهرا\u200cسادات احمدی", "O'Brien-Łukasz"]
)
def test_names_in_every_script_stay_accepted(client, event, name):
    assert valid_post(client, event, name=name).status_code == 302
    assert Registration.objects.get().name == name


def test_every_name_field_uses_the_one_name_validator():
    """Sign-up, the organisers' walk-in form and the mediator profile."""
    fields = [SignupForm.base_fields["name"], WalkInForm.base_fields["name"]]
    fields += [ProfileForm.base_fields["first_name"], ProfileForm.base_fields["last_name"]]
    assert all(name_characters in field.validators for field in fields)
