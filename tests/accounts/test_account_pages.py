"""allauth's pages in our frame and in our form pattern (docs/UI.md sections 2 and 4)."""

import re
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "Kaffee-und-Kuchen-2026"


class FormMarkup(HTMLParser):
    """Collects the <html> attributes, the labels' for= and the visible inputs of a page."""

    def __init__(self):
        super().__init__()
        self.html: dict[str, str | None] = {}
        self.label_targets: list[str] = []
        self.inputs: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.html = attributes
        elif tag == "label" and attributes.get("for"):
            self.label_targets.append(attributes["for"])
        elif tag in ("input", "textarea", "select") and attributes.get("type") != "hidden":
            self.inputs[attributes.get("id") or ""] = attributes


def parse(response) -> FormMarkup:
    markup = FormMarkup()
    markup.feed(response.content.decode())
    return markup


@pytest.fixture
def user():
    user = get_user_model().objects.create_user(email="amal@example.org", password=STRONG_PASSWORD)
    EmailAddress.objects.create(user=user, email="amal@example.org", verified=True, primary=True)
    return user


@pytest.mark.parametrize(
    ("url", "language", "direction", "email_field"),
    [
        ("/de/accounts/login/", "de", "ltr", "id_login"),
        ("/ar/accounts/login/", "ar", "rtl", "id_login"),
        ("/de/accounts/signup/", "de", "ltr", "id_email"),
        ("/de/accounts/password/reset/", "de", "ltr", "id_email"),
    ],
)
def test_page_is_rendered_in_our_frame_with_our_form_pattern(client, url, language, direction, email_field):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    markup = parse(response)
    assert markup.html["lang"] == language
    assert markup.html["dir"] == direction
    assert '<main id="main"' in content
    assert 'class="skip-link kern-link"' in content
    assert 'class="lang-switcher"' in content
    assert '<div class="narrow flow">' in content
    assert '<h1 class="kern-heading-large">' in content
    assert '<p class="kern-body">' in content
    assert re.search(r"<form [^>]*novalidate>", content)
    assert 'class="kern-form-input"' in content
    assert 'class="kern-label"' in content
    assert '<button class="kern-btn kern-btn--primary" type="submit"><span class="kern-label">' in content
    assert "error-summary" not in content
    # Every visible input has a label pointing at it, and every label points at an input.
    assert markup.inputs
    assert set(markup.label_targets) == set(markup.inputs)
    email = markup.inputs[email_field]
    assert email["type"] == "email"
    assert email["autocomplete"] == "email"
    assert email["class"] == "kern-form-input__input"
    assert "placeholder" not in email


def test_login_keeps_allauths_autocomplete_values_and_renders_remember_me_as_a_kern_checkbox(client):
    content = client.get("/de/accounts/login/").content.decode()
    markup = parse(client.get("/de/accounts/login/"))
    assert markup.inputs["id_password"]["autocomplete"] == "current-password"
    assert markup.inputs["id_password"]["aria-describedby"] == "id_password_hint"
    assert re.search(
        r'<div class="kern-form-check">\s*<input class="kern-form-check__checkbox" type="checkbox" name="remember" '
        r'id="id_remember">\s*<label class="kern-label" for="id_remember">',
        content,
    )
    # The reset link under the password is the hint, with our link style.
    assert re.search(
        r'<div class="kern-hint" id="id_password_hint"><a class="kern-link" href="/de/accounts/password/reset/">',
        content,
    )


def test_signup_asks_for_a_new_password(client):
    markup = parse(client.get("/de/accounts/signup/"))
    assert markup.inputs["id_password1"]["autocomplete"] == "new-password"
    assert markup.inputs["id_password2"]["autocomplete"] == "new-password"
    assert markup.inputs["id_password1"]["aria-describedby"] == "id_password1_hint"


def test_a_wrong_password_returns_the_form_with_the_error_summary(client, user):
    response = client.post(
        "/de/accounts/login/", {"login": "amal@example.org", "password": "falsch-falsch-falsch"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(r"<title>\s*Fehler: ", content)
    assert (
        '<div class="kern-alert kern-alert--danger error-summary" role="alert" tabindex="-1" '
        'aria-labelledby="error-summary-title">' in content
    )
    assert '<h2 class="kern-title" id="error-summary-title">' in content
    # The non-field error links to the first input.
    assert '<li><a class="kern-link" href="#id_login">' in content
    assert content.count('class="kern-alert kern-alert--danger error-summary"') == 1
    # The address is kept, the password is not written back.
    assert 'value="amal@example.org"' in content
    assert "falsch-falsch-falsch" not in content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("language", "heading"), [("de", "Es gibt ein Problem"), ("ar", "هناك مشكلة")])
def test_the_error_summary_speaks_the_page_language(client, language, heading):
    content = client.post(f"/{language}/accounts/login/", {"login": "", "password": ""}).content.decode()
    assert f'<h2 class="kern-title" id="error-summary-title">{heading}</h2>' in content


def test_an_invalid_email_on_signup_gets_an_inline_error_linked_to_the_input(client, mailoutbox):
    response = client.post(
        "/de/accounts/signup/",
        {"email": "amal-at-example.org", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )
    assert response.status_code == 200
    content = response.content.decode()
    email = parse(response).inputs["id_email"]
    assert email["aria-invalid"] == "true"
    assert "id_email_error" in email["aria-describedby"].split()
    assert email["class"] == "kern-form-input__input kern-form-input__input--error"
    assert email["value"] == "amal-at-example.org"
    assert '<div class="kern-form-input kern-form-input--error">' in content
    error = re.search(
        r'<p class="kern-error" id="id_email_error"><span class="kern-icon kern-icon--danger" aria-hidden="true">'
        r'</span><span class="kern-body">([^<]+)</span></p>',
        content,
    )
    assert error
    # The summary uses the same words as the inline error and links to the input.
    assert f'<a class="kern-link" href="#id_email">{error.group(1)}</a>' in content
    # Inputs without errors stay plain.
    assert "aria-invalid" not in str(parse(response).inputs["id_password2"])
    assert mailoutbox == []


def test_a_signup_with_a_valid_email_and_a_strong_password_sends_a_verification_mail(client, mailoutbox):
    response = client.post(
        "/de/accounts/signup/",
        {"email": "Amal@Example.org", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/de/accounts/confirm-email/"
    assert get_user_model().objects.filter(email="amal@example.org").exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["amal@example.org"]
    # The next page shows allauth's message as a KERN alert.
    content = client.get(response["Location"]).content.decode()
    assert '<div class="kern-alert kern-alert--info" role="status">' in content
    assert "amal@example.org" in content
    assert '<h1 class="kern-heading-large">' in content


def test_the_verification_link_confirms_the_address(client, mailoutbox):
    client.post(
        "/de/accounts/signup/",
        {"email": "amal@example.org", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(f"/{path}")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<button class="kern-btn kern-btn--primary" type="submit">' in content
    assert re.search(r"<form [^>]*novalidate>", content)
    response = client.post(f"/{path}")
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="amal@example.org").verified


def test_password_reset_steps(client, user, mailoutbox):
    response = client.post("/de/accounts/password/reset/", {"email": "amal@example.org"})
    assert response.status_code == 302
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert '<h1 class="kern-heading-large">' in done.content.decode()
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mailoutbox[0].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    markup = parse(response)
    assert markup.inputs["id_password1"]["autocomplete"] == "new-password"
    assert set(markup.label_targets) == set(markup.inputs)
    new_password = "Neues-Passwort-fuer-Amal-7"
    response = client.post(
        response.redirect_chain[-1][0] if response.redirect_chain else path,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_a_bad_reset_link_says_so_in_our_frame(client):
    response = client.get("/de/accounts/password/reset/key/x-y/", follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<main id="main"' in content
    assert '<h1 class="kern-heading-large">' in content


@pytest.mark.parametrize(
    "url",
    ["/de/accounts/email/", "/de/accounts/password/change/", "/de/accounts/logout/", "/ar/accounts/email/"],
)
def test_account_pages_of_a_signed_in_user_are_in_our_frame(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<main id="main"' in content
    assert '<h1 class="kern-heading-large">' in content
    assert 'class="kern-btn kern-btn--primary"' in content
    markup = parse(response)
    assert set(markup.label_targets) == set(markup.inputs)
    # Links to the other account pages, the current one marked.
    assert 'aria-current="page"' in content


def test_email_page_lists_addresses_as_kern_radios_with_badges(client, user):
    client.force_login(user)
    content = client.get("/de/accounts/email/").content.decode()
    assert 'class="kern-form-check__radio" type="radio" name="email"' in content
    assert '<span class="kern-badge kern-badge--success"><span class="kern-label">' in content
    assert 'autocomplete="email"' in content


def test_adding_an_invalid_email_shows_one_error_summary(client, user):
    client.force_login(user)
    response = client.post("/de/accounts/email/", {"action_add": "", "email": "kaputt"})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="kern-alert kern-alert--danger error-summary"') == 1
    assert parse(response).inputs["id_email"]["aria-invalid"] == "true"


def test_password_change_errors_use_the_pattern(client, user):
    client.force_login(user)
    response = client.post(
        "/de/accounts/password/change/", {"oldpassword": "falsch", "password1": "", "password2": ""}
    )
    assert response.status_code == 200
    markup = parse(response)
    assert markup.inputs["id_oldpassword"]["aria-invalid"] == "true"
    assert markup.inputs["id_oldpassword"]["autocomplete"] == "current-password"
    assert markup.inputs["id_password1"]["autocomplete"] == "new-password"
    assert "error-summary" in response.content.decode()
