"""Importing mediators in Chromium through the production middleware (#24, H8): an organiser uploads a
list with good and bad rows, sees the preview with each row's errors, and invites the good ones; every
page axe clean and without horizontal scrolling at 320 px, in German and in Arabic."""

import pytest
from django.contrib.auth import get_user_model

from accounts.services import set_staff_language
from backoffice.models import AuditEntry
from mediators.models import MediatorProfile
from notifications.models import OutboxMessage
from tests.browser_support import axe_violations, log_in, open_form, submit
from tests.factories import mediator_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIST = (
    "\ufeffName;E-Mail;Sprachen;Nachrichtensprache;Telefon\n"
    "Leyla Demir;leyla.demir@example.org;Arabisch, Persisch;Arabisch;+49 341 1234567\n"
    "Olena Koval;olena(at)example.org;uk;uk;\n"
    "Samira Haddad;samira@example.org;Klingonisch;ar;\n"
    "Bestehende Kollegin;pool@example.org;ar;ar;\n"
    "Leyla D.;LEYLA.DEMIR@example.org;ar;ar;\n"
    "Mina Rahimi;mina.rahimi.mit.einer.sehr.langen.adresse@beratungsstelle-beispiel.example.org;fa, prs;fa;\n"
)


def scrolls_at_320(page) -> bool:
    page.set_viewport_size({"width": 320, "height": 800})
    wider = page.evaluate("document.documentElement.scrollWidth") > 320
    page.set_viewport_size({"width": 1280, "height": 900})
    return wider


def test_an_organiser_imports_a_list_with_good_and_bad_rows(page, live_server):
    organiser = mediator_manager("office@example.org")
    MediatorProfile.objects.create(
        user=get_user_model().objects.create_user(email="pool@example.org", password="x" * 12), language="ar"
    )
    log_in(page, live_server, organiser)
    pool = f"{live_server.url}/staff/mediators/"

    # In Arabic first: the upload page and, after a file without an e-mail column, its error.
    set_staff_language(user=organiser, language="ar")
    open_form(page, pool)
    with page.expect_navigation():
        page.click("a[href='/staff/mediators/import/']")
    assert page.url == f"{pool}import/"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert axe_violations(page) == [] and not scrolls_at_320(page)
    page.set_input_files(
        "#id_file", files=[{"name": "liste.csv", "mimeType": "text/csv", "buffer": b"Name;Adresse\nA;B\n"}]
    )
    submit(page, "#form button[type=submit]")
    summary = page.locator(".error-summary a")
    assert summary.count() == 1 and summary.get_attribute("href") == "#id_file"
    assert "e-mail" in page.locator("#id_file_error").inner_text()
    assert axe_violations(page) == [] and not scrolls_at_320(page)

    # The real list; its preview in Arabic, then in German.
    files = [{"name": "Mittlerinnen.csv", "mimeType": "text/csv", "buffer": LIST.encode()}]
    page.set_input_files("#id_file", files=files)
    submit(page, "#form button[type=submit]")
    assert page.url == f"{pool}import/preview/"
    assert "لغة غير معروفة: Klingonisch" in page.locator("#row-4").inner_text()
    assert axe_violations(page) == [] and not scrolls_at_320(page)

    set_staff_language(user=organiser, language="de")
    open_form(page, f"{pool}import/preview/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    rows = {line: page.locator(f"#row-{line}").inner_text() for line in range(2, 8)}
    assert "Wird eingeladen" in rows[2] and "Arabisch, Persisch" in rows[2]
    assert "Geben Sie eine E-Mail-Adresse wie name@example.org an." in rows[3]
    assert "Unbekannte Sprache: Klingonisch" in rows[4]
    assert "Schon im Pool" in rows[5]
    assert "Dieselbe Adresse steht schon in Zeile 2." in rows[6]
    assert "Wird eingeladen" in rows[7]
    assert page.locator("#count-invite").inner_text() == "2"
    assert page.locator("#count-error").inner_text() == "3"
    assert axe_violations(page) == [] and not scrolls_at_320(page)
    assert not get_user_model().objects.filter(email="samira@example.org").exists()

    submit(page, "#form button[type=submit]")
    assert page.url == pool
    assert "2 Mittler:innen eingeladen." in page.locator("main").inner_text()
    invited = MediatorProfile.objects.filter(invited_at__isnull=False).select_related("user")
    assert {profile.user.email: (profile.languages, profile.language) for profile in invited} == {
        "leyla.demir@example.org": (["ar", "fa"], "ar"),
        "mina.rahimi.mit.einer.sehr.langen.adresse@beratungsstelle-beispiel.example.org": (
            ["fa", "prs"],
            "fa",
        ),
    }
    assert OutboxMessage.objects.filter(kind="mediator_invitation").count() == 2
    (entry,) = AuditEntry.objects.all()  # the organiser and the ids of those invited, nothing else (#25, H16)
    assert (entry.actor, entry.action, sorted(entry.detail["profiles"])) == (
        organiser,
        "mediator_import",
        sorted(profile.pk for profile in invited),
    )
    open_form(page, f"{pool}import/")  # the upload page in German too
    assert page.locator("html").get_attribute("lang") == "de"
    assert axe_violations(page) == [] and not scrolls_at_320(page)
    assert page.foreign_requests == [] and page.csp_errors == []
