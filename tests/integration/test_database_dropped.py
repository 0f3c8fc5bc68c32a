"""The database connection dropped in the middle of a request: a clear page, nothing lost, nothing twice.

The drop is real: PostgreSQL ends the server process of the connection (pg_terminate_backend, as on a
restart or a failover), from a second connection, at a chosen point of the request.
"""

import psycopg
import pytest
from django.db import connection

from notifications.models import OutboxMessage
from registrations import services
from registrations.models import Registration
from tests.browser_support import axe_violations
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def terminate_backend(pid: int) -> None:
    """End one PostgreSQL server process from a connection of our own."""
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"]) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def drop_this_threads_connection() -> None:
    connection.ensure_connection()
    terminate_backend(connection.connection.info.backend_pid)


@pytest.fixture
def event(settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    event = EventFactory(slug="fachtag-drill", title_de="Fachtag Arbeit")
    slot = TimeSlotFactory(event=event, title_de="Workshop-Phase 1")
    WorkshopFactory(slot=slot, title_de="Anerkennung", capacity=10)
    return event


@pytest.mark.browser
@pytest.mark.parametrize("when", ["before the commit", "after the commit"])
def test_a_connection_dropped_during_sign_up_shows_her_form_again_and_she_is_registered_once(
    page, live_server, event, smtp_sink, celery_worker, monkeypatch, when
):
    real_register, real_notify = services.register, services.signup.notify.registration_message
    calls = []

    def drop_then_notify(*args, **kwargs):
        drop_this_threads_connection()  # inside her transaction: nothing of it is committed
        return real_notify(*args, **kwargs)

    def register_losing_the_connection_once(**kwargs):
        calls.append(kwargs)
        if len(calls) > 1:
            return real_register(**kwargs)
        if when == "after the commit":
            real_register(**kwargs)  # saved, but the answer is lost on the way back
            drop_this_threads_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        monkeypatch.setattr(services.signup.notify, "registration_message", drop_then_notify)
        try:
            return real_register(**kwargs)
        finally:
            monkeypatch.setattr(services.signup.notify, "registration_message", real_notify)

    monkeypatch.setattr("registrations.views.services.register", register_losing_the_connection_once)

    page.goto(f"{live_server.url}/de/events/fachtag-drill/signup/")
    page.fill("#id_name", "Olena Kovalenko")
    page.fill("#id_email", "olena@example.org")
    page.check("label:has-text('Anerkennung')")
    page.check("#id_privacy_consent")
    page.click("button[type=submit]")

    page.wait_for_selector(".error-summary")
    assert "technischer Fehler" in page.inner_text(".error-summary")
    assert page.input_value("#id_name") == "Olena Kovalenko"  # her entries are kept
    assert page.input_value("#id_email") == "olena@example.org"
    assert axe_violations(page) == []
    page.click("button[type=submit]")  # she sends it again
    page.wait_for_url("**/done/")
    assert "Anerkennung" in page.content()

    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.bookings.get().workshop.title_de == "Anerkennung"
    assert OutboxMessage.objects.filter(kind="registration_confirmed").count() == 1
    assert wait_until(lambda: len(smtp_sink.received_by("olena@example.org")) == 1, timeout=30)
    assert wait_until(lambda: not OutboxMessage.objects.filter(sent_at=None).exists(), timeout=30)
    assert len(smtp_sink.received_by("olena@example.org")) == 1


def test_a_page_whose_connection_dropped_explains_itself_and_the_next_request_works(client, event):
    drop_this_threads_connection()

    response = client.get("/de/events/fachtag-drill/")
    assert response.status_code == 503
    assert response["Retry-After"]
    page = response.content.decode()
    assert "Ein technischer Fehler" in page
    assert 'lang="de"' in page

    assert client.get("/de/events/fachtag-drill/").status_code == 200  # a fresh connection


def test_a_connection_dropped_while_waiting_for_a_lock_is_a_fault_not_busy(event):
    from django.db import OperationalError

    from registrations.errors import Busy

    with pytest.raises(OperationalError) as raised:
        with services.locking.atomic():
            drop_this_threads_connection()
            services.locking.lock_event(event.pk)
    assert not isinstance(raised.value, Busy)
    connection.close()
