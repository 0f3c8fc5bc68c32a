"""Certificates (PDF, WeasyPrint) in her language: her title, dates in her language's format, and Latin text
(addresses, names, German titles) isolated so that an Arabic page does not reorder it.

pypdf reads an Arabic line back in the order it is drawn (right to left): a Latin run that comes back intact
("Martin-Luther-Ring 4–6, 04109 Leipzig", "10:00–11:30") was drawn in its own order.
"""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from backoffice import checkin
from fachtag import pdf
from fachtag.models import Event, TimeSlot
from mediators import certificates
from mediators import services as mediator_services
from mediators.models import Enrolment, MediatorProfile, SessionRecord
from registrations.models import Registration
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db


def pages_of(document: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(document)).pages]


@pytest.fixture
def enrolment():
    event = EventFactory(
        kind=Event.Kind.TRAINING,
        title_de="Fortbildungsreihe Sprachmittlung",
        title_ar="سلسلة التدريب",
        starts_at=berlin(2099, 2, 1, 16, 0),
        ends_at=berlin(2099, 6, 1, 19, 0),
        min_sessions_for_certificate=1,
    )
    slot = TimeSlotFactory(
        event=event,
        kind=TimeSlot.Kind.PLENARY,
        starts_at=berlin(2099, 2, 10, 16),
        ends_at=berlin(2099, 2, 10, 19),
    )
    WorkshopFactory(slot=slot, title_de="Rolle und Schweigepflicht")  # no Arabic title: German on her page
    user = get_user_model().objects.create_user(
        email="samira@example.org", password="x" * 12, first_name="Samira", last_name="Nouri"
    )
    MediatorProfile.objects.create(user=user, language="ar")
    mediator_services.enrol(event_id=event.pk)
    SessionRecord.objects.update(attended=True)
    return Enrolment.objects.select_related("event", "mediator__user").get()


def test_the_arabic_page_of_a_mediators_certificate_has_her_title_arabic_dates_and_isolated_latin_text(
    enrolment, time_machine
):
    time_machine.move_to(berlin(2099, 3, 1, 12, 0))  # the session she attended has taken place
    context = {
        "name": "Samira Nouri",
        "event": enrolment.event,
        "sessions": enrolment.records.all(),
        "count": 1,
    }
    german, arabic = pdf.certificate_pages("mediators/certificate_page.html", ["de", "ar"], context)
    assert "10. Februar 2099" in german and "Fortbildungsreihe Sprachmittlung" in german
    assert 'dir="rtl"' in arabic
    assert "10 فبراير، 2099" in arabic  # Django's Arabic date format, not 10.02.2099
    assert "سلسلة التدريب" in arabic and "Fortbildungsreihe" not in arabic
    assert "<bdi>\u2068Rolle und Schweigepflicht\u2069</bdi>" in arabic
    assert "<bdi>\u2068Samira Nouri\u2069</bdi>" in arabic

    _german_page, arabic_page = pages_of(certificates.certificate_pdf(enrolment))
    assert "Samira Nouri" in arabic_page and "Rolle und Schweigepflicht" in arabic_page
    assert settings.OFFICE_ADDRESS in arabic_page  # Martin-Luther-Ring 4–6, 04109 Leipzig, in order
    assert settings.OFFICE_NAME in arabic_page


def test_the_arabic_page_of_a_participation_certificate_has_her_title_date_and_the_address_in_order():
    event = EventFactory(
        title_de="Fachtag Arbeit",
        title_ar="يوم العمل",
        venue_name="Neues Rathaus, Festsaal",
        venue_address="Martin-Luther-Ring 4–6\r\n04109 Leipzig",
    )
    workshop = WorkshopFactory(slot=TimeSlotFactory(event=event), title_de="Anerkennung")  # 10:00–11:30
    registration = sign_up(event, workshop, name="Amal Haddad", language="ar")
    registration = Registration.objects.select_related("event").get(pk=registration.pk)

    german, arabic = pages_of(checkin.participation_certificate_pdf(registration))
    assert "Fachtag Arbeit" in german and "12. März 2099" in german
    assert "Fachtag Arbeit" not in arabic  # her title, not the German one
    assert "2099" in arabic and "März" not in arabic and "12.03.2099" not in arabic
    assert "Neues Rathaus, Festsaal" in arabic
    assert "Martin-Luther-Ring 4–6\n04109 Leipzig" in arabic
    assert "10:00–11:30" in arabic  # not turned round into 11:30–10:00
    assert "Amal Haddad" in arabic and "Anerkennung" in arabic

    context = {"name": registration.name, "event": event, "bookings": []}
    _german, html = pdf.certificate_pages("backoffice/checkin/certificate_page.html", ["de", "ar"], context)
    assert "يوم العمل" in html and "12 مارس، 2099" in html
    assert "<bdi>\u2068Martin-Luther-Ring 4–6\u2069</bdi><br><bdi>\u206804109 Leipzig\u2069</bdi>" in html


def test_a_name_badge_isolates_her_name_and_organisation_for_weasyprint():
    """WeasyPrint ignores <bdi>: the badge isolates with Unicode marks, and the Latin parts read back whole."""
    from django.template.loader import render_to_string

    from backoffice import exports

    event = EventFactory(title_de="Fachtag Arbeit 2027", capacity=5)
    registration = sign_up(event, name="أمل حداد", organisation="Jobcenter Leipzig-Mitte 2")
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CONFIRMED)
    (text,) = pages_of(exports.badges_pdf(event))
    assert "Jobcenter Leipzig-Mitte 2" in text and "Fachtag Arbeit 2027" in text
    badge = {"name": "أمل حداد", "organisation": "Jobcenter", "dir": "rtl", "long": False}
    source = render_to_string("backoffice/exports/badges.html", {"event": event, "sheets": [[[badge]]]})
    assert "\u2068أمل حداد\u2069" in source and "\u2068Jobcenter\u2069" in source
