"""Who opens which staff page: every URL under /staff/ of the urlconf has a row here (a new one without a
row fails), and is tried with every kind of account (SEC-12)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from fachtag.models import Event, TimeSlot
from mediators.models import MediatorProfile, SessionRecord
from mediators.services import enrol
from registrations.models import Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, mediator_manager
from tests.registrations.helpers import reload, sign_up
from tests.test_security_rules import every_route

pytestmark = pytest.mark.django_db

# Who may open each page. organiser: her event's organisers; door: its organisers and door staff;
# staff: any staff account or event role; pool: the mediator-pool permission (organisers' group); mail: the
# permission to send failed messages again (notifications.resend_outboxmessage). Global administrators
# (superusers) may everything.
ORGANISER, DOOR, STAFF, POOL, MAIL = "organiser", "door", "staff", "pool", "mail"
MATRIX = {
    "backoffice:index": STAFF,
    "backoffice:dashboard": ORGANISER,
    "backoffice:participants": ORGANISER,
    "backoffice:registration": ORGANISER,
    "backoffice:cancel": ORGANISER,
    "backoffice:confirm": ORGANISER,
    "backoffice:confirm_wish": ORGANISER,
    "backoffice:move": ORGANISER,
    "backoffice:replace_links": ORGANISER,
    "backoffice:privacy_export": ORGANISER,
    "backoffice:privacy_erase": ORGANISER,
    "backoffice:capacity": ORGANISER,
    "backoffice:walk_in": ORGANISER,
    "backoffice:announcements": ORGANISER,
    "backoffice-checkin:index": DOOR,
    "backoffice-checkin:code": DOOR,
    "backoffice-checkin:registration": DOOR,
    "backoffice-checkin:certificate": DOOR,
    "backoffice-exports:index": ORGANISER,
    "backoffice-exports:participants_csv": ORGANISER,
    "backoffice-exports:participants_xlsx": ORGANISER,
    "backoffice-exports:childcare_csv": ORGANISER,
    "backoffice-exports:childcare_xlsx": ORGANISER,
    "backoffice-exports:interpreting_csv": ORGANISER,
    "backoffice-exports:interpreting_xlsx": ORGANISER,
    "backoffice-exports:attendance_pdf": ORGANISER,
    "backoffice-exports:badges_pdf": ORGANISER,
    "mediators-staff:pool": POOL,
    "mediators-staff:set_active": POOL,
    "mediators-staff:series": POOL,
    "mediators-staff:attendance": POOL,
    "backoffice:mail_queue": MAIL,
    "backoffice:mail_resend": MAIL,
    # Setting events up (#23, H1): creating takes the permission to add events (global administrators).
    "backoffice:event_new": "event_creators",
    "backoffice:event_copy": ORGANISER,
    "backoffice:event_settings": ORGANISER,
    # H4: editing a registration, the staff member's language.
    "backoffice:registration_edit": ORGANISER,
    "backoffice:language": STAFF,
    # Getting an event ready (#23, H3).
    "backoffice:translations": ORGANISER,
    "backoffice:translations_language": ORGANISER,
    "backoffice:publish": ORGANISER,
    "backoffice:preview": ORGANISER,
    # The programme on one page (#23, H2).
    "backoffice:programme": ORGANISER,
    "backoffice:programme_slot_add": ORGANISER,
    "backoffice:programme_slot_edit": ORGANISER,
    "backoffice:programme_slot_remove": ORGANISER,
    "backoffice:programme_workshop_add": ORGANISER,
    "backoffice:programme_workshop_edit": ORGANISER,
    "backoffice:programme_workshop_order": ORGANISER,
    "backoffice:programme_workshop_cancel": ORGANISER,
    # Importing mediators from a file (#24, H8).
    "mediators-staff:import": POOL,
    "mediators-staff:import_preview": POOL,
    # Mail previews (#24, H9): staff accounts and the organisers of any event (sample data only, nothing of
    # an event or a person): every account here but the mediator.
    "backoffice:mail_previews": STAFF,
    "backoffice:mail_preview": STAFF,
    "backoffice:mail_preview_html": STAFF,
    # The door (#24, H6): undo of a check-in, a walk-in's code on screen.
    "backoffice-checkin:undo": DOOR,
    "backoffice:walk_in_done": ORGANISER,
    # The report (#25, H11): figures only, for the organisers of the event (a Fachtag, as tried here). A
    # training series' report opens to POOL instead (H15: tests/backoffice/test_series_report.py).
    "backoffice:report": ORGANISER,
    "backoffice:report_xlsx": ORGANISER,
    "backoffice:report_pdf": ORGANISER,
    # H14 (#25): an interpreter arranged (the dashboard's buttons), the feedback survey's window.
    "backoffice:interpreter": ORGANISER,
    "backoffice:feedback_window": ORGANISER,
}
ALLOWED = {
    ORGANISER: {"organiser_a", "admin"},
    DOOR: {"organiser_a", "door_a", "admin"},
    STAFF: {"organiser_a", "door_a", "organiser_b", "staff_flag_only", "pool", "admin"},
    POOL: {"pool", "admin"},
    MAIL: {"admin"},
    "event_creators": {"admin"},
}
ACCOUNTS = ["admin", "organiser_a", "door_a", "organiser_b", "staff_flag_only", "pool", "mediator"]


def staff_routes() -> dict[str, dict]:
    """{name: converters} of every route under /staff/ (reversed with sample values to tell)."""
    routes = {}
    for name, converters, groups, _entry in every_route():
        if set(groups) - set(converters):
            continue  # the admin's regular-expression routes
        kwargs = {key: "x" if key == "slug" else 1 for key in converters}
        if reverse(name, kwargs=kwargs).startswith("/staff/"):
            routes[name] = converters
    return routes


def test_every_staff_url_of_the_urlconf_has_a_row_in_the_matrix():
    assert set(staff_routes()) == set(MATRIX)


@pytest.fixture
def world(two_events):
    a, _b, roles = two_events
    users = get_user_model().objects
    roles["staff_flag_only"] = users.create_user(email="flag@example.org", password="x" * 12, is_staff=True)
    roles["pool"] = mediator_manager()
    roles["mediator"] = users.create_user(email="samira@example.org", password="x" * 12)
    profile = MediatorProfile.objects.create(user=roles["mediator"])
    training = EventFactory(kind=Event.Kind.TRAINING, slug="training")
    session = WorkshopFactory(slot=TimeSlotFactory(event=training, kind=TimeSlot.Kind.PLENARY))
    enrol(event_id=training.pk)
    registration = sign_up(a)
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=timezone.now())  # her certificate
    values = {
        "slug": a.slug,
        "registration_id": registration.pk,
        "profile_id": profile.pk,
        "session_id": session.pk,
        "language": "ar",  # translations_language, preview
        # The programme page's rows (#23, H2): event A's slot and its first workshop.
        "slot_id": a.slots.get().pk,
        "workshop_id": a.slots.get().workshops.first().pk,
        "kind": "registration_confirmed",  # the mail previews (#24, H9)
    }
    return roles, values, training, registration, profile


def url_for(name: str, converters, values, training) -> str:
    kwargs = {key: values[key] for key in converters}
    if name.startswith("mediators-staff:") and "slug" in kwargs:
        kwargs["slug"] = training.slug
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_each_account_opens_exactly_the_staff_pages_of_its_role(client, world, account):
    roles, values, training, registration, profile = world
    client.force_login(roles[account])
    for name, converters in staff_routes().items():
        url = url_for(name, converters, values, training)
        if account in ALLOWED[MATRIX[name]]:
            response = client.get(url)
            assert response.status_code in (200, 302, 405), (account, url)
            # Personal data: no cache keeps a staff page (SEC-15).
            assert "no-store" in response["Cache-Control"], url
        else:
            assert client.get(url).status_code in (404, 405), (account, url)
            posted = client.post(url, {"capacity": 1, "active": "0", "present": "1"})
            assert posted.status_code in (404, 405), (account, url)
    assert reload(registration).status == Registration.Status.CONFIRMED
    profile.refresh_from_db()
    assert profile.is_active or account in ALLOWED[POOL]
    assert not SessionRecord.objects.filter(attended=True).exists()


def test_anonymous_visitors_are_sent_to_the_login_from_every_staff_page(client, world):
    _roles, values, training, _registration, _profile = world
    for name, converters in staff_routes().items():
        url = url_for(name, converters, values, training)
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
