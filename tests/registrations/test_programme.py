"""The programme the sign-up pages show: rows kept as plain values for a few seconds, instances per request."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from fachtag.models import ChildcareGroup, Event, TimeSlot, Workshop
from registrations import selectors
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(status=Event.Status.PUBLISHED, title_ar="يوم متخصص", has_childcare=True)
    plenary = TimeSlotFactory(event=event, kind=TimeSlot.Kind.PLENARY, title_de="Begrüßung")
    later = TimeSlotFactory(
        event=event, starts_at=plenary.ends_at + timedelta(hours=1), title_de="Nachmittag"
    )
    morning = TimeSlotFactory(
        event=event, starts_at=plenary.ends_at, title_de="Vormittag", title_en="Morning"
    )
    WorkshopFactory(slot=morning, title_de="Bewerbung", title_ar="طلب", position=2)
    WorkshopFactory(slot=morning, title_de="Anerkennung", position=1, capacity=2, seats_taken=2)
    WorkshopFactory(slot=later, title_de="Sprachkurs")
    ChildcareGroup.objects.create(event=event, min_age=6, max_age=10, capacity=5)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=5, capacity=5)
    return event


def _from_database(event):
    """The same programme as the ORM reads it with prefetching."""
    slots = (
        TimeSlot.objects.filter(event=event)
        .order_by("starts_at", "pk")
        .prefetch_related(models.Prefetch("workshops", queryset=Workshop.objects.order_by("position", "pk")))
    )
    return [(slot, list(slot.workshops.all())) for slot in slots], list(
        event.childcare_groups.order_by("min_age", "pk")
    )


def _stored(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


@pytest.mark.parametrize("cache_seconds", [0, 3])
def test_the_programme_is_what_the_database_holds_in_every_language(event, settings, cache_seconds):
    settings.SIGNUP_FORM_CACHE_SECONDS = cache_seconds
    selectors.programme(event)  # kept, where it is kept
    shown = selectors.programme(selectors.published_event(slug=event.slug))
    slots, groups = _from_database(event)
    assert [slot.title_de for slot, _workshops in shown.slots] == ["Begrüßung", "Vormittag", "Nachmittag"]
    assert [[w.title_de for w in workshops] for _slot, workshops in shown.slots] == [
        [],
        ["Anerkennung", "Bewerbung"],
        ["Sprachkurs"],
    ]
    assert [(g.min_age, g.max_age) for g in shown.groups] == [(0, 5), (6, 10)]
    made = [row for slot, workshops in shown.slots for row in (slot, *workshops)] + shown.groups
    read = [row for slot, workshops in slots for row in (slot, *workshops)] + groups
    assert [_stored(instance) for instance in made] == [_stored(instance) for instance in read]
    assert not any(instance._state.adding for instance in made)  # as loaded: saving one updates its row
    for language in ("de", "en", "ar", "uk"):  # translated texts fall back to German, as the ORM's do
        with translation.override(language):
            assert [slot.title for slot, _w in shown.slots] == [slot.title for slot, _w in slots]
            assert [w.title for _s, ws in shown.slots for w in ws] == [
                w.title for _s, ws in slots for w in ws
            ]
    morning_workshops = shown.slots[1][1]
    assert morning_workshops[0].availability == "full"
    assert morning_workshops[0].slot is shown.slots[1][0]  # no query for a workshop's slot


def test_kept_are_plain_values_never_model_instances_and_each_request_gets_its_own(event, settings):
    settings.SIGNUP_FORM_CACHE_SECONDS = 3
    first = selectors.programme(selectors.published_event(slug=event.slug))
    with CaptureQueriesContext(connection) as queries:
        again = selectors.programme(selectors.published_event(slug=event.slug))
    assert len(queries) == 0
    assert again.slots[1][1][0] is not first.slots[1][1][0]
    first.slots[1][1][0].seats_taken = 0  # one request's change stays its own
    assert again.slots[1][1][0].seats_taken == 2

    def plain(value) -> bool:
        if isinstance(value, list | tuple):
            return all(plain(item) for item in value)
        return not isinstance(value, models.Model)

    kept = [
        caches["programme"].get(f"published-event:{event.slug}"),
        caches["programme"].get(f"programme:{event.pk}:{event.updated_at.timestamp()}"),
    ]
    assert all(kept) and plain(kept)


def test_a_changed_event_is_read_again_at_once_and_a_draft_is_not_found(event, settings):
    settings.SIGNUP_FORM_CACHE_SECONDS = 3
    selectors.programme(selectors.published_event(slug=event.slug))
    event.capacity = 300
    event.save()  # a new updated_at: its programme is read again
    WorkshopFactory(slot=event.slots.get(title_de="Nachmittag"), title_de="Beratung")
    shown = selectors.programme(Event.objects.get(pk=event.pk))
    assert [w.title_de for w in shown.slots[2][1]] == ["Sprachkurs", "Beratung"]
    draft = EventFactory(status=Event.Status.DRAFT)
    with pytest.raises(Event.DoesNotExist):
        selectors.published_event(slug=draft.slug)


def test_the_organisers_texts_are_kept_as_rows_for_a_few_seconds_and_read_in_her_language(event, settings):
    from registrations.models import MessageText

    settings.SIGNUP_FORM_CACHE_SECONDS = 3
    stored = MessageText.objects.create(
        event=event,
        kind="registration_confirmed",
        text_de="Bitte Ausweis mitbringen.",
        text_ar="أحضري هويتك.",
    )
    kept = selectors.message_texts(event)
    assert _stored(kept["registration_confirmed"]) == _stored(stored)
    with translation.override("ar"):
        assert selectors.message_texts(event)["registration_confirmed"].text == "أحضري هويتك."
    rows = caches["programme"].get(f"message-texts:{event.pk}")
    assert rows and all(isinstance(row, tuple) for row in rows)  # values, not MessageText instances
    with CaptureQueriesContext(connection) as queries:
        selectors.message_texts(event)
    assert len(queries) == 0
    MessageText.objects.filter(pk=stored.pk).update(text_de="Neu.")
    caches["programme"].clear()  # what the kept seconds' end does
    assert selectors.message_texts(event)["registration_confirmed"].text_de == "Neu."
