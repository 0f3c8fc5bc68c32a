from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from backoffice import audit
from backoffice.models import AuditEntry
from fachtag.models import ChildcareGroup, Workshop
from notifications.models import OutboxMessage
from registrations.models import Booking, Child, Registration
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db


def backoffice_urls(slug: str, registration_id: int) -> list[tuple[str, str]]:
    """Every URL of the back office for one event (taken from the urlconf, so a new view is tested too)."""
    urls = []
    for pattern in _walk(get_resolver().url_patterns):
        if "slug" in pattern.pattern.regex.groupindex:
            kwargs = {"slug": slug}
            if "registration_id" in pattern.pattern.regex.groupindex:
                kwargs["registration_id"] = registration_id
            if set(pattern.pattern.regex.groupindex) - set(kwargs):
                continue
            urls.append((pattern.name, reverse(f"{pattern.namespace_}:{pattern.name}", kwargs=kwargs)))
    return urls


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            if inner.startswith("backoffice"):
                yield from _walk(entry.url_patterns, inner)
            elif entry.namespace is None:
                yield from _walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and namespace.startswith("backoffice"):
            entry.namespace_ = namespace
            yield entry


def test_the_url_walk_finds_the_back_office(two_events):
    a, _b, _roles = two_events
    names = {name for name, _url in backoffice_urls(a.slug, 1)}
    assert {"dashboard", "participants", "registration", "cancel", "walk_in", "capacity"} <= names


@pytest.mark.parametrize("role", ["organiser_b", "door_a"])
def test_people_without_organiser_rights_for_an_event_get_404_everywhere_in_it(client, two_events, role):
    a, _b, roles = two_events
    registration = sign_up(a)
    client.force_login(roles[role])
    for name, url in backoffice_urls(a.slug, registration.pk):
        if name.startswith("checkin") or "checkin" in url:
            continue
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"capacity": 1}).status_code == 404, url
    assert reload(registration).status == Registration.Status.CONFIRMED


def test_organisers_and_administrators_reach_their_event(client, two_events):
    a, b, roles = two_events
    registration = sign_up(a)
    for role, event, expected in [
        ("organiser_a", a, 200),
        ("admin", a, 200),
        ("admin", b, 200),
        ("organiser_b", b, 200),
    ]:
        client.force_login(roles[role])
        for name in ("dashboard", "participants", "capacity", "walk_in"):
            assert (
                client.get(reverse(f"backoffice:{name}", kwargs={"slug": event.slug})).status_code == expected
            )
    client.force_login(roles["organiser_a"])
    assert (
        client.get(
            reverse("backoffice:registration", kwargs={"slug": a.slug, "registration_id": registration.pk})
        ).status_code
        == 200
    )
    # A registration of event A looked up under event B: not found.
    client.force_login(roles["organiser_b"])
    assert client.get(f"/staff/events/{b.slug}/participants/{registration.pk}/").status_code == 404


# The back office's URLs outside an event: who may reach them (GET, or POST for actions). The mail queue names
# recipients of every event: only for those who may send failed messages again (administrators, or a
# user given notifications.resend_outboxmessage). That every staff URL has a row is checked by
# tests/backoffice/test_staff_matrix.py.
GLOBAL_URLS = {
    "mail_queue": (
        "get",
        {"admin": 200, "resender": 200, "organiser_a": 404, "door_a": 404, "organiser_b": 404},
    ),
    "mail_resend": (
        "post",
        {"admin": 302, "resender": 302, "organiser_a": 404, "door_a": 404, "organiser_b": 404},
    ),
}


def test_the_mail_queue_and_its_action_only_for_those_who_may_resend(client, two_events):
    from django.contrib.auth.models import Permission

    _a, _b, roles = two_events
    roles["resender"] = type(roles["admin"]).objects.create_user(
        email="it@example.org", password="x" * 12, is_staff=True
    )
    roles["resender"].user_permissions.add(Permission.objects.get(codename="resend_outboxmessage"))
    for name, (method, expected) in GLOBAL_URLS.items():
        for role, status in expected.items():
            client.force_login(roles[role])
            response = getattr(client, method)(reverse(f"backoffice:{name}"))
            assert response.status_code == status, (name, role)
    assert AuditEntry.objects.filter(action="mail_resend").count() == 2  # the two allowed POSTs only


def test_sending_failed_messages_again_is_audited_and_they_go_out(
    client, two_events, mailoutbox, django_capture_on_commit_callbacks
):
    from unittest import mock

    from notifications import tasks

    _a, _b, roles = two_events
    with mock.patch("notifications.tasks.send_ready.delay"):
        registration = sign_up(_a)
    mailoutbox.clear()
    OutboxMessage.objects.update(
        failed_at=timezone.now(), attempts=8, last_error="SMTPDataError: 554 5.7.1 Spam"
    )
    client.force_login(roles["admin"])
    page = client.get(reverse("backoffice:mail_queue")).content.decode()
    assert "SMTPDataError: 554 5.7.1 Spam" in page and registration.email in page
    failed = OutboxMessage.objects.count()
    with mock.patch("notifications.tasks.send_ready.delay", side_effect=tasks.send_ready):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("backoffice:mail_resend"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("backoffice:mail_queue")
    assert [m.to for m in mailoutbox] == [[registration.email]] * failed
    assert not OutboxMessage.objects.filter(failed_at__isnull=False).exists()
    entry = AuditEntry.objects.get(action="mail_resend")
    assert entry.actor == roles["admin"] and entry.detail == {"messages": failed}


def test_the_index_lists_only_her_events(client, two_events):
    _a, _b, roles = two_events
    client.force_login(roles["organiser_a"])
    content = client.get("/staff/").content.decode()
    assert "/staff/events/event-a/" in content and "/staff/events/event-b/" not in content


def test_anonymous_visitors_are_sent_to_the_login(client, two_events):
    a, _b, _roles = two_events
    response = client.get(f"/staff/events/{a.slug}/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_cancelling_notifies_her_offers_the_place_and_is_audited(client, two_events):
    a, _b, roles = two_events
    full = Workshop.objects.get(slot__event=a, capacity=2)
    leaving, _other, waiting = sign_up(a, full), sign_up(a, full), sign_up(a, full)
    client.force_login(roles["organiser_a"])
    client.post(f"/staff/events/{a.slug}/participants/{leaving.pk}/cancel/")
    assert reload(leaving).status == Registration.Status.CANCELLED
    assert waiting.bookings.get().status == Booking.Status.OFFERED
    assert OutboxMessage.objects.filter(to=leaving.email, kind="registration_cancelled").exists()
    assert leaving.log.filter(action="cancelled", actor=roles["organiser_a"]).exists()
    assert AuditEntry.objects.filter(
        action="cancel", registration_id=leaving.pk, actor=roles["organiser_a"]
    ).exists()


def test_confirming_from_the_waiting_list_out_of_turn(client, two_events):
    a, _b, roles = two_events
    a.capacity = 1
    a.save()
    sign_up(a)
    first, second = sign_up(a), sign_up(a)
    client.force_login(roles["organiser_a"])
    client.post(f"/staff/events/{a.slug}/capacity/", {"capacity": 2})
    assert (
        reload(first).status == Registration.Status.OFFERED
    )  # the raised capacity went to the first in line
    client.post(f"/staff/events/{a.slug}/participants/{second.pk}/confirm/")
    assert reload(second).status == Registration.Status.WAITLISTED  # no free place: refused, nothing changed
    client.post(f"/staff/events/{a.slug}/participants/{first.pk}/confirm/")
    assert reload(first).status == Registration.Status.CONFIRMED
    assert OutboxMessage.objects.filter(to=first.email, kind="registration_confirmed").exists()


def test_moving_someone_to_another_workshop(client, two_events):
    a, _b, roles = two_events
    one, two = Workshop.objects.filter(slot__event=a).order_by("pk")
    registration = sign_up(a, one)
    client.force_login(roles["organiser_a"])
    client.post(f"/staff/events/{a.slug}/participants/{registration.pk}/move/", {"workshop": two.pk})
    assert registration.bookings.get(status="confirmed").workshop == two
    assert OutboxMessage.objects.filter(to=registration.email, kind="booking_changed").exists()


def test_a_capacity_never_goes_below_the_places_taken(client, two_events):
    a, _b, roles = two_events
    small = Workshop.objects.get(slot__event=a, capacity=2)
    sign_up(a, small)
    sign_up(a, small)
    client.force_login(roles["organiser_a"])
    client.post(f"/staff/events/{a.slug}/capacity/", {"capacity": 1, "workshop": small.pk})
    assert reload(small).capacity == 2


def test_a_capacity_whose_audit_entry_fails_is_not_changed(client, two_events, monkeypatch):
    """The change and its audit entry are one transaction: no change the log does not show."""
    a, _b, roles = two_events
    small = Workshop.objects.get(slot__event=a, capacity=2)

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", broken)
    client.force_login(roles["organiser_a"])
    with pytest.raises(RuntimeError):
        client.post(f"/staff/events/{a.slug}/capacity/", {"capacity": 5, "workshop": small.pk})
    assert reload(small).capacity == 2


def test_a_refused_capacity_is_explained_next_to_the_field_with_her_entry_kept(client, two_events):
    a, _b, roles = two_events
    small = Workshop.objects.filter(slot__event=a).first()
    Workshop.objects.filter(pk=small.pk).update(capacity=2, seats_taken=2)
    client.force_login(roles["organiser_a"])
    response = client.post(f"/staff/events/{a.slug}/capacity/", {"capacity": 1, "workshop": small.pk})
    page = response.content.decode()
    assert response.status_code == 200
    error = page.split('id="id_capacity_error"', 1)[1][:300]
    assert "(2)" in error  # "cannot be lower than the places taken (2)", under the field
    assert 'name="capacity" value="1"' in page or 'value="1"' in page.split('name="capacity"', 1)[1][:200]
    assert (
        client.post(f"/staff/events/{a.slug}/capacity/", {"capacity": 2, "workshop": "x"}).status_code == 200
    )


def test_a_walk_in_is_registered_and_told_even_after_sign_up_closed(client, two_events):
    a, _b, roles = two_events
    type(a).objects.filter(pk=a.pk).update(registration_closes_at=timezone.now() - timedelta(hours=1))
    workshop = Workshop.objects.filter(slot__event=a).first()
    client.force_login(roles["organiser_a"])
    response = client.post(
        f"/staff/events/{a.slug}/walk-in/",
        {
            "name": "Rana Saleh",
            "email": "rana@example.org",
            "language": "ar",
            "privacy_informed": "on",
            f"slot_{workshop.slot_id}": workshop.pk,
            "child_ages": "",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(email="rana@example.org")
    assert registration.status == Registration.Status.CONFIRMED
    assert OutboxMessage.objects.filter(to="rana@example.org", kind="registration_confirmed").exists()
    assert registration.log.filter(actor=roles["organiser_a"]).exists()


def test_viewing_a_registration_is_audited_without_its_sensitive_values(client, two_events):
    a, _b, roles = two_events
    registration = sign_up(a, accessibility_needs="Rollstuhl", accessibility_consent=True)
    client.force_login(roles["organiser_a"])
    assert (
        "Rollstuhl" in client.get(f"/staff/events/{a.slug}/participants/{registration.pk}/").content.decode()
    )
    entry = AuditEntry.objects.get(action="view_registration")
    assert "Rollstuhl" not in str(entry.detail)


def test_hostile_names_are_shown_inert(client, two_events):
    a, _b, roles = two_events
    sign_up(a, name="<script>alert(1)</script>")
    client.force_login(roles["organiser_a"])
    content = client.get(f"/staff/events/{a.slug}/participants/").content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_the_list_filters_by_workshop_status_childcare_and_search(client, two_events):
    a, _b, roles = two_events
    one, two = Workshop.objects.filter(slot__event=a).order_by("pk")
    ChildcareGroup.objects.create(event=a, min_age=0, max_age=10, capacity=10)
    sign_up(a, one, name="Amal Haddad", child_ages=[3])
    sign_up(a, two, name="Olena Kovalenko", interpreting_language="uk")
    client.force_login(roles["organiser_a"])
    url = f"/staff/events/{a.slug}/participants/"
    assert "Olena" not in client.get(url, {"workshop": one.pk}).content.decode()
    assert "Amal" not in client.get(url, {"childcare": "no"}).content.decode()
    assert "Amal" not in client.get(url, {"interpreting": "uk"}).content.decode()
    assert "Olena" not in client.get(url, {"q": "hadd"}).content.decode()


def make_registrations(event, count: int) -> None:
    """Bulk rows (no services): enough for query-count tests at scale."""
    workshops = list(Workshop.objects.filter(slot__event=event))
    group = ChildcareGroup.objects.get_or_create(
        event=event, min_age=0, max_age=10, defaults={"capacity": 10000}
    )[0]
    now = timezone.now()
    start = Registration.objects.count()
    rows = Registration.objects.bulk_create(
        Registration(
            event=event,
            status="confirmed" if n % 5 else "waitlisted",
            name=f"P {start + n}",
            email=f"bulk{start + n}@example.org",
            language="ar",
            privacy_consent_at=now,
            privacy_notice_version="x",
            interpreting_language="ar" if n % 3 == 0 else "",
        )
        for n in range(count)
    )
    Booking.objects.bulk_create(
        Booking(
            registration=r,
            workshop=workshops[n % len(workshops)],
            slot_id=workshops[n % len(workshops)].slot_id,
            status="confirmed" if r.status == "confirmed" else "waitlisted",
        )
        for n, r in enumerate(rows)
    )
    Child.objects.bulk_create(Child(registration=r, age=4, group=group) for r in rows[::4])


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dashboard_and_list_make_a_constant_number_of_queries_with_5000_registrations(client, two_events):
    a, _b, roles = two_events
    Workshop.objects.filter(slot__event=a).update(capacity=10000)
    client.force_login(roles["organiser_a"])
    make_registrations(a, 10)
    urls = [f"/staff/events/{a.slug}/", f"/staff/events/{a.slug}/participants/"]
    few = [count_queries(client, url) for url in urls]
    make_registrations(a, 5000)
    assert [count_queries(client, url) for url in urls] == few
    assert few[0] <= 15 and few[1] <= 15


def test_roles_are_given_in_the_admin_and_the_audit_log_cannot_be_edited(client, two_events):
    _a, _b, roles = two_events
    client.force_login(roles["admin"])
    assert client.get("/admin/backoffice/eventrole/add/").status_code == 200
    assert client.get("/admin/backoffice/auditentry/").status_code == 200
    assert client.get("/admin/backoffice/auditentry/add/").status_code == 403


@pytest.mark.parametrize("value", ["abc", "²", "-1", "1e3", "9" * 40, ""])
def test_a_garbled_row_id_in_a_staff_action_is_a_404_not_a_500(client, two_events, value):
    a, _b, roles = two_events
    registration = sign_up(a)
    client.force_login(roles["organiser_a"])
    base = f"/staff/events/{a.slug}/participants/{registration.pk}"
    assert client.post(f"{base}/move/", {"workshop": value}).status_code == 404
    assert client.post(f"{base}/confirm-workshop/", {"booking": value}).status_code == 404
