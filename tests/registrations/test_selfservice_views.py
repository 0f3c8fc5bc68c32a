from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fachtag.models import ChildcareGroup
from registrations.models import Booking, Registration
from registrations.tokens import CONFIRM_SALT, make_token
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(capacity=50, has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=10)
    return event


@pytest.fixture
def slot(event):
    return TimeSlotFactory(event=event)


def test_manage_page_shows_her_booking_and_the_actions(client, event, slot):
    workshop = WorkshopFactory(slot=slot, title_de="Jobsuche")
    registration = sign_up(event, workshop, name="Olena Kovalenko", child_ages=[3])
    content = client.get(f"/de/r/{make_token(registration)}/").content.decode()
    assert "Olena Kovalenko" in content
    assert "Jobsuche" in content
    assert "Workshops ändern" in content or "/workshops/" in content
    assert "/cancel/" in content


def test_a_token_opens_only_its_own_registration(client, event):
    mine = sign_up(event, name="Mine Person")
    sign_up(event, name="Other Person")
    content = client.get(f"/de/r/{make_token(mine)}/").content.decode()
    assert "Mine Person" in content and "Other Person" not in content


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: t + "x", lambda t: "abc"]
)
def test_a_forged_or_altered_token_opens_nothing(client, event, mangle):
    registration = sign_up(event)
    response = client.get(f"/de/r/{mangle(make_token(registration))}/")
    assert response.status_code == 404
    assert registration.name not in response.content.decode()


def test_a_token_of_another_purpose_is_refused(client, event):
    registration = sign_up(event)
    assert client.get(f"/de/r/{make_token(registration, salt=CONFIRM_SALT)}/").status_code == 404


def test_a_renewed_token_version_kills_the_old_link(client, event):
    registration = sign_up(event)
    old = make_token(registration)
    Registration.objects.filter(pk=registration.pk).update(token_version=2)
    assert client.get(f"/de/r/{old}/").status_code == 404


def test_cancel_needs_a_confirmation_and_a_post(client, event):
    registration = sign_up(event)
    url = f"/de/r/{make_token(registration)}/cancel/"
    assert client.get(url).status_code == 200
    assert reload(registration).status == Registration.Status.CONFIRMED
    assert client.post(url).status_code == 302
    assert reload(registration).status == Registration.Status.CANCELLED
    assert (
        client.get(url.replace("cancel/", "")).status_code == 200
    )  # the link still shows the cancelled state


def test_changing_workshops_on_the_page(client, event, slot):
    old, new = WorkshopFactory(slot=slot, capacity=5), WorkshopFactory(slot=slot, capacity=5)
    registration = sign_up(event, old)
    url = f"/de/r/{make_token(registration)}/workshops/"
    assert f'value="{old.pk}" checked' in client.get(url).content.decode()
    response = client.post(url, {f"slot_{slot.pk}": str(new.pk), "full_seen": ""})
    assert response.status_code == 302
    assert registration.bookings.get(status="confirmed").workshop == new


def test_a_workshop_that_filled_up_meanwhile_comes_back_as_a_field_error(client, event, slot):
    old, full = WorkshopFactory(slot=slot, capacity=5), WorkshopFactory(slot=slot, capacity=1)
    registration = sign_up(event, old)
    url = f"/de/r/{make_token(registration)}/workshops/"
    client.get(url)
    sign_up(event, full)  # someone takes the last seat while she decides
    response = client.post(url, {f"slot_{slot.pk}": str(full.pk), "full_seen": ""})
    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_slot_{slot.pk}_error"' in content
    assert registration.bookings.get().workshop == old
    # Choosing it again now means its waiting list, keeping her seat meanwhile.
    response = client.post(url, {f"slot_{slot.pk}": str(full.pk), "full_seen": str(full.pk)})
    assert response.status_code == 302
    assert dict(registration.bookings.values_list("workshop_id", "status")) == {
        old.pk: "confirmed",
        full.pk: "waitlisted",
    }


def test_changing_childcare_on_the_page(client, event):
    registration = sign_up(event, child_ages=[2])
    url = f"/de/r/{make_token(registration)}/childcare/"
    assert 'value="2"' in client.get(url).content.decode()
    assert client.post(url, {"child_ages": "2, 7", "childcare_notes": ""}).status_code == 302
    assert sorted(registration.children.values_list("age", flat=True)) == [2, 7]
    response = client.post(url, {"child_ages": "2, 30", "childcare_notes": ""})
    assert 'id="id_child_ages_error"' in response.content.decode()


def test_accepting_an_offer_through_the_page(client):
    event = EventFactory(capacity=1)
    leaving, waiting = sign_up(event), sign_up(event)
    client.post(f"/de/r/{make_token(leaving)}/cancel/")
    token = make_token(waiting)
    assert f'action="/de/r/{token}/accept/"' in client.get(f"/de/r/{token}/").content.decode()
    assert client.get(f"/de/r/{token}/accept/").status_code == 405  # never on GET
    assert client.post(f"/de/r/{token}/accept/").status_code == 302
    assert reload(waiting).status == Registration.Status.CONFIRMED


def test_confirm_email_link_changes_nothing_on_get_and_confirms_on_post(client):
    event = EventFactory(requires_email_confirmation=True)
    registration = sign_up(event)
    url = f"/de/confirm/{make_token(registration, salt=CONFIRM_SALT)}/"
    client.get(url)
    assert reload(registration).status == Registration.Status.PENDING
    assert client.post(url).status_code == 302
    assert reload(registration).status == Registration.Status.CONFIRMED


def test_manage_page_makes_a_bounded_number_of_queries(client, event, slot):
    workshops = [WorkshopFactory(slot=slot, capacity=500)]
    registration = sign_up(event, *workshops, child_ages=[1, 2])
    url = f"/de/r/{make_token(registration)}/"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for _ in range(40):
        sign_up(event, *workshops, child_ages=[3])
    assert count() == before
    assert before <= 8
    assert Booking.objects.count() == 41


def test_the_manage_page_reads_her_children_only_where_the_event_offers_childcare(client, event):
    def page(registration):
        with CaptureQueriesContext(connection) as queries:
            content = client.get(f"/de/r/{make_token(registration)}/").content.decode()
        return content, [q["sql"] for q in queries if "registrations_child" in q["sql"]]

    content, children_read = page(sign_up(event, child_ages=[1, 4]))
    assert event.has_childcare and len(children_read) == 1 and "Kinderbetreuung" in content
    type(event).objects.filter(pk=event.pk).update(has_childcare=False)
    content, children_read = page(sign_up(event, email="ohne@example.org"))
    assert children_read == [] and "Kinderbetreuung" not in content


def test_her_qr_code_is_on_the_manage_page_and_attached_to_the_confirmation(client, event):
    from notifications.models import OutboxMessage
    from notifications.rendering import render

    registration = sign_up(event)
    token = make_token(registration)
    assert f"/de/r/{token}/qr.svg" in client.get(f"/de/r/{token}/").content.decode()
    svg = client.get(f"/de/r/{token}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    stored = OutboxMessage.objects.get(kind="registration_confirmed")
    message = render(stored.kind, language=stored.language, to=stored.to, context=stored.context).as_email()
    [(content, mimetype)] = [(c, m) for name, c, m in message.attachments if name == "checkin-qr.png"]
    assert mimetype == "image/png" and content.startswith(b"\x89PNG")


def test_after_registration_has_closed_her_link_no_longer_cancels_or_changes_childcare(client, time_machine):
    """Her page hides the buttons then; the services refuse it too (two days after the event here)."""
    event = EventFactory(has_childcare=True)
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=5)
    registration = sign_up(event, child_ages=[3])
    token = make_token(registration)
    time_machine.move_to(event.ends_at + timedelta(days=2), tick=False)
    cancelled = client.post(f"/de/r/{token}/cancel/")
    assert cancelled.status_code == 409 and "nicht mehr möglich" in cancelled.content.decode()
    changed = client.post(f"/de/r/{token}/childcare/", {"child_ages": "", "childcare_notes": ""})
    assert changed.status_code == 200 and "nicht mehr möglich" in changed.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert list(registration.children.values_list("age", flat=True)) == [3]
