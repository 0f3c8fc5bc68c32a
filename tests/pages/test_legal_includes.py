"""The parts of the legal pages filled from data are shared includes (templates/pages/includes/): the
office's contact block on every page in every language, and the retention periods, whose "N days" take the
language's plural forms from the catalogue (one way for every language)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def page(client, name: str, language: str) -> str:
    with translation.override(language):
        return client.get(reverse(f"pages:{name}")).content.decode()


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize(("name", "anchor"), [("privacy", "controller"), ("imprint", "publisher")])
def test_every_legal_page_shows_the_offices_contact_block_in_its_language(client, language, name, anchor):
    block = section(page(client, name, language), anchor)
    with translation.override(language):
        phone, email = pgettext("contact", "Phone"), pgettext("contact", "E-mail")
    assert f'<bdi lang="de">{settings.OFFICE_NAME}</bdi>' in block
    assert f'<bdi lang="de">{settings.OFFICE_ADDRESS}</bdi>' in block
    assert re.search(rf'{re.escape(phone)}: <a class="kern-link" href="tel:\+493411230">', block)
    assert f'{email}: <a class="kern-link" href="mailto:{settings.ORGANISER_EMAIL}">' in block


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_accessibility_statement_gives_phone_and_e_mail_for_feedback(client, language):
    block = section(page(client, "accessibility", language), "feedback")
    assert 'href="tel:+493411230"' in block and f'href="mailto:{settings.ORGANISER_EMAIL}"' in block


# An event keeping the sensitive details 1 day and the rest 14; the defaults are 14 and 90 days.
PERIODS = {
    "de": [
        "1 Tag nach der Veranstaltung",
        "14 Tage nach der Veranstaltung",
        "90 Tage nach der Veranstaltung",
    ],
    "ar": ["يوم واحد بعد الفعالية", "بعد 14 يومًا من", ": 14 يومًا بعد الفعالية", "بعد 90 يومًا من"],
    "ru": ["1 день после мероприятия", "через 14 дней после", ": 14 дней после мероприятия", "через 90 дней"],
    "ro": ["1 zi după eveniment", "la 14 zile după", ": 14 zile după eveniment", "la 90 de zile după"],
    "uk": ["1 день після заходу", "через 14 днів після", "через 90 днів після"],
    "pl": ["1 dzień po wydarzeniu", "14 dni po wydarzeniu", "90 dni po wydarzeniu"],
    "en": ["1 day after the event", "14 days after the event", "90 days after the event"],
}


@pytest.mark.parametrize("language", PERIODS)
def test_the_retention_periods_take_the_languages_plural_forms(client, language):
    EventFactory(title_de="Kurzfrist", sensitive_retention_days=1, retention_days=14)

    retention = section(page(client, "privacy", language), "retention")

    for period in PERIODS[language]:
        assert period in retention
    assert "Kurzfrist" in retention


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("ar", 2, "يومين"),
        ("ar", 3, "3 أيام"),
        ("ar", 100, "100 يوم بعد"),
        ("ru", 21, "21 день"),
        ("ru", 22, "22 дня"),
        ("ro", 20, "20 de zile"),
        ("ro", 101, "101 zile"),
    ],
)
def test_each_plural_form_of_a_period(client, language, days, expected):
    EventFactory(title_de="Frist", sensitive_retention_days=days, retention_days=120)
    assert expected in section(page(client, "privacy", language), "retention")


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_privacy_notice_tells_of_both_feedback_surveys(client, language):
    """The anonymous feedback after a Fachtag and after a training series, under "how long we keep data"."""
    retention = section(page(client, "privacy", language), "retention")
    assert '<li id="feedback">' in retention and '<li id="feedback-training">' in retention
