"""The back office's mail queue in Chromium: failed messages with their error, at 320 px in de and ar, and
"send failed messages again" submitted through the production middleware (CSRF with the browser's Origin)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from backoffice.models import AuditEntry
from notifications.models import OutboxMessage
from tests.browser_support import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG_ERROR = "SMTPRecipientsRefused: {'a.very.long.address.of.someone@subdomain.example.org': (550, b'5.1.1 Mailbox unavailable')}"


def test_an_administrator_sees_failed_messages_and_sends_them_again(page, live_server):
    admin = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    for n, error in enumerate([LONG_ERROR, "ImportError: Module 'registrations.qr' has no attribute 'gone'"]):
        OutboxMessage.objects.create(
            key=f"failed-{n}",
            kind="registration_confirmed",
            to=f"a.very.long.address.of.someone.number{n}@subdomain.example.org",
            language="ar",
            failed_at=timezone.now(),
            attempts=1,
            last_error=error,
        )
    client = Client()
    client.force_login(admin)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 320, "height": 740})
    for language, direction in (("ar", "rtl"), ("de", "ltr")):
        # The back office speaks the staff member's own language (User.language), not the language cookie.
        get_user_model().objects.filter(pk=admin.pk).update(language=language)
        page.goto(f"{live_server.url}/staff/mail/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == direction
        assert page.locator("tbody tr").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), language
        assert axe_violations(page) == []

    page.get_by_role("button", name="Fehlgeschlagene Nachrichten erneut senden").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/staff/mail/"
    assert page.locator(".kern-alert--success").count() == 1
    assert page.locator("tbody tr").count() == 1  # "no message has failed"
    assert not OutboxMessage.objects.filter(failed_at__isnull=False).exists()
    assert AuditEntry.objects.get(action="mail_resend").detail == {"messages": 2}
    assert page.csp_errors == [] and page.foreign_requests == []
