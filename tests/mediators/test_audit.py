"""The organisers' actions on mediators are in the audit log (#25, H16): invite (pool form and import),
activate and deactivate, enrol in a series, record attendance. Each entry names the organiser, the action and
ids only; a refused change writes none, and entry and change share one transaction."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.services import set_staff_language
from backoffice import audit
from backoffice.models import AuditEntry
from fachtag.models import Event, TimeSlot
from mediators import services
from mediators.audit import staff_action
from mediators.models import Enrolment, MediatorProfile, SessionRecord
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, mediator_manager
from tests.registrations.helpers import reload

pytestmark = pytest.mark.django_db

POOL = "/staff/mediators/"


@pytest.fixture
def organiser(client):
    user = mediator_manager("office@example.org")
    client.force_login(user)
    return user


@pytest.fixture
def series():
    """A series whose first session began an hour ago and whose second is next month; one session attended
    earns the certificate."""
    now = timezone.now()
    event = EventFactory(
        kind=Event.Kind.TRAINING,
        slug="sprachmittlung",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=60),
        min_sessions_for_certificate=1,
    )
    for start in (now - timedelta(hours=1), now + timedelta(days=30)):
        slot = TimeSlotFactory(
            event=event, kind=TimeSlot.Kind.PLENARY, starts_at=start, ends_at=start + timedelta(hours=2)
        )
        WorkshopFactory(slot=slot)
    return event


def mediator(email: str) -> MediatorProfile:
    (profile,) = services.invite(emails=[email], language="ar", names={email: "Samira Nouri"})
    return profile


def only_entry(action: str) -> AuditEntry:
    (entry,) = AuditEntry.objects.all()
    assert entry.action == action
    return entry


def assert_ids_only(entry: AuditEntry) -> None:
    """Nothing personal: every value is a number or a list of numbers (no address, name or language)."""
    for value in entry.detail.values():
        numbers = value if isinstance(value, list) else [value]
        assert all(isinstance(n, int) and not isinstance(n, bool) for n in numbers), entry.detail


def test_an_invitation_from_the_pool_form_is_audited_with_the_profiles_ids(client, organiser):
    response = client.post(
        POOL,
        {"emails": "Samira Nouri <samira@example.org>, olena@example.org", "language": "ar"},
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 302
    entry = only_entry("mediator_invite")
    invited = MediatorProfile.objects.filter(user__email__in=["samira@example.org", "olena@example.org"])
    assert entry.actor == organiser and entry.event is None and entry.registration_id is None
    assert entry.detail == {"profiles": sorted(invited.values_list("pk", flat=True))}
    assert entry.ip == "192.0.2.7"
    assert_ids_only(entry)


def test_a_refused_invitation_writes_no_entry(client, organiser):
    response = client.post(POOL, {"emails": "samira@example.org, kaputt", "language": "ar"})
    assert response.status_code == 200 and "kaputt" in response.content.decode()
    assert not MediatorProfile.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_import_is_audited_with_the_invited_profiles_and_the_number_of_rows(client, organiser):
    table = (
        "Name;E-Mail;Sprachen;Nachrichtensprache;Telefon\n"
        "Leyla Demir;leyla@example.org;ar;ar;+49 341 1234567\n"
        "X;kaputt;ar;ar;\n"
    )
    client.post(f"{POOL}import/", {"file": SimpleUploadedFile("liste.csv", table.encode())})
    assert not AuditEntry.objects.exists()  # the preview changes nothing

    assert client.post(f"{POOL}import/preview/").status_code == 302
    entry = only_entry("mediator_import")
    leyla = MediatorProfile.objects.get(user__email="leyla@example.org")
    assert entry.actor == organiser and entry.event is None
    assert entry.detail == {"profiles": [leyla.pk], "rows": 2}
    assert_ids_only(entry)


def test_an_import_that_invites_nobody_writes_no_entry(client, organiser):
    table = "Name;E-Mail;Sprachen;Nachrichtensprache;Telefon\nX;kaputt;ar;ar;\n"
    client.post(f"{POOL}import/", {"file": SimpleUploadedFile("liste.csv", table.encode())})
    assert client.post(f"{POOL}import/preview/").status_code == 302
    assert client.post(f"{POOL}import/preview/").status_code == 302  # nothing waiting: back to the upload
    assert not MediatorProfile.objects.exists()
    assert not AuditEntry.objects.exists()


def test_deactivating_and_activating_are_audited_each_with_the_profile_id(client, organiser):
    profile = mediator("samira@example.org")
    client.post(f"{POOL}{profile.pk}/active/", {"active": "0"})
    entry = only_entry("mediator_deactivate")
    assert entry.actor == organiser and entry.detail == {"profile": profile.pk}
    assert reload(profile).is_active is False

    client.post(f"{POOL}{profile.pk}/active/", {"active": "1"})
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.detail) == ("mediator_activate", {"profile": profile.pk})
    assert reload(profile).is_active is True


def test_no_entry_for_an_unknown_profile_or_someone_without_the_permission(client, organiser):
    profile = mediator("samira@example.org")
    assert client.post(f"{POOL}{profile.pk + 1000}/active/", {"active": "0"}).status_code == 302
    staff = get_user_model().objects.create_user(email="staff@example.org", password="x" * 12, is_staff=True)
    client.force_login(staff)  # the staff flag, but not the permission to manage the pool
    assert client.post(f"{POOL}{profile.pk}/active/", {"active": "0"}).status_code == 404
    assert reload(profile).is_active is True
    assert not AuditEntry.objects.exists()


def test_enrolling_in_a_series_is_audited_with_the_event_and_the_new_enrolments(client, organiser, series):
    samira, olena = mediator("samira@example.org"), mediator("olena@example.org")
    url = f"{POOL}trainings/{series.slug}/"
    client.post(url, {"mediators": [samira.pk]})
    entry = only_entry("mediator_enrol")
    enrolment = Enrolment.objects.get(mediator=samira)
    assert entry.actor == organiser and entry.event == series
    assert entry.detail == {"enrolments": [enrolment.pk], "profiles": [samira.pk]}
    assert_ids_only(entry)

    client.post(url, {"everyone": "on"})
    entry = AuditEntry.objects.latest("pk")
    assert entry.detail == {"enrolments": [Enrolment.objects.get(mediator=olena).pk], "profiles": [olena.pk]}

    client.post(url, {"everyone": "on"})  # everyone is enrolled already: nothing changes, nothing written
    assert client.post(url, {}).status_code == 200  # neither everyone nor a choice: refused by the form
    assert AuditEntry.objects.count() == 2


def test_recorded_attendance_is_audited_with_the_session_those_present_and_the_certificates(
    client, organiser, series
):
    samira, olena = mediator("samira@example.org"), mediator("olena@example.org")
    services.enrol(event_id=series.pk)
    begun = services.sessions_of(series)[0]
    present = SessionRecord.objects.get(session=begun, enrolment__mediator=samira)
    response = client.post(
        f"{POOL}trainings/{series.slug}/sessions/{begun.pk}/attendance/", {"present": [present.pk, 999999]}
    )
    assert response.status_code == 302
    entry = only_entry("mediator_attendance")
    assert entry.actor == organiser and entry.event == series
    assert entry.detail == {
        "session": begun.pk,
        "present": [present.pk],  # what was recorded, not what was sent (999999 is nobody's)
        "certificates": [Enrolment.objects.get(mediator=samira).pk],
    }
    assert_ids_only(entry)
    assert olena.pk not in entry.detail["present"]


def test_attendance_refused_for_a_session_not_yet_begun_writes_no_entry(client, organiser, series):
    mediator("samira@example.org")
    services.enrol(event_id=series.pk)
    ahead = services.sessions_of(series)[1]
    record = SessionRecord.objects.get(session=ahead)
    response = client.post(
        f"{POOL}trainings/{series.slug}/sessions/{ahead.pk}/attendance/", {"present": [record.pk]}
    )
    assert response.status_code == 200
    assert reload(record).attendance_recorded_at is None
    assert not AuditEntry.objects.exists()


def test_the_change_is_undone_when_its_entry_cannot_be_written(client, organiser, monkeypatch):
    profile = mediator("samira@example.org")

    def broken(**kwargs):
        raise RuntimeError("the audit table is unavailable")

    monkeypatch.setattr(AuditEntry.objects, "create", broken)
    with pytest.raises(RuntimeError, match="unavailable"):
        client.post(f"{POOL}{profile.pk}/active/", {"active": "0"})
    assert reload(profile).is_active is True


def test_without_a_receiver_the_change_is_refused_rather_than_left_out_of_the_log(client, organiser):
    profile = mediator("samira@example.org")
    assert staff_action.disconnect(dispatch_uid="backoffice.audit.mediators")
    try:
        with pytest.raises(RuntimeError, match="Nothing writes the audit log"):
            client.post(f"{POOL}{profile.pk}/active/", {"active": "0"})
    finally:
        staff_action.connect(audit.record_mediators_action, dispatch_uid="backoffice.audit.mediators")
    assert reload(profile).is_active is True


def test_the_audit_log_names_the_mediators_actions_in_the_staff_language(admin_client, admin_user):
    set_staff_language(user=admin_user, language="de")
    profile = mediator("samira@example.org")
    admin_client.post(f"{POOL}{profile.pk}/active/", {"active": "0"})
    page = admin_client.get("/admin/backoffice/auditentry/").content.decode()
    assert "Mittler:in deaktiviert" in page
    assert "samira@example.org" not in page
