"""The event's texts and their translations (backoffice.translations and its pages), the preview of the
sign-up page, and German text marked "(in German)" on the participants' pages."""

import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from modeltranslation.translator import translator

from backoffice import translations
from backoffice.models import AuditEntry, EventRole
from fachtag.models import Event, TimeSlot, Workshop
from registrations.errors import Busy
from registrations.models import MessageText
from registrations.tokens import make_token
from tests.backoffice.locks import event_row_held
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    """A draft with a title, a description, a titled slot, two workshops and a message text: six texts."""
    event = EventFactory(
        status=Event.Status.DRAFT, title_de="Fachtag 2027", description_de="Ein Tag über Arbeit."
    )
    slot = TimeSlotFactory(event=event, title_de="Workshops am Vormittag")
    WorkshopFactory(slot=slot, title_de="Bewerbung", title_ar="التقديم على الوظائف")
    WorkshopFactory(slot=slot, title_de="Anerkennung")
    MessageText.objects.create(
        event=event, kind=MessageText.Kind.REMINDER, text_de="Bitte Ausweis mitbringen."
    )
    return event


@pytest.fixture
def organiser(client, event):
    user = get_user_model().objects.create_user(email="orga@example.org", password="x" * 12, is_staff=True)
    EventRole.objects.create(user=user, event=event, role=EventRole.Role.ORGANISER)
    client.force_login(user)
    return user


def keys(found) -> list[str]:
    return [f"{text.model._meta.model_name}.{text.field}" for text in found]


def test_every_registered_text_of_the_event_with_a_german_source_is_listed(event):
    other = EventFactory(title_de="Ein anderes Ereignis")
    WorkshopFactory(slot=TimeSlotFactory(event=other), title_de="Nicht von diesem")
    found = translations.texts(event)
    assert keys(found) == [
        "event.title",
        "event.description",
        "timeslot.title",  # the slot's empty description needs no translation
        "workshop.title",
        "workshop.title",
        "messagetext.text",
    ]
    registered = {
        f"{model._meta.model_name}.{name}"
        for model in translator.get_registered_models()
        for name in translator.get_options_for_model(model).fields
    }
    assert set(keys(found)) <= registered
    assert {model for model in translator.get_registered_models()} == {Event, TimeSlot, Workshop, MessageText}
    assert [text.source for text in found if text.field == "text"] == ["Bitte Ausweis mitbringen."]


def test_completeness_counts_the_translated_texts_per_language(event):
    rows = {row.code: row for row in translations.completeness(translations.texts(event))}
    assert "de" not in rows
    assert (rows["ar"].done, rows["ar"].total, rows["ar"].bidi) == (1, 6, True)
    assert (rows["en"].done, rows["en"].total, rows["en"].bidi) == (0, 6, False)
    assert not rows["de-simple"].counts_for_checklist


def test_saving_writes_only_that_language_in_one_audited_transaction(event, organiser):
    found = {text.key: text for text in translations.texts(event)}
    title = next(key for key in found if key.startswith("event-") and key.endswith("-title"))
    message = next(key for key in found if key.startswith("messagetext-"))
    stranger = WorkshopFactory(slot=TimeSlotFactory(event=EventFactory()), title_de="Fremd")
    changed = translations.save_translations(
        event_id=event.pk,
        language="ar",
        values={title: "  يوم متخصص 2027 ", message: "", f"workshop-{stranger.pk}-title": "x"},
        actor=organiser,
    )
    assert changed == 1
    before = event.updated_at
    event.refresh_from_db()
    assert event.updated_at > before  # the public pages' kept programme and form are keyed by it
    assert (event.title_ar, event.title_de, event.title_en) == ("يوم متخصص 2027", "Fachtag 2027", None)
    assert reload(stranger).title_ar is None
    entry = AuditEntry.objects.get()
    assert entry.action == "translations" and entry.detail == {"language": "ar", "texts": [title]}
    assert "يوم" not in str(entry.detail)  # which texts, never their words


def test_a_failure_while_saving_leaves_every_text_as_it_was(event, organiser):
    found = [text.key for text in translations.texts(event)]
    with (
        mock.patch.object(AuditEntry.objects, "create", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        translations.save_translations(
            event_id=event.pk, language="en", values=dict.fromkeys(found, "Text"), actor=organiser
        )
    assert translations.completeness(translations.texts(event))[0].done == 0


def test_german_and_unknown_languages_are_refused(event, organiser, client):
    for code in ("de", "xx"):
        with pytest.raises(translations.UnknownLanguage):
            translations.save_translations(event_id=event.pk, language=code, values={}, actor=organiser)
        url = reverse("backoffice:translations_language", kwargs={"slug": event.slug, "language": code})
        assert client.get(url).status_code == 404


def test_the_overview_shows_what_is_missing_and_each_languages_count(client, event, organiser):
    page = client.get(reverse("backoffice:translations", kwargs={"slug": event.slug})).content.decode()
    assert "Arabisch: 1 von 6 Texten" in page
    assert "Englisch: 0 von 6 Texten" in page
    body = page.split("<tbody", 1)[1]
    assert body.count('scope="row"') == 6
    assert page.split("<thead", 1)[1].split("</thead>")[0].count('scope="col"') == 1 + 10  # all but German
    assert body.count("<strong>fehlt</strong>") == 6 * 10 - 1


def test_the_arabic_form_has_one_right_to_left_field_per_text_beside_its_german_source(
    client, event, organiser
):
    url = reverse("backoffice:translations_language", kwargs={"slug": event.slug, "language": "ar"})
    page = client.get(url).content.decode()
    fields = re.findall(r"<(?:input type=\"text\"|textarea)[^>]*>", page)
    assert len(fields) == 6
    assert all('lang="ar"' in field and 'dir="rtl"' in field for field in fields)
    assert '<span lang="de" dir="ltr" class="translation-source">Bewerbung</span>' in page
    assert 'class="translation-source">Bitte Ausweis mitbringen.</span>' in page
    assert 'value="التقديم على الوظائف"' in page
    ukrainian = reverse("backoffice:translations_language", kwargs={"slug": event.slug, "language": "uk"})
    fields = re.findall(r"<input type=\"text\"[^>]*>", client.get(ukrainian).content.decode())
    assert fields and all('lang="uk"' in field and 'dir="ltr"' in field for field in fields)


def test_a_translation_too_long_is_answered_next_to_its_field_and_nothing_is_saved(client, event, organiser):
    found = {text.key: text for text in translations.texts(event)}
    title = next(key for key in found if key.startswith("event-") and key.endswith("-title"))
    url = reverse("backoffice:translations_language", kwargs={"slug": event.slug, "language": "en"})
    data = {key: "Fine" for key in found} | {title: "x" * 201}
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    field = re.search(rf'<input type="text" name="{title}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert f'<p class="kern-error" id="id_{title}_error">' in page
    assert "error-summary" in page and f'href="#id_{title}"' in page
    assert reload(event).title_en is None and reload(event).description_en is None


@pytest.mark.django_db(transaction=True)
def test_saving_that_cannot_get_the_event_lock_in_time_comes_back_with_her_entries(client, event, organiser):
    """Another transaction holds the event row: after a short lock timeout the form comes back (503, Retry-After)
    with the staff's note to send again and her entries in it; nothing is saved or audited."""
    key = translations.texts(event)[0].key
    url = reverse("backoffice:translations_language", kwargs={"slug": event.slug, "language": "en"})
    with event_row_held(event.pk):
        response = client.post(url, {key: "Day of the trades"})
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response.context["form"].non_field_errors() == [str(Busy.staff_message)]
    assert 'value="Day of the trades"' in response.content.decode()
    assert translations.completeness(translations.texts(event))[0].done == 0
    assert not AuditEntry.objects.exists()


def test_saving_through_the_page_redirects_to_the_overview(client, event, organiser):
    found = {text.key: text for text in translations.texts(event)}
    url = reverse("backoffice:translations_language", kwargs={"slug": event.slug, "language": "en"})
    response = client.post(url, {key: "" for key in found} | {next(iter(found)): "Specialist day 2027"})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:translations", kwargs={"slug": event.slug})
    assert reload(event).title_en == "Specialist day 2027"


def test_the_preview_shows_a_draft_in_arabic_marked_and_not_sendable(client, event, organiser):
    url = reverse("backoffice:preview", kwargs={"slug": event.slug, "language": "ar"})
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    assert '<div class="narrow flow preview-banner" lang="de" dir="ltr">' in page
    assert "Vorschau der Anmeldeseite auf Arabisch" in page
    assert '<form novalidate id="form">' in page and 'method="post"' not in page.split("<main", 1)[1]
    assert re.search(r'<button type="submit" class="kern-btn kern-btn--primary" disabled>', page)
    # The event's German title, untranslated, is marked in Arabic; the translated workshop is not.
    h1 = page.split("<h1", 1)[1].split("</h1>")[0]
    with translation.override("ar"):
        marker = translation.gettext("in German")
    assert (
        f'<bdi lang="de" dir="ltr">Fachtag 2027</bdi> <span class="fallback-marker">({marker})</span>' in h1
    )
    assert "التقديم على الوظائف" in page
    # The language switcher stays in the preview.
    assert f'href="/staff/events/{event.slug}/preview/fa/" lang="fa" hreflang="fa"' in page
    assert client.post(url).status_code == 405
    assert client.get(url.replace("/ar/", "/xx/")).status_code == 404


def test_a_published_page_marks_a_german_fallback_on_her_pages(client, event):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED, title_en="Specialist day")
    registration = sign_up(reload(event), language="ar")
    manage = reverse("registrations:manage", kwargs={"token": make_token(registration)})
    with translation.override("ar"):
        arabic = client.get(manage.replace("/de/", "/ar/")).content.decode()
        marker = translation.gettext("in German")
    assert (
        f'<bdi lang="de" dir="ltr">Fachtag 2027</bdi> <span class="fallback-marker">({marker})</span>'
        in arabic
    )
    english = client.get(manage.replace("/de/", "/en/")).content.decode()
    assert "<bdi>Specialist day</bdi>" in english and "fallback-marker" not in english.split("<h1")[1][:300]


def test_marking_german_text_costs_the_sign_up_page_no_query(client, event, settings):
    settings.SIGNUP_FORM_CACHE_SECONDS = 0
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    url = reverse("registrations:signup", kwargs={"slug": event.slug}).replace("/de/", "/ar/")
    with CaptureQueriesContext(connection) as untranslated:
        assert client.get(url).status_code == 200
    Workshop.objects.filter(slot__event=event).update(title_ar="ورشة")
    Event.objects.filter(pk=event.pk).update(title_ar="يوم متخصص")
    with CaptureQueriesContext(connection) as translated:
        assert client.get(url).status_code == 200
    assert len(untranslated) == len(translated)


def test_a_text_added_after_her_page_was_loaded_keeps_its_translation(client, event, organiser):
    found = [text.key for text in translations.texts(event)]
    added = WorkshopFactory(slot=event.slots.get(), title_de="Neu", title_en="New")
    url = reverse("backoffice:translations_language", kwargs={"slug": event.slug, "language": "en"})
    assert client.post(url, dict.fromkeys(found, "")).status_code == 302
    assert reload(added).title_en == "New"
