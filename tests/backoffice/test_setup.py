"""Setting events up in the back office (#23): a new event, a copy of an event, the event's settings."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from backoffice import audit, setup
from backoffice.models import AuditEntry, EventRole
from fachtag.models import ChildcareGroup, Event, TimeSlot, Workshop
from registrations.errors import Busy
from registrations.forms import SignupForm
from registrations.models import Booking, Child, MessageText, Registration
from registrations.selectors import programme
from tests.backoffice.locks import event_row_held
from tests.factories import BERLIN, EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db

CODES = [code for code, _name in settings.LANGUAGES]


def every_language(field: str, text: str) -> dict:
    return {build_localized_fieldname(field, code): f"{text} ({code}) 2099" for code in CODES}


@pytest.fixture
def organiser(db):
    return get_user_model().objects.create_user(email="orga@example.org", password="x" * 12, is_staff=True)


@pytest.fixture
def source(organiser):
    """Last year's event as an organiser leaves it: every text in every language, the programme, childcare
    groups, message texts, settings changed from the defaults, and people signed up (counters above 0)."""
    event = EventFactory(
        slug="fachtag-2099",
        **every_language("title", "Fachtag"),
        **every_language("description", "Ein Tag"),
        starts_at=berlin(2099, 3, 12, 9, 0),  # winter time; the copy's date lies in summer time
        ends_at=berlin(2099, 3, 12, 16, 30),
        registration_opens_at=berlin(2099, 1, 10, 10, 0),
        registration_closes_at=berlin(2099, 3, 11, 18, 0),
        capacity=150,
        has_childcare=True,
        interpreting_languages=["ar", "uk", "other"],
        waitlist_mode=Event.WaitlistMode.DIRECT,
        offer_hours=12,
        requires_email_confirmation=True,
        email_confirmation_hours=6,
        reminder_days=[10, 2],
        sensitive_retention_days=20,
        retention_days=60,
        min_sessions_for_certificate=3,
    )
    plenary = TimeSlotFactory(
        event=event,
        kind=TimeSlot.Kind.PLENARY,
        starts_at=berlin(2099, 3, 12, 9, 0),
        ends_at=berlin(2099, 3, 12, 10, 0),
        **every_language("title", "Begrüßung"),
        **every_language("description", "Vorträge"),
    )
    WorkshopFactory(slot=plenary, capacity=None, **every_language("title", "Vortrag"), speakers="Jobcenter")
    parallel = TimeSlotFactory(
        event=event, starts_at=berlin(2099, 3, 12, 10, 30), ends_at=berlin(2099, 3, 12, 12, 0)
    )
    for position, room in enumerate(["Raum 201", "Raum 202"]):
        WorkshopFactory(
            slot=parallel,
            position=position,
            room=room,
            capacity=20 + position,
            languages=["de", "ar"],
            speakers=f"IQ Netzwerk {position}",
            **every_language("title", f"Workshop {position}"),
            **every_language("description", f"Text {position}"),
        )
    WorkshopFactory(
        slot=parallel,
        position=2,
        capacity=15,
        status=Workshop.Status.CANCELLED,
        **every_language("title", "Abgesagt"),
    )
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=2, capacity=8)
    ChildcareGroup.objects.create(event=event, min_age=3, max_age=6, capacity=12)
    for kind in (MessageText.Kind.REMINDER, MessageText.Kind.CONFIRMED):
        MessageText.objects.create(event=event, kind=kind, **every_language("text", f"Anfahrt {kind}"))
    EventRole.objects.create(user=organiser, event=event, role=EventRole.Role.ORGANISER)
    first = Workshop.objects.filter(slot=parallel).first()
    sign_up(event, first, child_ages=[1, 4], now=berlin(2099, 2, 1, 12, 0))
    sign_up(event, first, now=berlin(2099, 2, 1, 12, 5))
    return reload(event)


def local(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN).replace(tzinfo=None)


def stored(row, skip=()) -> dict:
    """Every stored value of a row but its key, its links and what a copy must not take over."""
    # "title", "description", "text" read in the current language; their columns per language are compared.
    skipped = {"id", "event_id", "slot_id", "title", "description", "text", *setup.NOT_COPIED, *skip}
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in skipped}


def copy(source, organiser, **changes):
    values = {"new_date": date(2099, 4, 9), "title_de": "Fachtag 2099 (Frühjahr)", "slug": "fachtag-april"}
    return setup.copy_event(source_id=source.pk, actor=organiser, **{**values, **changes})


def test_the_copy_takes_every_field_and_translation_moved_to_the_new_date_in_berlin_wall_clock_time(
    source, organiser
):
    event = copy(source, organiser)

    assert (event.slug, event.title_de, event.status) == ("fachtag-april", "Fachtag 2099 (Frühjahr)", "draft")
    assert (event.seats_taken, event.sensitive_data_deleted_at, event.anonymised_at) == (0, None, None)
    # 28 days later, across the change to summer time on 29 March: the same hour on the clock in Leipzig.
    assert local(event.starts_at) == datetime(2099, 4, 9, 9, 0)
    assert local(event.ends_at) == datetime(2099, 4, 9, 16, 30)
    assert local(event.registration_opens_at) == datetime(2099, 2, 7, 10, 0)
    assert local(event.registration_closes_at) == datetime(2099, 4, 8, 18, 0)
    assert event.starts_at - source.starts_at == timedelta(days=28, hours=-1)
    times = {"starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "title_de", "status"}
    assert stored(event, skip=times) == stored(source, skip=times)
    assert event.interpreting_languages == ["ar", "uk", "other"] and event.reminder_days == [10, 2]
    assert EventRole.objects.get(event=event).user == organiser

    slots = list(event.slots.order_by("starts_at"))
    old_slots = list(source.slots.order_by("starts_at"))
    assert len(slots) == len(old_slots) == 2
    for slot, old in zip(slots, old_slots, strict=True):
        assert stored(slot, skip={"starts_at", "ends_at"}) == stored(old, skip={"starts_at", "ends_at"})
        assert local(slot.starts_at) == local(old.starts_at) + timedelta(days=28)
        assert local(slot.ends_at) == local(old.ends_at) + timedelta(days=28)
        workshops = list(slot.workshops.order_by("position"))
        old_workshops = list(old.workshops.order_by("position"))
        assert [stored(w) for w in workshops] == [stored(w) for w in old_workshops]
        assert all(w.seats_taken == 0 for w in workshops)
        assert len(workshops) == len(old_workshops) > 0
    assert any(w.seats_taken for w in Workshop.objects.filter(slot__event=source))  # the source had people

    groups = list(event.childcare_groups.order_by("min_age"))
    assert [stored(g) for g in groups] == [stored(g) for g in source.childcare_groups.order_by("min_age")]
    assert [g.seats_taken for g in groups] == [0, 0]
    texts = list(MessageText.objects.filter(event=event).order_by("kind"))
    assert [stored(t) for t in texts] == [
        stored(t) for t in MessageText.objects.filter(event=source).order_by("kind")
    ]
    assert texts[0].text_ar == f"Anfahrt {texts[0].kind} (ar) 2099"

    # Nothing participants did comes along.
    assert not Registration.objects.filter(event=event).exists()
    assert not Booking.objects.filter(workshop__slot__event=event).exists()
    assert not Child.objects.filter(group__event=event).exists()
    assert Registration.objects.filter(event=source).count() == 2


def test_the_translated_titles_of_a_copy_a_year_later_name_the_new_year(source, organiser):
    event = copy(source, organiser, new_date=date(2100, 3, 11), title_de="Fachtag 2100", slug="fachtag-2100")
    assert event.title_de == "Fachtag 2100"
    assert event.title_ar == "Fachtag (ar) 2100" and event.title_en == "Fachtag (en) 2100"
    assert event.description_en == "Ein Tag (en) 2099"  # only titles name the year
    assert local(event.starts_at) == datetime(2100, 3, 11, 9, 0)


def test_a_copy_that_fails_midway_leaves_nothing_behind(source, organiser, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    before = [m.objects.count() for m in (Event, TimeSlot, Workshop, ChildcareGroup, MessageText, EventRole)]
    monkeypatch.setattr(setup, "_make_organiser", broken)  # after the programme, the groups and the texts
    with pytest.raises(RuntimeError):
        copy(source, organiser)
    after = [m.objects.count() for m in (Event, TimeSlot, Workshop, ChildcareGroup, MessageText, EventRole)]
    assert after == before
    assert not Event.objects.filter(slug="fachtag-april").exists()


def test_a_short_name_taken_a_moment_before_the_insert_is_answered_next_to_the_field(source, organiser):
    """Two organisers copying at once: the database's unique short name decides, the second gets a field error."""
    late = Event(**{**setup._copied_values(source, (), 0), "slug": source.slug, "title_de": "Zu spät"})
    with pytest.raises(setup.SetupError) as refused:
        setup._save_new(late)
    assert refused.value.field == "slug"
    assert Event.objects.filter(slug=source.slug).count() == 1


def test_an_organiser_copies_her_event_through_the_page_and_becomes_organiser_of_the_copy(
    client, source, organiser, time_machine
):
    time_machine.move_to(berlin(2099, 3, 20, 12, 0))
    client.force_login(organiser)
    page = client.get(f"/staff/events/{source.slug}/copy/")
    assert page.status_code == 200
    # The same day a year on, its year in the title and the short name.
    assert page.context["form"].initial == {
        "new_date": date(2100, 3, 12),
        "title_de": "Fachtag (de) 2100",
        "slug": "fachtag-2100",
    }
    answer = client.post(
        f"/staff/events/{source.slug}/copy/",
        {"new_date": "2100-03-11", "title_de": "Fachtag (de) 2100", "slug": "fachtag-2100"},
    )
    assert answer.status_code == 302 and answer["Location"] == "/staff/events/fachtag-2100/"
    event = Event.objects.get(slug="fachtag-2100")
    assert event.status == Event.Status.DRAFT
    assert client.get(answer["Location"]).status_code == 200
    entry = AuditEntry.objects.get(action="event_copy")
    assert (entry.event, entry.detail) == (event, {"source": source.pk})


def test_the_copy_form_refuses_a_taken_short_name_and_a_past_date_next_to_the_fields(
    client, source, organiser, time_machine
):
    time_machine.move_to(berlin(2099, 3, 20, 12, 0))
    client.force_login(organiser)
    answer = client.post(
        f"/staff/events/{source.slug}/copy/",
        {"new_date": "2099-03-01", "title_de": "Neu", "slug": source.slug},
    )
    form = answer.context["form"]
    assert form.errors["slug"] == [
        "Diesen Kurznamen hat schon eine andere Veranstaltung. Wählen Sie einen anderen."
    ]
    assert form.errors["new_date"] == ["Wählen Sie ein Datum in der Zukunft."]
    assert 'value="Neu"' in answer.content.decode()
    assert Event.objects.count() == 1


def test_another_events_organiser_cannot_copy_it(client, source):
    other = get_user_model().objects.create_user(email="b@example.org", password="x" * 12, is_staff=True)
    EventRole.objects.create(user=other, event=EventFactory(), role=EventRole.Role.ORGANISER)
    client.force_login(other)
    assert client.get(f"/staff/events/{source.slug}/copy/").status_code == 404
    data = {"new_date": "2100-03-11", "title_de": "X", "slug": "x-2100"}
    assert client.post(f"/staff/events/{source.slug}/copy/", data).status_code == 404
    assert not Event.objects.filter(slug="x-2100").exists()


NEW_EVENT = {
    "title_de": "Fachtag Pflege 2099",
    "slug": "pflege-2099",
    "kind": "fachtag",
    "starts_at": "2099-06-04T09:00",
    "ends_at": "2099-06-04T16:00",
    "venue_name": "Volkshochschule",
    "venue_address": "Löhrstraße 3–7\n04105 Leipzig",
    "capacity": "80",
    "registration_opens_at": "",
    "registration_closes_at": "2099-06-03T12:00",
}


def test_an_administrator_creates_a_draft_event_and_lands_on_its_dashboard(client):
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(admin)
    assert client.get("/staff/new-event/").status_code == 200
    answer = client.post("/staff/new-event/", NEW_EVENT)
    assert answer.status_code == 302 and answer["Location"] == "/staff/events/pflege-2099/"
    event = Event.objects.get(slug="pflege-2099")
    assert (event.title_de, event.status, event.capacity) == ("Fachtag Pflege 2099", "draft", 80)
    assert local(event.starts_at) == datetime(2099, 6, 4, 9, 0)
    assert event.interpreting_languages == setup_default_languages()
    assert EventRole.objects.get(event=event).user == admin
    assert AuditEntry.objects.get(action="event_create").event == event


def test_a_new_event_whose_audit_entry_fails_is_not_created_either(client, monkeypatch):
    """The event and its audit entry are one transaction: no event without its entry in the log."""

    def broken(*args, **kwargs):
        raise RuntimeError("the audit log went away")

    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(admin)
    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        client.post("/staff/new-event/", NEW_EVENT)
    assert not Event.objects.filter(slug="pflege-2099").exists()
    assert not EventRole.objects.exists()


def setup_default_languages():
    from fachtag.languages import default_interpreting_languages

    return default_interpreting_languages()


def test_the_new_event_form_answers_its_errors_next_to_the_fields_and_keeps_what_she_entered(client):
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    EventFactory(slug="pflege-2099")
    client.force_login(admin)
    data = {**NEW_EVENT, "ends_at": "2099-06-04T08:00", "capacity": "0", "registration_closes_at": "morgen"}
    answer = client.post("/staff/new-event/", data)
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert set(errors) >= {"slug", "capacity", "registration_closes_at"}
    assert 'value="Fachtag Pflege 2099"' in answer.content.decode()
    assert Event.objects.count() == 1


def test_only_those_who_may_add_events_open_the_new_event_page(client, organiser):
    EventRole.objects.create(user=organiser, event=EventFactory(), role=EventRole.Role.ORGANISER)
    client.force_login(organiser)
    assert client.get("/staff/new-event/").status_code == 404
    assert client.post("/staff/new-event/", NEW_EVENT).status_code == 404
    assert "/staff/new-event/" not in client.get("/staff/").content.decode()


# --- Settings -----------------------------------------------------------------------------------------


def settings_data(event, **changes) -> dict:
    groups = list(event.childcare_groups.order_by("min_age"))
    data = {
        "has_childcare": "on",
        "interpreting_languages": ["ar", "fa"],
        "registration_opens_at": "2099-01-10T10:00",
        "registration_closes_at": "2099-03-11T18:00",
        "requires_email_confirmation": "on",
        "email_confirmation_hours": "12",
        "waitlist_mode": "offer",
        "offer_hours": "24",
        "reminder_days": "7, 1",
        "groups-TOTAL_FORMS": str(len(groups) + 1),
        "groups-INITIAL_FORMS": str(len(groups)),
        "groups-MIN_NUM_FORMS": "0",
        "groups-MAX_NUM_FORMS": "20",
    }
    for index, group in enumerate(groups):
        data |= {
            f"groups-{index}-group_id": str(group.pk),
            f"groups-{index}-min_age": str(group.min_age),
            f"groups-{index}-max_age": str(group.max_age),
            f"groups-{index}-capacity": str(group.capacity),
        }
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


def test_the_settings_page_saves_the_events_settings_and_adds_changes_and_removes_age_groups(
    client, source, organiser
):
    empty = ChildcareGroup.objects.get(event=source, min_age=3)
    Child.objects.filter(group=empty).delete()
    ChildcareGroup.objects.filter(pk=empty.pk).update(seats_taken=0)
    client.force_login(organiser)
    data = settings_data(
        source,
        **{
            "groups-0-capacity": "10",
            "groups-1-remove": "on",
            "groups-2-min_age": "7",
            "groups-2-max_age": "12",
            "groups-2-capacity": "9",
            "reminder_days": "1 7 7",
            "requires_email_confirmation": None,
        },
    )
    answer = client.post(f"/staff/events/{source.slug}/settings/", data)
    assert answer.status_code == 302, answer.context and answer.context["form"].errors
    event = reload(source)
    assert event.interpreting_languages == ["ar", "fa"]
    assert event.reminder_days == [7, 1]
    assert (event.requires_email_confirmation, event.email_confirmation_hours) == (False, 12)
    assert (event.waitlist_mode, event.offer_hours) == ("offer", 24)
    assert list(event.childcare_groups.order_by("min_age").values_list("min_age", "max_age", "capacity")) == [
        (0, 2, 10),
        (7, 12, 9),
    ]
    assert AuditEntry.objects.get(action="event_settings").detail["groups"] == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reminder_days": "7, x"}, "reminder_days", "Geben Sie ganze Zahlen von 1 bis 60 an"),
        (
            {"registration_closes_at": "2099-01-01T10:00"},
            "registration_closes_at",
            "Die Anmeldung muss nach ihrem Beginn enden.",
        ),
        ({"offer_hours": "0"}, "offer_hours", "größer oder gleich 1"),
        ({"has_childcare": None}, "has_childcare", "Kinder haben Betreuungsplätze"),
    ],
)
def test_the_settings_form_answers_errors_next_to_the_field_in_german_and_saves_nothing(
    client, source, organiser, changes, field, message
):
    client.force_login(organiser)
    before = (source.reminder_days, source.offer_hours, source.has_childcare, source.interpreting_languages)
    answer = client.post(f"/staff/events/{source.slug}/settings/", settings_data(source, **changes))
    assert answer.status_code == 200
    error = answer.context["form"].errors[field][0]
    assert message in error
    html = answer.content.decode()
    assert f'id="id_{field}_error"' in html and "<title>Fehler:" in html
    event = reload(source)
    assert (
        event.reminder_days,
        event.offer_hours,
        event.has_childcare,
        event.interpreting_languages,
    ) == before
    if field == "reminder_days":
        assert 'value="7, x"' in html  # what she entered stays


@pytest.mark.parametrize(
    ("changes", "row", "field", "message"),
    [
        ({"groups-0-remove": "on"}, 0, "remove", "Kinder in dieser Altersgruppe"),
        ({"groups-0-capacity": "0"}, 0, "capacity", "größer oder gleich 1"),
        ({"groups-1-capacity": "0"}, 1, "capacity", "größer oder gleich 1"),
        ({"groups-0-max_age": "0"}, 0, "min_age", "außerhalb dieser Altersgrenzen"),
        (
            {"groups-2-min_age": "5", "groups-2-max_age": "9", "groups-2-capacity": "4"},
            2,
            "min_age",
            "dürfen sich nicht überschneiden",
        ),
    ],
)
def test_an_age_group_with_children_is_neither_removed_nor_cut_below_its_places_and_groups_never_overlap(
    client, source, organiser, changes, row, field, message
):
    groups = list(source.childcare_groups.order_by("min_age"))
    assert [g.seats_taken for g in groups] == [1, 1]
    ChildcareGroup.objects.filter(pk=groups[0].pk).update(capacity=1)
    client.force_login(organiser)
    answer = client.post(f"/staff/events/{source.slug}/settings/", settings_data(source, **changes))
    assert answer.status_code == 200
    assert message in answer.context["formset"].forms[row].errors[field][0]
    assert "<title>Fehler:" in answer.content.decode()  # an error in a group row alone marks the title too
    assert [(g.min_age, g.max_age, g.capacity) for g in source.childcare_groups.order_by("min_age")] == [
        (0, 2, 1),
        (3, 6, 12),
    ]


def test_cutting_a_group_below_its_places_taken_is_refused_by_the_service(source):
    group = source.childcare_groups.get(min_age=3)
    ChildcareGroup.objects.filter(pk=group.pk).update(seats_taken=2)
    change = setup.GroupChange(index=1, group_id=group.pk, min_age=3, max_age=6, capacity=1)
    values = {name: getattr(source, name) for name in setup.SETTINGS_FIELDS}
    with pytest.raises(setup.SetupError) as refused:
        setup.update_settings(event_id=source.pk, values=values, groups=[change])
    assert (refused.value.field, refused.value.group) == ("capacity", 1)
    assert reload(group).capacity == 12


# --- The sign-up and walk-in forms offer the event's interpreting languages --------------------------------


def signup_form(event, data=None):
    shown = programme(event)
    return SignupForm(data, event=event, slots=shown.slots, groups=shown.groups, language="de")


def test_the_signup_form_offers_exactly_the_events_interpreting_languages(client):
    event = EventFactory(interpreting_languages=["uk", "ar"])
    field = signup_form(event).fields["interpreting_language"]
    assert [code for code, _label in field.choices] == ["", "ar", "uk"]
    assert "interpreting_other" not in signup_form(event).fields  # "another language" is not offered
    bound = signup_form(event, {"interpreting_language": "fa"})
    bound.is_valid()
    assert "interpreting_language" in bound.errors
    html = client.get(f"/de/events/{event.slug}/signup/").content.decode()
    select = re.search(r'<select name="interpreting_language".*?</select>', html, re.S).group()
    assert re.findall(r'<option value="(\w*)"', select) == ["", "ar", "uk"]


def test_an_event_that_offers_no_interpreting_does_not_ask_for_it(client):
    event = EventFactory(interpreting_languages=[])
    assert "interpreting_language" not in signup_form(event).fields
    assert (
        'name="interpreting_language"' not in client.get(f"/de/events/{event.slug}/signup/").content.decode()
    )


def test_the_walk_in_form_offers_the_events_interpreting_languages(client, organiser):
    event = EventFactory(interpreting_languages=["fa", "other"])
    EventRole.objects.create(user=organiser, event=event, role=EventRole.Role.ORGANISER)
    client.force_login(organiser)
    form = client.get(f"/staff/events/{event.slug}/walk-in/").context["form"]
    assert [code for code, _label in form.fields["interpreting_language"].choices] == ["", "fa", "other"]


def test_events_without_a_choice_and_existing_ones_after_the_migration_offer_every_interpreting_language():
    from django.db.migrations import AddField
    from django.db.migrations.loader import MigrationLoader

    from fachtag.languages import INTERPRETING_LANGUAGES, default_interpreting_languages

    event = EventFactory()
    assert event.interpreting_languages == [code for code, _label in INTERPRETING_LANGUAGES]
    # The migration fills the rows already there with the same default.
    (added,) = [
        operation
        for (app, _name), migration in MigrationLoader(None).disk_migrations.items()
        if app == "fachtag"
        for operation in migration.operations
        if isinstance(operation, AddField) and operation.name == "interpreting_languages"
    ]
    assert added.field.default is default_interpreting_languages


# --- Query budgets with 5,000 registrations on the source event -----------------------------------------


def _many_registrations(event, count: int) -> None:
    workshop = Workshop.objects.filter(slot__event=event, capacity__isnull=False).first()
    group = event.childcare_groups.order_by("min_age").first()
    now = timezone.now()
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            status=Registration.Status.CANCELLED,
            name=f"Teilnehmerin {n}",
            email=f"p{n}@example.org",
            language="ar",
            privacy_consent_at=now,
            privacy_notice_version="2026-11-26",
        )
        for n in range(count)
    )
    Booking.objects.bulk_create(
        Booking(registration=r, workshop=workshop, slot_id=workshop.slot_id, status=Booking.Status.CANCELLED)
        for r in registrations
    )
    Child.objects.bulk_create(Child(registration=r, age=1, group=group) for r in registrations[:1000])


# What each page made when it was written down, plus 2 (tests/test_query_budgets.py's rule).
BUDGETS = {"copy": 8, "settings": 8, "new": 5}


def _measure(client, pages) -> dict[str, list[str]]:
    counts = {}
    for name, (user, url) in pages.items():
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = [query["sql"][:200] for query in queries]
    return counts


def test_the_setup_pages_stay_within_their_query_budgets_with_5000_registrations(client, source, organiser):
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    pages = {
        "copy": (organiser, f"/staff/events/{source.slug}/copy/"),
        "settings": (organiser, f"/staff/events/{source.slug}/settings/"),
        "new": (admin, "/staff/new-event/"),
    }
    few = _measure(client, pages)
    _many_registrations(source, 5000)
    many = _measure(client, pages)
    for name, queries in many.items():
        assert len(queries) <= BUDGETS[name], (name, len(queries), queries)
        assert len(queries) == len(few[name]), (name, queries)  # nothing grows with the registrations
    client.force_login(organiser)
    data = {"new_date": "2100-03-11", "title_de": "Fachtag 2100", "slug": "fachtag-2100"}
    with CaptureQueriesContext(connection) as queries:
        assert client.post(f"/staff/events/{source.slug}/copy/", data).status_code == 302
    # The copy reads the programme, never the registrations.
    assert len(queries) <= 30, [q["sql"][:200] for q in queries]
    assert not any("registrations_registration" in q["sql"] for q in queries)


@pytest.mark.parametrize(
    ("typed", "days"), [("7, 1", [7, 1]), ("1 7 7", [7, 1]), ("7، 1", [7, 1]), ("۷؛۱", [7, 1]), ("", [])]
)
def test_reminder_days_are_read_as_she_types_them_in_any_script(typed, days):
    from backoffice.setup_forms import parse_reminder_days

    assert parse_reminder_days(typed) == days


@pytest.mark.django_db(transaction=True)
def test_settings_that_cannot_get_the_event_lock_in_time_come_back_to_send_again(client, source, organiser):
    """Another transaction holds the event row: the page comes back with her entries, the staff's note, 503
    and Retry-After (as the programme, publish and translation pages do); nothing is saved or audited."""
    client.force_login(organiser)
    data = settings_data(source, reminder_days="3")
    with event_row_held(source.pk):
        answer = client.post(f"/staff/events/{source.slug}/settings/", data)
    assert (answer.status_code, answer["Retry-After"]) == (503, "5")
    assert answer.context["form"].non_field_errors() == [str(Busy.staff_message)]
    assert (
        reload(source).reminder_days != [3]
        and not AuditEntry.objects.filter(action="event_settings").exists()
    )
