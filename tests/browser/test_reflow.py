"""Every public and personal page reflows at 320 px (WCAG 1.4.10): no horizontal scrolling, in German and Arabic.

The page list is checked against the URL configuration: every URL name under the language prefix (the
participants', mediators' and account pages) is either visited here or excluded with its reason, so a new
page without a reflow check makes this suite fail.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone

from fachtag.models import ChildcareGroup, Event, TimeSlot
from mediators import services as mediator_services
from mediators.models import MediatorProfile
from registrations.models import Registration
from registrations.tokens import CONFIRM_SALT, UNSUBSCRIBE_SALT, make_token
from tests.browser_support import OVERFLOWING
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.registrations.helpers import sign_up

# Long words, a long address and a long e-mail address: what a real programme and a real participant bring.
TITLE = (
    "Fachtag zur Arbeitsmarktintegration von Migrantinnen und Anerkennungsberatungsstellenverzeichnis 2099"
)
WORKSHOP = "Anerkennungsverfahren ausländischer Berufsqualifikationsnachweise"
ADDRESS = "Martin-Luther-Ring 4–6, Neues Rathaus, Festsaal\r\n04109 Leipzig-Zentrum-Südost"
EMAIL = "amal.haddad-mohammadi.beratungsstelle@integrationsnetzwerk-leipzig.example.org"

# URL name -> why it is not a page to reflow.
EXCLUDED = {
    "registrations:calendar": "a calendar file download",
    "registrations:qr": "an SVG image (shown inside her page, which is checked)",
    "registrations:download_data": "a JSON file download",
    "registrations:accept_offer": "POST only (the button sits on her page)",
    "mediators:reply": "POST only (the form sits on the portal page)",
    "mediators:renew_feed": "POST only (the button sits on the portal page)",
    "mediators:certificate": "a PDF download",
    "mediators:feed": "a calendar feed",
    "account_confirm_login_code": "login by code is off: redirects to the login page, which is checked",
    "account_reauthenticate": "only reached from a sensitive account action; the same form as the login",
    "mfa_authenticate": "only reached mid-login with an authenticator; redirects to the login page",
    "mfa_reauthenticate": "only reached from a sensitive account action with an authenticator",
    "mfa_deactivate_totp": "only with an authenticator set up (staff); the staff frame is German and LTR",
    "mfa_view_recovery_codes": "only with an authenticator set up (staff)",
    "mfa_generate_recovery_codes": "only with an authenticator set up (staff)",
    "mfa_download_recovery_codes": "a text file download",
    # Feedback (#25, H10): its 320 px check in de and ar is in tests/browser/test_feedback_browser.py.
    "feedback:answer": "checked at 320 px in de and ar by tests/browser/test_feedback_browser.py",
    "feedback:change": "needs her cookie; checked at 375 px by tests/browser/test_feedback_browser.py",
    # The mediators' survey (#25, H13): needs a series that has ended with an open survey.
    "mediators:feedback": "checked at 320 px in de and ar by tests/browser/test_series_feedback_browser.py",
}


def language_prefixed_url_names() -> set[str]:
    """Every URL name under i18n_patterns (the pages participants and mediators see)."""

    def walk(patterns, namespace: str, localised: bool):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(
                    pattern.url_patterns, inner, localised or isinstance(pattern.pattern, LocalePrefixPattern)
                )
            elif isinstance(pattern, URLPattern) and localised and pattern.name:
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver().url_patterns, "", False))


@pytest.fixture
def world(settings):
    """One of each kind of page's subject: her registration (pending, then confirmed), a mediator, tokens."""
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    event = EventFactory(
        slug="fachtag-reflow",
        title_de=TITLE,
        venue_address=ADDRESS,
        has_childcare=True,
        requires_email_confirmation=True,
    )
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=10)
    slot = TimeSlotFactory(event=event, title_de="Workshop-Phase 1: Beratungsangebote")
    workshop = WorkshopFactory(slot=slot, title_de=WORKSHOP, room="Sitzungssaal 2. Obergeschoss")
    WorkshopFactory(slot=slot, title_de="Bewerbungsunterlagenoptimierung", capacity=1)
    registration = sign_up(event, workshop, email=EMAIL, name="Amal Haddad-Mohammadi", child_ages=[3])
    confirm = make_token(registration, salt=CONFIRM_SALT)
    unsubscribe = make_token(registration, salt=UNSUBSCRIBE_SALT)
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CONFIRMED)

    past = EventFactory(slug="fachtag-past", starts_at=timezone.now() - timedelta(days=400))
    expired = make_token(sign_up(past, email="past@example.org", now=past.starts_at - timedelta(days=1)))

    training = EventFactory(
        kind=Event.Kind.TRAINING,
        title_de="Qualifizierungsreihe Sprach- und Integrationsmittlerinnen",
        starts_at=berlin(2099, 2, 1, 16, 0),
        ends_at=berlin(2099, 6, 1, 19, 0),
    )
    session = TimeSlotFactory(
        event=training,
        kind=TimeSlot.Kind.PLENARY,
        starts_at=berlin(2099, 2, 5, 16),
        ends_at=berlin(2099, 2, 5, 19),
    )
    WorkshopFactory(slot=session, title_de="Rollenverständnis und Schweigepflicht in der Sprachmittlung")
    (profile,) = mediator_services.invite(
        emails=["samira.al-khatib.sprachmittlung@example.org"], language="ar"
    )
    mediator_services.enrol(event_id=training.pk)
    invitation = mediator_services.invitation_token(profile.user)
    user = get_user_model().objects.create_user(
        email="samira.mediator@example.org", password="a-long-password-1"
    )
    MediatorProfile.objects.create(user=user, language="ar")
    mediator_services.enrol(event_id=training.pk)
    token = make_token(Registration.objects.get(pk=registration.pk))
    return {
        "event": event,
        "token": token,
        "confirm": confirm,
        "unsubscribe": unsubscribe,
        "expired": expired,
        "invitation": invitation,
        "user": user,
    }


def anonymous_pages(world) -> dict[str, list[str]]:
    token, slug = world["token"], world["event"].slug
    return {
        "fachtag:home": ["/"],
        "fachtag:event": [f"/events/{slug}/"],
        "registrations:signup": [f"/events/{slug}/signup/"],
        "registrations:manage": [f"/r/{token}/", f"/r/{world['expired']}/", "/r/not-a-token/"],
        "registrations:done": [f"/r/{token}/done/"],
        "registrations:offer": [f"/r/{token}/offer/"],
        "registrations:cancel": [f"/r/{token}/cancel/"],
        "registrations:change_workshops": [f"/r/{token}/workshops/"],
        "registrations:change_childcare": [f"/r/{token}/childcare/"],
        "registrations:unsubscribe": [f"/unsubscribe/{world['unsubscribe']}/"],
        "registrations:confirm_email": [f"/confirm/{world['confirm']}/"],
        "registrations:resend_link": ["/link/"],
        "registrations:link_sent": ["/link/sent/"],
        "mediators:invitation": [f"/mediators/invitation/{world['invitation']}/", "/mediators/invitation/x/"],
        "pages:privacy": ["/privacy/"],
        "pages:accessibility": ["/accessibility/"],
        "pages:imprint": ["/imprint/"],
        "account_login": ["/accounts/login/", "/no-such-page/"],
        "account_signup": ["/accounts/signup/"],
        "account_inactive": ["/accounts/inactive/"],
        "account_reset_password": ["/accounts/password/reset/"],
        "account_reset_password_done": ["/accounts/password/reset/done/"],
        "account_reset_password_from_key": ["/accounts/password/reset/key/1-not-a-key/"],
        "account_reset_password_from_key_done": ["/accounts/password/reset/key/done/"],
        "account_confirm_email": ["/accounts/confirm-email/not-a-key/"],
        "account_email_verification_sent": ["/accounts/confirm-email/"],
    }


def signed_in_pages() -> dict[str, list[str]]:
    return {
        "registrations:mine": ["/my/"],
        "mediators:portal": ["/my/trainings/"],
        "mediators:profile": ["/my/profile/"],
        "account_email": ["/accounts/email/"],
        "account_change_password": ["/accounts/password/change/"],
        "account_set_password": ["/accounts/password/set/"],
        "account_logout": ["/accounts/logout/"],
        "mfa_index": ["/accounts/2fa/"],
        "mfa_activate_totp": ["/accounts/2fa/totp/activate/"],
    }


def test_every_language_prefixed_url_is_checked_for_reflow_or_excluded_with_a_reason():
    checked = set(
        anonymous_pages(
            {
                "token": "t",
                "event": Event(slug="s"),
                **dict.fromkeys(["confirm", "unsubscribe", "expired", "invitation"], "t"),
            }
        )
    ) | set(signed_in_pages())
    names = language_prefixed_url_names()
    assert names - checked - set(EXCLUDED) == set(), "add these pages to the reflow test (or exclude them)"
    assert (checked | set(EXCLUDED)) - names == set(), "these URL names no longer exist"
    assert checked & set(EXCLUDED) == set()


def reflow_problems(page, width: int, paths: list[str], base: str) -> list[str]:
    page.set_viewport_size({"width": width, "height": 800})
    problems = []
    for path in paths:
        page.goto(base + path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{path} at {width} px is {scroll_width} px wide: {page.evaluate(OVERFLOWING)}")
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_public_and_personal_page_reflows_at_320_pixels_in_german_and_arabic(page, live_server, world):
    anonymous = [path for paths in anonymous_pages(world).values() for path in paths]
    signed_in = [path for paths in signed_in_pages().values() for path in paths]
    token, slug = world["token"], world["event"].slug
    phone = [f"/events/{slug}/signup/", f"/r/{token}/", f"/r/{token}/done/"]
    problems = []
    for language in ("de", "ar"):
        base = f"{live_server.url}/{language}"
        problems += reflow_problems(page, 375, phone, base)
        problems += reflow_problems(page, 320, anonymous, base)
        # A form sent back without its CSRF token: the 403 page.
        page.goto(f"{base}/link/")
        page.evaluate("document.querySelector('input[name=csrfmiddlewaretoken]').remove()")
        page.fill("input[name=email]", EMAIL)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "/link/" in page.refused_posts.pop()  # refused on purpose: the translated 403 page is checked
        if page.evaluate("document.documentElement.scrollWidth") > 320:
            problems.append(f"{language} 403 page: {page.evaluate(OVERFLOWING)}")
    client = Client()
    client.force_login(world["user"])
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    for language in ("de", "ar"):
        problems += reflow_problems(page, 320, signed_in, f"{live_server.url}/{language}")
    assert problems == [], "\n".join(problems)
