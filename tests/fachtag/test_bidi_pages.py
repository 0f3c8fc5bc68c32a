"""Latin text on Arabic and Persian pages is isolated (<bdi>, dir): venue, address, German titles, names."""

import pytest

from registrations.models import Registration
from registrations.tokens import make_token
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration():
    event = EventFactory(
        slug="fachtag-bidi",
        title_de="Fachtag Arbeit",
        venue_name="Neues Rathaus, Festsaal",
        venue_address="Martin-Luther-Ring 4–6\r\n04109 Leipzig",
    )
    slot = TimeSlotFactory(event=event, title_de="Workshop-Phase 1")
    workshop = WorkshopFactory(slot=slot, title_de="Anerkennung", room="Raum 201")
    registration = sign_up(event, workshop, name="Amal Haddad", email="amal@example.org", language="ar")
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CONFIRMED)
    return registration


VENUE = "<bdi>Neues Rathaus, Festsaal</bdi><br><bdi>Martin-Luther-Ring 4–6</bdi><br><bdi>04109 Leipzig</bdi>"


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_her_page_isolates_the_event_venue_address_workshop_and_her_details(client, registration, language):
    content = client.get(f"/{language}/r/{make_token(registration)}/").content.decode()
    assert 'dir="rtl"' in content
    # German text where her language has none: isolated, marked as German (lang) and "(in German)" shown.
    assert ': <bdi lang="de" dir="ltr">Fachtag Arbeit</bdi> <span class="fallback-marker">' in content
    assert VENUE in content
    assert ': <bdi lang="de" dir="ltr">Workshop-Phase 1</bdi> <span class="fallback-marker">' in content
    assert '<bdi lang="de" dir="ltr">Anerkennung</bdi> <span class="fallback-marker">' in content
    assert "</span>, <bdi>Raum 201</bdi>" in content
    assert "<bdi>Amal Haddad</bdi>" in content and "<bdi>amal@example.org</bdi>" in content


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_public_pages_isolate_german_titles_and_the_venue(client, registration, language):
    home = client.get(f"/{language}/").content.decode()
    assert '<span lang="de" dir="ltr">Fachtag Arbeit</span>' in home
    assert VENUE in home
    event = client.get(f"/{language}/events/fachtag-bidi/").content.decode()
    assert '<span lang="de" dir="ltr">Anerkennung</span>' in event
    assert "<dd><bdi>Raum 201</bdi></dd>" in event
    signup = client.get(f"/{language}/events/fachtag-bidi/signup/").content.decode()
    assert ': <bdi lang="de" dir="ltr">Fachtag Arbeit</bdi> <span class="fallback-marker">' in signup
    cancel = client.get(f"/{language}/r/{make_token(registration)}/cancel/").content.decode()
    assert '<bdi lang="de" dir="ltr">Fachtag Arbeit</bdi>' in cancel
