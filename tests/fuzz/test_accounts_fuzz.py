"""Login, account sign-up, password reset (and its links), and the language switch under generated input."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.support import (
    EXAMPLES,
    FUZZ,
    any_text,
    assert_consistent,
    assert_no_server_error,
    mutated,
    one_example,
    path_segment,
    post,
    shows_form_error,
)

PASSWORD = "ein-langes-passwort-7"


@pytest.fixture
def member(world):
    user = get_user_model().objects.create_user(email="member@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def run(examples_of):
    counter = {"ran": 0}
    examples_of(counter)
    assert counter["ran"] >= EXAMPLES


def assert_accounts_consistent() -> None:
    """Every account has its one primary address, the same as its login."""
    for user in get_user_model().objects.prefetch_related("emailaddress_set"):
        addresses = list(user.emailaddress_set.all())
        if addresses:
            assert [a.email.lower() for a in addresses if a.primary] == [user.email.lower()], user.email


EMAILS = st.one_of(
    st.sampled_from(["member@example.org", "MEMBER@example.org", " member@example.org ", "new@example.org"]),
    st.emails().map(str),
    any_text(300),
)
PASSWORDS = st.one_of(st.sampled_from([PASSWORD, "", "short", "1234567890", "password123"]), any_text(200))


def test_login_never_fails(client, member):
    @FUZZ
    @given(
        form=st.builds(
            lambda login, password, remember: {"login": login, "password": password, "remember": remember},
            EMAILS,
            PASSWORDS,
            st.sampled_from(["", "on"]),
        ).flatmap(mutated),
    )
    def example(counter, form):
        counter["ran"] += 1
        pairs, mutation = form
        client.logout()
        with one_example():
            users = get_user_model().objects.count()
            response = post(client, "/de/accounts/login/", pairs)
            assert_no_server_error(response)
            assert response.status_code in (200, 302, 400, 429), response.status_code
            if response.status_code == 302:
                data = response.wsgi_request.POST
                assert (
                    data.get("login", "").strip().lower() == member.email and data.get("password") == PASSWORD
                )
            elif response.status_code == 200:
                assert (
                    shows_form_error(response)
                    or b"errorlist" in response.content
                    or b"kern-error" in response.content
                )
            assert get_user_model().objects.count() == users

    run(example)


def test_account_sign_up_creates_a_whole_account_or_none(client, member):
    @FUZZ
    @given(
        form=st.builds(
            lambda email, password, repeat: {
                "email": email,
                "password1": password,
                "password2": password if repeat else "x",
            },
            EMAILS,
            st.one_of(st.just("ein-anderes-passwort-42"), PASSWORDS),
            st.booleans(),
        ).flatmap(mutated),
    )
    def example(counter, form):
        counter["ran"] += 1
        pairs, mutation = form
        client.logout()
        mail.outbox.clear()
        with one_example():
            before = set(get_user_model().objects.values_list("pk", flat=True))
            response = post(client, "/de/accounts/signup/", pairs)
            assert_no_server_error(response)
            assert response.status_code in (200, 302, 400, 429), response.status_code
            new = get_user_model().objects.exclude(pk__in=before)
            if response.status_code == 302 and new.exists():
                [user] = new
                [address] = user.emailaddress_set.all()
                assert address.email == user.email and not address.verified
                assert [m.to for m in mail.outbox] == [[user.email]]
            else:
                assert not new.exists()
            assert_accounts_consistent()
            assert_consistent()

    run(example)


def test_password_reset_answers_alike(client, member):
    @FUZZ
    @given(form=st.builds(lambda email: {"email": email}, EMAILS).flatmap(mutated))
    def example(counter, form):
        counter["ran"] += 1
        pairs, mutation = form
        mail.outbox.clear()
        with one_example():
            response = post(client, "/de/accounts/password/reset/", pairs)
            assert_no_server_error(response)
            assert response.status_code in (200, 302, 400, 429), response.status_code
            if response.status_code == 302:
                # The same answer either way; an unknown address is told that it has no account.
                address = response.wsgi_request.POST["email"].strip().lower()
                assert [m.to for m in mail.outbox] == [[address]]
            else:
                assert not mail.outbox

    run(example)


def test_account_links_never_fail(client, member):
    """The links allauth mails: password reset keys and address confirmations, tampered."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    real_key = f"{user_pk_to_url_str(member)}-{default_token_generator.make_token(member)}"

    @FUZZ
    @given(
        route=st.sampled_from(["password/reset/key/{}/", "confirm-email/{}/"]),
        key=st.one_of(st.just(real_key), st.just(real_key[:-2]), any_text(80)).filter(
            lambda k: k not in ("", b"")
        ),
        method=st.sampled_from(["GET", "POST"]),
        body=st.builds(lambda p1, p2: [("password1", p1), ("password2", p2)], PASSWORDS, PASSWORDS),
    )
    def example(counter, route, key, method, body):
        counter["ran"] += 1
        client.logout()
        with one_example():
            path = "/de/accounts/" + route.format(path_segment(key))
            response = post(client, path, body) if method == "POST" else client.get(path)
            assert_no_server_error(response)
            assert_accounts_consistent()

    run(example)


def test_language_switch_never_leaves_the_site(client, world):
    @FUZZ
    @given(
        language=st.one_of(st.sampled_from(["de", "ar", "fa", "de-simple", "xx", ""]), any_text(20)),
        target=st.one_of(
            st.sampled_from(
                [
                    "/de/",
                    "/ar/events/fuzz-open/",
                    "https://evil.example/",
                    "//evil.example/",
                    "/\\evil.example",
                    "javascript:alert(1)",
                    "\\\\evil.example",
                    " //evil.example",
                    "http:evil.example",
                ]
            ),
            any_text(100),
        ),
        referer=st.one_of(st.none(), st.sampled_from(["https://evil.example/", "http://testserver/ar/"])),
    )
    def example(counter, language, target, referer):
        counter["ran"] += 1
        with one_example():
            headers = {} if referer is None else {"HTTP_REFERER": referer}
            response = post(client, "/i18n/setlang/", [("language", language), ("next", target)], **headers)
            assert_no_server_error(response)
            assert response.status_code in (204, 302, 400)
            if response.status_code == 302:
                location = response["Location"]
                assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), location

    run(example)
