"""Every message kind renders in every language: translated, and right-to-left where the language is."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import get_language_info

from notifications.rendering import render

# Announcements carry the organisers' own words (German with their translations), not our catalogue.
ORGANISER_WRITTEN = {"announcement"}
KINDS = sorted(
    p.name.removesuffix(".subject.txt")
    for p in (Path(settings.BASE_DIR) / "templates/emails").glob("*.subject.txt")
    if p.name.removesuffix(".subject.txt") not in ORGANISER_WRITTEN
)
CONTEXT = {
    "name": "Amal",
    "event_title": "Fachtag",
    "event_date": "11.03.2027",
    "event_time": "09:00–16:30",
    "venue": "Neues Rathaus",
    "manage_path": "/r/x/",
    "confirm_path": "/confirm/x/",
    "confirm_by": "12.03.2027, 09:00",
    "offer_deadline": "12.03.2027, 09:00",
    "offer_path": "/r/x/offer/",
    "offer_workshop": "Jobsuche",
    "child_ages": "2, 4",
    "interpreting": "Farsi",
    "accessibility_received": True,
    "unsubscribe_path": "/unsubscribe/x/",
    "days": 7,
    "portal_path": "/my/trainings/",
    "invitation_path": "/mediators/invitation/x/",
    "session_title": "Rolle und Schweigepflicht",
    "session_when": "11.03.2027, 16:00–19:00",
    "sessions": [{"when": "11.03.2027, 16:00–19:00", "title": "Rolle", "cancelled": False}],
    "bookings": [{"time": "10:30–12:00", "title": "Jobsuche", "status_label": "x"}],
    "feedback_path": "/feedback/x/",
    "closes_on": "27.03.2027",
}


def test_there_is_a_template_set_for_each_kind():
    assert len(KINDS) >= 12
    for kind in KINDS:
        for suffix in (".txt", ".html"):
            assert (Path(settings.BASE_DIR) / f"templates/emails/{kind}{suffix}").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_translated_into_every_language(kind):
    english = render(kind, language="en", to="a@example.org", context=CONTEXT)
    for code, _name in settings.LANGUAGES:
        message = render(kind, language=code, to="a@example.org", context=CONTEXT)
        assert message.subject and message.text.strip() and "Amal" in message.text
        if code != "en":
            assert message.subject != english.subject, (kind, code)
            assert message.text != english.text, (kind, code)
        bidi = get_language_info(code)["bidi"]
        assert f'lang="{code}"' in message.html
        assert ('dir="rtl"' in message.html) == bidi
        # Every message carries her way back: the personal link, the portal or the invitation.
        assert any(
            path in message.text
            for path in ("/r/x/", "/my/trainings/", "/mediators/invitation/x/", "/feedback/x/")
        )


def test_an_unknown_language_falls_back_to_german():
    assert (
        render("registration_confirmed", language="xx", to="a@example.org", context=CONTEXT).html.count(
            'lang="de"'
        )
        == 1
    )
