"""The checklist before publishing (backoffice.checklist): each item, the refusal with the list, publishing
and taking back to draft, the publish page, and its query budget with many registrations."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice import checklist
from backoffice.models import AuditEntry, EventRole
from fachtag.models import ChildcareGroup, Event, TimeSlot, Workshop
from registrations.errors import Busy
from tests.backoffice.locks import event_row_held
from tests.backoffice.test_backoffice import make_registrations
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db

BLOCKING = ["childcare_groups", "slots_bookable", "dates_future", "signup_window", "venue", "privacy_contact"]


@pytest.fixture
def draft():
    """A draft that passes every item: one parallel slot whose workshops seat the event's 40 people."""
    event = EventFactory(status=Event.Status.DRAFT, capacity=40, title_de="Fachtag 2027")
    slot = TimeSlotFactory(event=event)
    WorkshopFactory(slot=slot, capacity=25, title_de="Bewerbung")
    WorkshopFactory(slot=slot, capacity=15, title_de="Anerkennung")
    return event


@pytest.fixture
def organiser(draft):
    user = get_user_model().objects.create_user(email="orga@example.org", password="x" * 12, is_staff=True)
    EventRole.objects.create(user=user, event=draft, role=EventRole.Role.ORGANISER)
    return user


def items_by_code(event, **kwargs) -> dict[str, checklist.Item]:
    return {item.code: item for item in checklist.checklist(reload(event), **kwargs)}


def failing(event, **kwargs) -> list[str]:
    return [item.code for item in checklist.blocking_failures(checklist.checklist(reload(event), **kwargs))]


def test_a_complete_draft_fails_no_blocking_item_and_lists_them_all(draft):
    items = items_by_code(draft)
    assert [code for code, item in items.items() if item.blocking] == BLOCKING
    assert {code for code, item in items.items() if not item.blocking} == {"workshop_seats", "translations"}
    assert failing(draft) == []
    assert all(isinstance(item.message, str) and item.message for item in items.values())


def test_childcare_without_an_age_group_blocks_until_one_is_added(draft):
    Event.objects.filter(pk=draft.pk).update(has_childcare=True)
    assert failing(draft) == ["childcare_groups"]
    ChildcareGroup.objects.create(event=draft, min_age=0, max_age=5, capacity=10)
    assert failing(draft) == []


def test_a_parallel_slot_without_a_bookable_workshop_blocks_and_is_named(draft):
    empty = TimeSlotFactory(event=draft, starts_at=draft.starts_at + timedelta(hours=4))
    cancelled = TimeSlotFactory(event=draft, starts_at=draft.starts_at + timedelta(hours=6))
    WorkshopFactory(slot=cancelled, status=Workshop.Status.CANCELLED, capacity=50)
    TimeSlotFactory(event=draft, kind=TimeSlot.Kind.PLENARY)  # a plenary needs no workshop
    item = items_by_code(draft)["slots_bookable"]
    assert not item.ok and item.blocking
    assert item.details == [str(empty), str(cancelled)]


def test_an_event_that_has_begun_blocks(draft):
    assert failing(draft, now=draft.starts_at + timedelta(minutes=1)) == ["dates_future", "signup_window"]


def test_a_signup_window_that_closes_after_the_start_blocks(draft):
    Event.objects.filter(pk=draft.pk).update(registration_closes_at=draft.starts_at + timedelta(hours=1))
    assert failing(draft) == ["signup_window"]


def test_a_signup_window_that_opens_only_after_the_start_blocks(draft):
    Event.objects.filter(pk=draft.pk).update(registration_opens_at=draft.starts_at + timedelta(hours=1))
    assert failing(draft) == ["signup_window"]


def test_a_signup_window_that_opens_before_it_closes_before_the_start_passes(draft):
    Event.objects.filter(pk=draft.pk).update(
        registration_opens_at=draft.starts_at - timedelta(days=30),
        registration_closes_at=draft.starts_at - timedelta(days=1),
    )
    assert failing(draft) == []


def test_a_missing_venue_blocks(draft):
    Event.objects.filter(pk=draft.pk).update(venue_name="  ")
    assert failing(draft) == ["venue"]


def test_a_privacy_notice_without_its_contact_blocks(draft, settings):
    settings.DATA_PROTECTION_OFFICER_EMAIL = ""
    assert failing(draft) == ["privacy_contact"]


def test_fewer_workshop_seats_than_the_event_has_places_warns_without_blocking(draft):
    Event.objects.filter(pk=draft.pk).update(capacity=60)
    item = items_by_code(draft)["workshop_seats"]
    assert not item.ok and not item.blocking
    slot = draft.slots.get()
    assert item.details == [f"{slot}: 40 von 60 Plätzen"]
    assert failing(draft) == []


def test_missing_translations_warn_per_language_without_blocking(draft):
    Workshop.objects.filter(slot__event=draft).update(title_ar="ورشة")
    item = items_by_code(draft)["translations"]
    assert not item.ok and not item.blocking
    assert "Arabisch: 2 von 3 Texten" in item.details
    assert "Englisch: 0 von 3 Texten" in item.details
    assert not [detail for detail in item.details if detail.startswith("Einfach")]  # Plain German is optional
    assert failing(draft) == []


def test_publishing_a_failing_event_is_refused_with_the_list_and_changes_nothing(draft, organiser):
    Event.objects.filter(pk=draft.pk).update(has_childcare=True, venue_address="")
    with pytest.raises(checklist.PublishRefused) as refused:
        checklist.publish(event_id=draft.pk, actor=organiser)
    assert [item.code for item in refused.value.items] == ["childcare_groups", "venue"]
    assert reload(draft).status == Event.Status.DRAFT
    assert not AuditEntry.objects.exists()


def test_publishing_a_ready_event_publishes_it_and_audits(draft, organiser):
    checklist.publish(event_id=draft.pk, actor=organiser, ip="127.0.0.1")
    assert reload(draft).status == Event.Status.PUBLISHED
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.event, entry.actor) == ("publish", draft, organiser)
    checklist.publish(event_id=draft.pk, actor=organiser)  # twice is once
    assert AuditEntry.objects.count() == 1


def test_back_to_draft_only_while_nobody_has_signed_up(draft, organiser):
    checklist.publish(event_id=draft.pk, actor=organiser)
    checklist.unpublish(event_id=draft.pk, actor=organiser)
    assert reload(draft).status == Event.Status.DRAFT
    checklist.publish(event_id=draft.pk, actor=organiser)
    sign_up(draft)
    with pytest.raises(checklist.UnpublishRefused):
        checklist.unpublish(event_id=draft.pk, actor=organiser)
    assert reload(draft).status == Event.Status.PUBLISHED
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "publish",
        "unpublish",
        "publish",
    ]


def test_the_publish_page_refuses_with_the_list_and_publishes_once_fixed(client, draft, organiser):
    Event.objects.filter(pk=draft.pk).update(has_childcare=True)
    client.force_login(organiser)
    url = reverse("backoffice:publish", kwargs={"slug": draft.slug})
    page = client.get(url).content.decode()
    assert 'id="check-childcare_groups" data-ok="false"' in page
    assert "Verhindert die Veröffentlichung" in page

    response = client.post(url, {"action": "publish"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Die Veranstaltung kann noch nicht veröffentlicht werden" in body
    assert 'href="#check-childcare_groups"' in body
    assert reload(draft).status == Event.Status.DRAFT

    ChildcareGroup.objects.create(event=draft, min_age=0, max_age=5, capacity=10)
    response = client.post(url, {"action": "publish"})
    assert response.status_code == 302 and response["Location"] == url
    assert reload(draft).status == Event.Status.PUBLISHED
    page = client.get(url).content.decode()
    assert "Die Veranstaltung ist veröffentlicht." in page
    assert 'value="unpublish"' in page


@pytest.mark.django_db(transaction=True)
def test_publishing_that_cannot_get_the_event_lock_in_time_comes_back_to_send_again(client, draft, organiser):
    """Another transaction holds the event row: after a short lock timeout the publish page comes back with
    503, Retry-After and the staff's note to send again (locking.lock_event's Busy); nothing is published."""
    client.force_login(organiser)
    with event_row_held(draft.pk):
        response = client.post(
            reverse("backoffice:publish", kwargs={"slug": draft.slug}), {"action": "publish"}
        )
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert [str(m) for m in response.context["messages"]] == [str(Busy.staff_message)]
    assert 'id="check-childcare_groups"' in response.content.decode()  # the checklist page, not an error page
    assert reload(draft).status == Event.Status.DRAFT
    assert not AuditEntry.objects.filter(event=draft).exists()


def test_the_dashboard_shows_the_checklist_and_links_to_publishing(client, draft, organiser):
    Event.objects.filter(pk=draft.pk).update(has_childcare=True)
    client.force_login(organiser)
    page = client.get(reverse("backoffice:dashboard", kwargs={"slug": draft.slug})).content.decode()
    assert 'id="check-childcare_groups" data-ok="false"' in page
    assert reverse("backoffice:publish", kwargs={"slug": draft.slug}) in page
    assert reverse("backoffice:translations", kwargs={"slug": draft.slug}) in page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_publish_translation_and_preview_pages_keep_their_query_budget_with_5000_registrations(
    client, draft, organiser
):
    Event.objects.filter(pk=draft.pk).update(has_childcare=True, capacity=5000)
    ChildcareGroup.objects.create(event=draft, min_age=0, max_age=5, capacity=10)
    client.force_login(organiser)
    kwargs = {"slug": draft.slug}
    urls = {
        reverse("backoffice:publish", kwargs=kwargs): 15,
        reverse("backoffice:translations", kwargs=kwargs): 10,
        reverse("backoffice:translations_language", kwargs={**kwargs, "language": "ar"}): 10,
        reverse("backoffice:preview", kwargs={**kwargs, "language": "ar"}): 10,
    }
    few = {url: _queries(client, url) for url in urls}
    make_registrations(draft, 5000)  # with their bookings and children
    for url, budget in urls.items():
        many = _queries(client, url)
        assert many <= budget, (url, many, few[url])
        assert many == few[url], url
