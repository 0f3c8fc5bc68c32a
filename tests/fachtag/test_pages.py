import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fachtag.models import Event, TimeSlot
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def html_attrs(content: str) -> dict[str, str]:
    match = re.search(r"<html([^>]*)>", content)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))


@pytest.fixture
def event():
    event = EventFactory(
        title_de="Fachtag Arbeit", title_en="Work conference day", title_ar="يوم العمل", slug="fachtag-arbeit"
    )
    slot = TimeSlotFactory(event=event, title_de="Workshop-Phase 1", title_en="Workshop round 1")
    WorkshopFactory(
        slot=slot,
        title_de="Anerkennung von Abschlüssen",
        title_en="Recognition of qualifications",
        title_ar="الاعتراف بالمؤهلات",
        capacity=25,
    )
    return event


@pytest.mark.parametrize(
    ("language", "direction", "title", "workshop"),
    [
        ("de", "ltr", "Fachtag Arbeit", "Anerkennung von Abschlüssen"),
        ("en", "ltr", "Work conference day", "Recognition of qualifications"),
        ("ar", "rtl", "يوم العمل", "الاعتراف بالمؤهلات"),
    ],
)
def test_event_page_speaks_the_visitors_language(client, event, language, direction, title, workshop):
    response = client.get(f"/{language}/events/{event.slug}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert html_attrs(content)["lang"] == language
    assert html_attrs(content)["dir"] == direction
    assert f'<h1 class="kern-heading-large">{title}</h1>' in content
    assert workshop in content
    assert "25 " in content  # free seats are shown


def test_interface_text_is_translated(client, event):
    german = client.get(f"/de/events/{event.slug}/").content.decode()
    arabic = client.get(f"/ar/events/{event.slug}/").content.decode()
    assert "Zum Inhalt springen" in german
    assert "Programm" in german
    assert "Skip to content" not in arabic
    assert "Programme" not in arabic


def test_untranslated_workshop_text_falls_back_to_german(client, event):
    content = client.get(f"/ar/events/{event.slug}/").content.decode()
    assert "Workshop-Phase 1" in content  # slot title has no Arabic text


def test_language_switcher_names_each_language_in_its_own_script(client, event):
    content = client.get(f"/de/events/{event.slug}/").content.decode()
    assert f'href="/ar/events/{event.slug}/" lang="ar" hreflang="ar"' in content
    assert "العربيّة" in content
    assert "Українська" in content
    assert re.search(r'lang="de" hreflang="de" aria-current="true"', content)


def test_home_lists_upcoming_published_events_only(client, event):
    EventFactory(title_de="Entwurf", status=Event.Status.DRAFT)
    past_start = timezone.now() - timedelta(days=30)
    EventFactory(title_de="Vorbei", starts_at=past_start, ends_at=past_start + timedelta(hours=8))
    EventFactory(title_de="Fortbildung", kind=Event.Kind.TRAINING)
    content = client.get("/de/").content.decode()
    assert "Fachtag Arbeit" in content
    assert "Entwurf" not in content
    assert "Vorbei" not in content
    assert "Fortbildung" not in content


def test_draft_event_page_is_not_found(client):
    draft = EventFactory(status=Event.Status.DRAFT)
    assert client.get(f"/de/events/{draft.slug}/").status_code == 404


def test_cancelled_event_page_says_so(client):
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    content = client.get(f"/de/events/{cancelled.slug}/").content.decode()
    assert "Diese Veranstaltung wurde abgesagt." in content


def test_root_redirects_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"


def test_pages_load_assets_only_from_our_own_origin(client, event):
    for url in ["/de/", f"/de/events/{event.slug}/", f"/ar/events/{event.slug}/"]:
        content = client.get(url).content.decode()
        assert not re.search(r'(src|href)="(https?:)?//', content), url


def test_full_and_nearly_full_workshops_are_marked(client, event):
    slot = event.slots.get()
    full = WorkshopFactory(slot=slot, title_de="Voll", capacity=5)
    nearly = WorkshopFactory(slot=slot, title_de="Fast voll", capacity=30)
    type(full).objects.filter(pk=full.pk).update(seats_taken=5)
    type(nearly).objects.filter(pk=nearly.pk).update(seats_taken=28)
    content = client.get(f"/de/events/{event.slug}/").content.decode()
    assert "Ausgebucht" in content
    assert "Nur noch 2 Plätze frei" in content


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_programme_page_makes_the_same_number_of_queries_for_3_or_30_workshops(client):
    small, large = EventFactory(), EventFactory()
    WorkshopFactory.create_batch(3, slot=TimeSlotFactory(event=small))
    for hour in range(5):
        slot = TimeSlotFactory(
            event=large,
            starts_at=large.starts_at + timedelta(hours=hour),
            ends_at=large.starts_at + timedelta(hours=hour, minutes=50),
        )
        WorkshopFactory.create_batch(6, slot=slot)
    assert TimeSlot.objects.filter(event=large).count() == 5
    small_count = count_queries(client, f"/de/events/{small.slug}/")
    large_count = count_queries(client, f"/de/events/{large.slug}/")
    assert small_count == large_count
    assert large_count <= 4


def test_home_page_query_count_does_not_grow_with_events(client):
    EventFactory.create_batch(2)
    few = count_queries(client, "/de/")
    EventFactory.create_batch(20)
    assert count_queries(client, "/de/") == few


def test_organiser_text_without_a_translation_is_marked_as_german(client, event):
    content = client.get(f"/ar/events/{event.slug}/").content.decode()
    assert '<span lang="de" dir="ltr">Workshop-Phase 1</span>' in content  # the slot has no Arabic title
    assert "fallback-marker" in content
    german = client.get(f"/de/events/{event.slug}/").content.decode()
    assert "fallback-marker" not in german


def test_the_language_she_chose_is_remembered_for_the_bare_address(client, event):
    client.get(f"/uk/events/{event.slug}/")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert response["Location"] == "/uk/"


def test_plain_german_pages_use_short_sentences_and_fall_back_to_german(client, event):
    plain = client.get(f"/de-simple/events/{event.slug}/")
    assert plain.status_code == 200
    assert 'lang="de-simple"' in plain.content.decode()
    german = client.get(f"/de/events/{event.slug}/").content.decode()
    assert "Einfache Sprache" in german  # every page links to the Plain German version
    signup_plain = client.get(f"/de-simple/events/{event.slug}/signup/").content.decode()
    signup_german = client.get(f"/de/events/{event.slug}/signup/").content.decode()
    assert signup_plain != signup_german
