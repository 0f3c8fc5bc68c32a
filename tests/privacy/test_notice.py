"""PRIV-07: the privacy notice states the retention periods from the settings, in every language."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from fachtag.models import DEFAULT_RETENTION_DAYS, DEFAULT_SENSITIVE_RETENTION_DAYS, Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "de-simple"]


def retention_section(client, language: str) -> str:
    with translation.override(language):
        html = client.get(reverse("pages:privacy")).content.decode()
    start = html.index('id="retention"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_notice_states_the_default_periods_and_each_current_events_own(client, language):
    EventFactory(title_de="Fachtag Sonderfrist", retention_days=123, sensitive_retention_days=21)
    EventFactory(title_de="Entwurf", status=Event.Status.DRAFT, retention_days=77)
    EventFactory(title_de="Längst anonymisiert", retention_days=66, anonymised_at=timezone.now())

    section = retention_section(client, language)

    assert f" {DEFAULT_SENSITIVE_RETENTION_DAYS} " in section and f" {DEFAULT_RETENTION_DAYS} " in section
    assert "Fachtag Sonderfrist" in section and " 123 " in section and " 21 " in section
    assert "Entwurf" not in section and " 77 " not in section
    assert "Längst anonymisiert" not in section and " 66 " not in section


def test_without_current_events_only_the_defaults_are_stated(client):
    section = retention_section(client, "de")
    assert "14 Tage" in section and "90 Tage" in section
    assert "Für die Veranstaltungen" not in section


def test_the_page_costs_one_query_for_the_periods(client, django_assert_max_num_queries):
    for day in range(5):
        EventFactory(starts_at=timezone.now() + timedelta(days=30 + day))
    with django_assert_max_num_queries(1):
        client.get("/de/privacy/")
