"""The programme on one page (#23): each action through its form, the refusals next to the field with her
entries kept, the audit entries, one transaction per change, and the page's queries at 5,000 registrations."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from backoffice import audit
from backoffice.models import AuditEntry
from fachtag.models import Event, TimeSlot, Workshop
from notifications.models import OutboxMessage
from registrations.errors import Busy
from registrations.models import Booking
from tests.backoffice.locks import event_row_held
from tests.backoffice.test_backoffice import make_registrations
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.fuzz.support import (
    EXAMPLES,
    FUZZ,
    assert_consistent,
    assert_no_server_error,
    mutated,
    one_example,
    post,
)
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client, two_events):
    """Event A (09:00–17:00 Berlin) with its slot at 10:00 (two workshops), and its organiser signed in."""
    a, _b, roles = two_events
    client.force_login(roles["organiser_a"])
    slot = a.slots.get()
    small, large = slot.workshops.order_by("capacity")
    return a, slot, small, large


def url(name: str, event: Event, **kwargs) -> str:
    return reverse(f"backoffice:{name}", kwargs={"slug": event.slug, **kwargs})


def slot_data(prefix: str, **fields) -> dict:
    values = {"kind": "parallel", "starts_at": "13:00", "ends_at": "14:30", "title_de": "Workshops II"}
    return {f"{prefix}-{key}": value for key, value in {**values, **fields}.items()}


def workshop_data(prefix: str, workshop: Workshop | None = None, **fields) -> dict:
    values = {"title_de": "Bewerbung", "description_de": "", "speakers": "", "room": "", "capacity": "20"}
    if workshop is not None:
        values = {
            "title_de": workshop.title_de,
            "description_de": workshop.description_de or "",
            "speakers": workshop.speakers,
            "room": workshop.room,
            "capacity": workshop.capacity,
            "slot": workshop.slot_id,
        }
    data = {f"{prefix}-{key}": value for key, value in {**values, **fields}.items() if key != "languages"}
    data[f"{prefix}-languages"] = fields.get("languages", workshop.languages if workshop else [])
    return data


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def bound_form(response):
    assert response.status_code == 200
    return response.context["form"]


def test_the_page_shows_the_slots_in_time_order_with_workshops_rooms_speakers_and_figures(client, setup):
    event, slot, small, large = setup
    early = TimeSlotFactory(
        event=event,
        kind=TimeSlot.Kind.PLENARY,
        title_de="Begrüßung",
        starts_at=berlin(2099, 3, 12, 9, 0),
        ends_at=berlin(2099, 3, 12, 9, 45),
    )
    Workshop.objects.filter(pk=large.pk).update(speakers="Dr. Leyla Aydın", room="Saal 3")
    sign_up(event, small), sign_up(event, small)
    sign_up(event, small)  # on its waiting list
    html = client.get(url("programme", event)).content.decode()
    assert html.index("Begrüßung") < html.index(small.title_de)  # 09:00 before 10:00
    assert "09:00–09:45" in html and "10:00–11:30" in html  # Berlin time, not UTC
    assert "Dr. Leyla Aydın" in html and "Saal 3" in html and "None" not in html  # a slot without a title
    assert "2 von 2" in html  # seats taken / capacity
    card = html[html.index(f'id="workshop-{small.pk}"') :]
    assert "Warteliste</dt><dd" in card.replace(' class="kern-description-list-item__value"', "")
    assert early.pk and f'id="slot-{early.pk}"' in html and f'id="slot-{slot.pk}"' in html


def test_a_draft_shows_capacities_not_yet_seat_figures(client, setup):
    event, _slot, small, _large = setup
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    html = client.get(url("programme", event)).content.decode()
    assert "Plätze belegt" not in html and "Kapazität" in html


def test_adding_a_slot_puts_it_on_the_event_day_in_berlin_time_and_is_audited(client, setup):
    event, *_ = setup
    response = client.post(url("programme_slot_add", event), slot_data("new-slot"))
    slot = TimeSlot.objects.get(title_de="Workshops II")
    assert response.status_code == 302 and response["Location"].endswith(f"#slot-{slot.pk}")
    assert (slot.starts_at, slot.ends_at) == (berlin(2099, 3, 12, 13, 0), berlin(2099, 3, 12, 14, 30))
    assert slot.kind == TimeSlot.Kind.PARALLEL
    entry = AuditEntry.objects.get(action="programme_slot_add")
    assert entry.event == event and entry.detail == {"slot": slot.pk}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_at": "08:00"}, "starts_at"),  # before the event starts at 09:00
        ({"ends_at": "18:00"}, "ends_at"),  # after it ends at 17:00
        ({"starts_at": "14:00", "ends_at": "13:00"}, "ends_at"),
        ({"starts_at": "25:00"}, "starts_at"),
        ({"ends_at": ""}, "ends_at"),
        ({"kind": "anything"}, "kind"),
    ],
)
def test_a_slot_outside_the_event_or_ending_before_it_starts_is_refused_next_to_the_field(
    client, setup, fields, field
):
    event, *_ = setup
    data = slot_data("new-slot", title_de="Nachmittag", **fields)
    response = client.post(url("programme_slot_add", event), data)
    form = bound_form(response)
    assert list(form.errors) == [field]
    html = response.content.decode()
    assert f'id="id_new-slot-{field}_error"' in html and 'value="Nachmittag"' in html  # her entry kept
    assert html.count('class="kern-alert kern-alert--danger error-summary"') == 1
    assert html.count('id="form"') == 1  # the form sent back, where the summary's form-wide errors lead
    assert not TimeSlot.objects.filter(title_de="Nachmittag").exists() and actions() == []


def test_a_slot_overlapping_another_is_refused_and_one_beginning_as_the_other_ends_is_added(client, setup):
    event, slot, *_ = setup
    start, end = (f"{timezone.localtime(t):%H:%M}" for t in (slot.starts_at, slot.ends_at))
    data = slot_data("new-slot", starts_at=start, ends_at="16:00", title_de="Nachmittag")
    form = bound_form(client.post(url("programme_slot_add", event), data))
    assert list(form.errors) == ["starts_at"] and f"{start}–{end}" in form.errors["starts_at"][0]
    assert not TimeSlot.objects.filter(title_de="Nachmittag").exists() and actions() == []

    data = slot_data("new-slot", starts_at=end, ends_at="16:00", title_de="Nachmittag")
    assert client.post(url("programme_slot_add", event), data).status_code == 302
    later = TimeSlot.objects.get(title_de="Nachmittag")
    data = slot_data(f"slot-{later.pk}", starts_at=start, ends_at="16:00", title_de="Nachmittag")
    form = bound_form(client.post(url("programme_slot_edit", event, slot_id=later.pk), data))
    assert list(form.errors) == ["starts_at"]
    later.refresh_from_db()
    assert f"{timezone.localtime(later.starts_at):%H:%M}" == end


def test_a_new_time_of_a_slot_reaches_everyone_seated_and_is_audited(client, setup):
    event, slot, small, large = setup
    seated, waiting = sign_up(event, large), sign_up(event, small)
    sign_up(event, small), sign_up(event, small)  # small is full; the next one waits
    waiting = sign_up(event, small)
    data = slot_data(f"slot-{slot.pk}", starts_at="10:30", ends_at="12:00", title_de="Vormittag")
    assert client.post(url("programme_slot_edit", event, slot_id=slot.pk), data).status_code == 302
    slot.refresh_from_db()
    assert slot.starts_at == berlin(2099, 3, 12, 10, 30) and slot.title_de == "Vormittag"
    assert OutboxMessage.objects.filter(to=seated.email, kind="workshop_changed").exists()
    assert not OutboxMessage.objects.filter(to=waiting.email, kind="workshop_changed").exists()
    entry = AuditEntry.objects.get(action="programme_slot_edit")
    assert entry.detail == {"slot": slot.pk, "fields": ["starts_at", "ends_at", "title_de"]}


def test_the_kind_of_a_slot_with_bookings_cannot_change(client, setup):
    event, slot, small, _large = setup
    sign_up(event, small)
    data = slot_data(f"slot-{slot.pk}", kind="plenary", starts_at="10:00", ends_at="11:30")
    form = bound_form(client.post(url("programme_slot_edit", event, slot_id=slot.pk), data))
    assert "kind" in form.errors
    assert reload(slot).kind == TimeSlot.Kind.PARALLEL and actions() == []


def test_a_plenary_slot_becomes_parallel_only_once_each_of_its_workshops_has_a_capacity(client, setup):
    event, *_ = setup
    plenary = TimeSlotFactory(event=event, kind=TimeSlot.Kind.PLENARY, starts_at=berlin(2099, 3, 12, 9, 0))
    WorkshopFactory(slot=plenary, capacity=None, title_de="Begrüßung")
    data = slot_data(f"slot-{plenary.pk}", kind="parallel", starts_at="09:00", ends_at="10:30")
    form = bound_form(client.post(url("programme_slot_edit", event, slot_id=plenary.pk), data))
    assert "kind" in form.errors and reload(plenary).kind == TimeSlot.Kind.PLENARY


def test_a_cancelled_workshop_is_not_edited_again_and_its_cancellation_is_not_repeated(client, setup):
    event, _slot, small, _large = setup
    client.post(url("programme_workshop_cancel", event, workshop_id=small.pk))
    data = workshop_data(f"workshop-{small.pk}", reload(small), room="Saal 7")
    form = bound_form(client.post(url("programme_workshop_edit", event, workshop_id=small.pk), data))
    assert form.non_field_errors() and reload(small).room == "Raum 101"
    again = client.get(url("programme_workshop_cancel", event, workshop_id=small.pk))
    assert again.status_code == 302 and actions() == ["programme_workshop_cancel"]
    html = client.get(url("programme", event)).content.decode()
    assert f'action="{url("programme_workshop_edit", event, workshop_id=small.pk)}"' not in html


def test_the_dashboard_links_to_the_programme(client, setup):
    event, *_ = setup
    html = client.get(reverse("backoffice:dashboard", kwargs={"slug": event.slug})).content.decode()
    assert f'href="{url("programme", event)}"' in html


def test_an_empty_slot_is_removed_and_one_with_workshops_is_not(client, setup):
    event, slot, *_ = setup
    empty = TimeSlotFactory(event=event, starts_at=berlin(2099, 3, 12, 15, 0))
    assert client.post(url("programme_slot_remove", event, slot_id=empty.pk)).status_code == 302
    assert not TimeSlot.objects.filter(pk=empty.pk).exists()
    response = client.post(url("programme_slot_remove", event, slot_id=slot.pk), follow=True)
    assert "Nur ein Zeitfenster ohne Workshops" in response.content.decode()
    assert TimeSlot.objects.filter(pk=slot.pk).exists()
    assert actions() == ["programme_slot_remove"]


def test_a_workshop_is_added_in_german_at_the_end_of_its_slot(client, setup):
    event, slot, small, large = setup
    Workshop.objects.filter(pk=large.pk).update(position=4)
    data = workshop_data(
        f"add-{slot.pk}",
        title_de="Sprachkurse finden",
        description_de="Welche Kurse\r\nes gibt.",
        speakers="Amal Haddad",
        room="Raum 2",
        capacity="15",
        languages=["de", "ar"],
    )
    response = client.post(url("programme_workshop_add", event, slot_id=slot.pk), data)
    workshop = Workshop.objects.get(title_de="Sprachkurse finden")
    assert response["Location"].endswith(f"#workshop-{workshop.pk}")
    assert (workshop.slot, workshop.position, workshop.capacity) == (slot, 5, 15)
    assert (workshop.description_de, workshop.speakers, workshop.room) == (
        "Welche Kurse\r\nes gibt.",
        "Amal Haddad",
        "Raum 2",
    )
    assert workshop.languages == ["de", "ar"] and workshop.title_en in (None, "")
    assert AuditEntry.objects.get(action="programme_workshop_add").detail == {"workshop": workshop.pk}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"capacity": ""}, "capacity"),  # a parallel workshop needs one
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "zwanzig"}, "capacity"),
        ({"title_de": ""}, "title_de"),
        ({"title_de": "Kurs\u202e"}, "title_de"),
        ({"languages": ["xx"]}, "languages"),
        ({"description_de": "Kurs\u0007"}, "description_de"),
    ],
)
def test_a_workshop_with_bad_input_is_refused_next_to_the_field_with_her_entries_kept(
    client, setup, fields, field
):
    event, slot, *_ = setup
    data = workshop_data(f"add-{slot.pk}", room="Raum Zukunft", **fields)
    response = client.post(url("programme_workshop_add", event, slot_id=slot.pk), data)
    assert list(bound_form(response).errors) == [field]
    html = response.content.decode()
    assert f'id="id_add-{slot.pk}-{field}_error"' in html and 'value="Raum Zukunft"' in html
    assert '<details class="kern-accordion" open>' in html
    assert Workshop.objects.count() == 4 and actions() == []


def test_editing_a_workshop_saves_it_tells_those_seated_of_a_new_room_and_is_audited(client, setup):
    event, _slot, _small, large = setup
    seated = sign_up(event, large)
    prefix = f"workshop-{large.pk}"
    data = workshop_data(prefix, large, room="Saal 5", speakers="Olena Kovalenko", languages=["uk"])
    assert client.post(url("programme_workshop_edit", event, workshop_id=large.pk), data).status_code == 302
    large.refresh_from_db()
    assert (large.room, large.speakers, large.languages) == ("Saal 5", "Olena Kovalenko", ["uk"])
    assert OutboxMessage.objects.filter(to=seated.email, kind="workshop_changed").exists()
    entry = AuditEntry.objects.get(action="programme_workshop_edit")
    assert entry.detail == {"workshop": large.pk, "fields": ["speakers", "room", "languages"]}


def test_raising_a_capacity_offers_the_freed_seat_to_the_waiting_list(client, setup):
    event, _slot, small, _large = setup
    sign_up(event, small), sign_up(event, small)
    waiting = sign_up(event, small)
    booking = waiting.bookings.get()
    assert booking.status == Booking.Status.WAITLISTED
    data = workshop_data(f"workshop-{small.pk}", small, capacity="3")
    assert client.post(url("programme_workshop_edit", event, workshop_id=small.pk), data).status_code == 302
    assert reload(small).capacity == 3
    assert reload(booking).status == Booking.Status.OFFERED
    assert AuditEntry.objects.get().detail == {"workshop": small.pk, "fields": ["capacity"]}


def test_a_capacity_below_the_seats_taken_is_refused_and_nothing_of_the_change_is_saved(client, setup):
    event, slot, small, _large = setup
    sign_up(event, small), sign_up(event, small)
    later = TimeSlotFactory(event=event, starts_at=berlin(2099, 3, 12, 14, 0))
    prefix, title = f"workshop-{small.pk}", small.title_de
    # A new title, a move to another slot (allowed on its own) and a capacity below the two seats taken.
    data = workshop_data(prefix, small, title_de="Neu", slot=later.pk, capacity="1")
    response = client.post(url("programme_workshop_edit", event, workshop_id=small.pk), data)
    form = bound_form(response)
    assert list(form.errors) == ["capacity"]
    assert "(2)" in form.errors["capacity"][0]
    assert 'value="Neu"' in response.content.decode()  # her entries kept
    small.refresh_from_db()
    assert (small.title_de, small.slot_id, small.capacity) == (title, slot.pk, 2)
    assert set(Booking.objects.filter(workshop=small).values_list("slot_id", flat=True)) == {slot.pk}
    assert not OutboxMessage.objects.filter(kind="workshop_changed").exists() and actions() == []


def test_a_failed_audit_entry_leaves_the_programme_unchanged(client, setup, monkeypatch):
    event, _slot, _small, large = setup

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", broken)
    data = workshop_data(f"workshop-{large.pk}", large, room="Saal 9", capacity="40")
    with pytest.raises(RuntimeError):
        client.post(url("programme_workshop_edit", event, workshop_id=large.pk), data)
    assert (reload(large).room, large.capacity) == ("Raum 101", 10)


def test_moving_a_workshop_moves_its_bookings_and_tells_those_seated(client, setup):
    event, slot, _small, large = setup
    seated = sign_up(event, large)
    later = TimeSlotFactory(event=event, starts_at=berlin(2099, 3, 12, 14, 0))
    WorkshopFactory(slot=later, position=3)
    data = workshop_data(f"workshop-{large.pk}", large, slot=later.pk)
    assert client.post(url("programme_workshop_edit", event, workshop_id=large.pk), data).status_code == 302
    large.refresh_from_db()
    assert (large.slot_id, large.position) == (later.pk, 4)
    assert seated.bookings.get().slot_id == later.pk
    assert OutboxMessage.objects.filter(to=seated.email, kind="workshop_changed").exists()
    assert AuditEntry.objects.get().detail == {"workshop": large.pk, "fields": ["slot"]}


def test_a_move_that_would_give_someone_two_workshops_at_once_is_refused_next_to_the_slot(client, setup):
    event, slot, small, large = setup
    later = TimeSlotFactory(event=event, starts_at=berlin(2099, 3, 12, 14, 0))
    there = WorkshopFactory(slot=later)
    sign_up(event, large, there)
    data = workshop_data(f"workshop-{large.pk}", large, slot=later.pk)
    form = bound_form(client.post(url("programme_workshop_edit", event, workshop_id=large.pk), data))
    assert list(form.errors) == ["slot"]
    assert reload(large).slot_id == slot.pk and actions() == []


def test_the_up_and_down_buttons_reorder_the_workshops_of_a_slot(client, setup):
    event, slot, small, large = setup
    third = WorkshopFactory(slot=slot)
    order = lambda: list(slot.workshops.order_by("position", "pk").values_list("pk", flat=True))  # noqa: E731
    assert order() == [small.pk, large.pk, third.pk]
    client.post(url("programme_workshop_order", event, workshop_id=third.pk), {"step": "up"})
    assert order() == [small.pk, third.pk, large.pk]
    client.post(url("programme_workshop_order", event, workshop_id=small.pk), {"step": "down"})
    assert order() == [third.pk, small.pk, large.pk]
    client.post(url("programme_workshop_order", event, workshop_id=third.pk), {"step": "up"})  # first already
    assert order() == [third.pk, small.pk, large.pk]
    assert list(slot.workshops.order_by("position").values_list("position", flat=True)) == [0, 1, 2]
    assert actions() == ["programme_workshop_order", "programme_workshop_order"]
    response = client.post(url("programme_workshop_order", event, workshop_id=third.pk), {"step": "sideways"})
    assert response.status_code == 404


def test_cancelling_a_workshop_asks_first_then_tells_those_seated_and_is_audited(client, setup):
    event, _slot, small, _large = setup
    seated = [sign_up(event, small), sign_up(event, small)]
    sign_up(event, small)  # waiting
    page = client.get(url("programme_workshop_cancel", event, workshop_id=small.pk))
    assert page.status_code == 200 and not reload(small).is_cancelled
    html = page.content.decode()
    assert ">2</dd>" in html and ">1</dd>" in html
    response = client.post(url("programme_workshop_cancel", event, workshop_id=small.pk), follow=True)
    assert reload(small).is_cancelled
    assert "2 Personen" in response.content.decode()
    for person in seated:
        assert OutboxMessage.objects.filter(to=person.email, kind="workshop_cancelled").exists()
    assert AuditEntry.objects.get().detail == {"workshop": small.pk, "told": 2}
    assert "Abgesagt" in response.content.decode()


def test_rows_of_another_event_and_a_training_series_are_404(client, setup, two_events):
    event, slot, small, _large = setup
    _a, b, roles = two_events
    foreign = b.slots.get()
    assert client.post(url("programme_slot_edit", event, slot_id=foreign.pk), {}).status_code == 404
    other = foreign.workshops.first()
    assert client.post(url("programme_workshop_edit", event, workshop_id=other.pk), {}).status_code == 404
    assert client.get(url("programme_workshop_cancel", event, workshop_id=other.pk)).status_code == 404
    assert client.post(url("programme_slot_remove", event, slot_id=9 * 10**20)).status_code == 404
    training = EventFactory(kind=Event.Kind.TRAINING, slug="series")
    client.force_login(roles["admin"])  # who may open every event
    assert client.get(url("programme", training)).status_code == 404
    assert client.get(url("programme", event)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_change_that_cannot_get_the_event_lock_in_time_comes_back_to_send_again_and_saves_nothing(
    client, setup
):
    """Another transaction holds the event row; the change waits out a short lock timeout: 503 with
    Retry-After, her entries kept, nothing saved or audited."""
    event, _slot, _small, large = setup
    with event_row_held(event.pk):
        data = workshop_data(f"workshop-{large.pk}", large, room="Saal 8")
        response = client.post(url("programme_workshop_edit", event, workshop_id=large.pk), data)
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response.context["form"].non_field_errors() == [str(Busy.staff_message)]  # told as to staff
    assert 'value="Saal 8"' in response.content.decode()
    assert reload(large).room == "Raum 101" and actions() == []


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_page_makes_as_many_queries_with_5000_registrations_as_with_ten(client, setup):
    event, slot, *_ = setup
    Workshop.objects.filter(slot__event=event).update(capacity=10000)
    later = TimeSlotFactory(event=event, starts_at=event.starts_at + timedelta(hours=5))
    for _n in range(3):
        WorkshopFactory(slot=later, capacity=10000)
    make_registrations(event, 10)
    address = url("programme", event)
    few = count_queries(client, address)
    make_registrations(event, 5000)
    assert count_queries(client, address) == few
    assert few <= 9


# A twentieth of the fuzz suite's examples: the forms are few and small, and the whole suite keeps its time budget.
PROGRAMME_EXAMPLES = max(EXAMPLES // 20, 20)


def test_any_input_to_the_workshop_and_slot_forms_is_answered_without_an_error_or_a_half_saved_change(
    client, setup
):
    """Mostly valid forms with one field hostile, missing, repeated or added: never a 500; a form not saved
    changed nothing and wrote no audit entry; a saved one (302) is audited and left the seat counters right."""
    event, slot, small, _large = setup
    sign_up(event, small), sign_up(event, small)
    later = TimeSlotFactory(event=event, starts_at=berlin(2099, 3, 12, 14, 0))
    targets = [
        (
            url("programme_workshop_edit", event, workshop_id=small.pk),
            workshop_data(f"workshop-{small.pk}", small),
        ),
        (url("programme_workshop_add", event, slot_id=later.pk), workshop_data(f"add-{later.pk}")),
        (url("programme_slot_edit", event, slot_id=slot.pk), slot_data(f"slot-{slot.pk}", starts_at="10:00")),
        (url("programme_slot_add", event), slot_data("new-slot")),
    ]
    ran = {"n": 0}

    @FUZZ.__class__(parent=FUZZ, max_examples=PROGRAMME_EXAMPLES)
    @given(st.sampled_from(targets), st.data())
    def example(target, data):
        address, valid = target
        flat = {key: value[0] if isinstance(value, list) and value else value for key, value in valid.items()}
        pairs, _mutation = data.draw(mutated({k: v for k, v in flat.items() if v != []}))
        with one_example():
            before = (programme_rows(), actions())
            response = post(client, address, pairs)
            assert_no_server_error(response)
            if response.status_code == 302:
                assert len(actions()) == len(before[1]) + 1
            else:  # sent back with its errors (200), or a body no form can be read from (400)
                assert (programme_rows(), actions()) == before
            assert_consistent()
        ran["n"] += 1

    example()
    assert ran["n"] >= PROGRAMME_EXAMPLES


def programme_rows() -> list:
    slots = list(
        TimeSlot.objects.order_by("pk").values_list("pk", "kind", "starts_at", "ends_at", "title_de")
    )
    workshops = list(
        Workshop.objects.order_by("pk").values_list(
            "pk",
            "slot_id",
            "position",
            "title_de",
            "description_de",
            "room",
            "capacity",
            "languages",
            "status",
        )
    )
    return slots + workshops
