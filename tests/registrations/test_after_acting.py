"""What she reads after acting: a message on the page she lands on, offers she can take from the top of her
page or straight from the mail, and mails that restate what she asked for, in her language."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from fachtag.models import ChildcareGroup
from notifications.models import OutboxMessage
from notifications.rendering import render
from registrations import services
from registrations.models import Booking, Child, Registration
from registrations.tokens import make_token, registration_from_token
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory
from tests.registrations.helpers import reload, sign_up

pytestmark = pytest.mark.django_db

UTC, BERLIN = ZoneInfo("UTC"), ZoneInfo("Europe/Berlin")


@pytest.fixture
def event():
    event = EventFactory(capacity=50, has_childcare=True, starts_at=timezone.now() + timedelta(days=30))
    ChildcareGroup.objects.create(event=event, min_age=0, max_age=10, capacity=10)
    return event


@pytest.fixture
def slot(event):
    return TimeSlotFactory(event=event)


def status_messages(response) -> list[str]:
    """The texts of the messages at the top of the page (above its heading), in page order."""
    html = response.content.decode()
    top = html.split('<div class="narrow flow site-messages">', 1)
    if len(top) == 1:
        return []
    return re.findall(r'<span class="kern-title">([^<]*)</span>', top[1].split("<h1", 1)[0])


def her_link(path: str) -> Registration:
    """The registration a personal link (/<language>/r/<token>/) opens (tokens carry the time they were made)."""
    return registration_from_token(path.split("/")[3])


def mail(kind: str, to: str):
    message = OutboxMessage.objects.filter(kind=kind, to=to).latest("pk")
    return render(message.kind, language=message.language, to=message.to, context=message.context)


# What she did, said once at the top of the page she lands on, in her language.


def test_saving_another_workshop_says_so_at_the_top(client, slot):
    old, new = WorkshopFactory(slot=slot), WorkshopFactory(slot=slot)
    registration = sign_up(slot.event, old, language="de")
    url = f"/ar/r/{make_token(registration)}/workshops/"
    response = client.post(url, {f"slot_{slot.pk}": str(new.pk), "full_seen": ""}, follow=True)
    assert re.fullmatch(r"/ar/r/[^/]+/", response.redirect_chain[-1][0])  # her page
    assert status_messages(response) == [
        "تم حفظ اختياركم لورشة العمل. أرسلنا إليكم رسالة بالبريد الإلكتروني."
    ]
    assert 'role="status"' in response.content.decode()
    assert reload(registration).bookings.get(status="confirmed").workshop == new


def test_giving_up_the_workshop_says_it_is_cancelled(client, slot):
    workshop = WorkshopFactory(slot=slot)
    registration = sign_up(slot.event, workshop)
    url = f"/de/r/{make_token(registration)}/workshops/"
    response = client.post(url, {f"slot_{slot.pk}": "", "full_seen": ""}, follow=True)
    assert status_messages(response) == [
        "Sie haben den Workshop abgesagt. Wir haben Ihnen eine E-Mail geschickt."
    ]
    assert not registration.bookings.filter(status__in=Booking.ACTIVE).exists()


def test_saving_the_workshop_form_unchanged_says_nothing_changed(client, slot):
    workshop = WorkshopFactory(slot=slot)
    registration = sign_up(slot.event, workshop)
    url = f"/de/r/{make_token(registration)}/workshops/"
    response = client.post(url, {f"slot_{slot.pk}": str(workshop.pk), "full_seen": ""}, follow=True)
    assert status_messages(response) == ["Sie haben nichts geändert."]


def test_changing_childcare_and_cancelling_say_so_once(client, event):
    registration = sign_up(event, child_ages=[3])
    token = make_token(registration)
    response = client.post(
        f"/de/r/{token}/childcare/", {"child_ages": "2, 4", "childcare_notes": ""}, follow=True
    )
    assert status_messages(response) == [
        "Ihre Angaben zur Kinderbetreuung sind gespeichert. Wir haben Ihnen eine E-Mail geschickt."
    ]
    assert sorted(reload(registration).children.values_list("age", flat=True)) == [2, 4]
    response = client.post(f"/de/r/{token}/cancel/", follow=True)
    assert status_messages(response) == [
        "Sie haben Ihre Anmeldung storniert. Wir haben Ihnen eine E-Mail geschickt."
    ]
    assert response.content.decode().count("Sie haben Ihre Anmeldung storniert.") == 1
    # Shown once: the next page is quiet.
    assert status_messages(client.get(f"/de/r/{token}/")) == []


def test_the_cached_form_fields_never_carry_one_visitors_message_or_markers(client, event, settings):
    settings.SIGNUP_FORM_CACHE_SECONDS = 60
    registration = sign_up(event)
    client.post(f"/de/r/{make_token(registration)}/cancel/")  # her message waits in her session
    hers = client.get(f"/de/events/{event.slug}/signup/").content.decode()
    assert "site-messages" in hers  # her own page shows it, once
    # Another visitor: the fields come from the cache, her markers are her own.
    other = Client().get(f"/de/events/{event.slug}/signup/").content.decode()
    assert "site-messages" not in other
    key = re.compile(r'name="submission_key" value="([^"]+)"')
    assert key.search(hers).group(1) != key.search(other).group(1)
    assert 'name="email"' in other and 'name="privacy_consent"' in other


# Offers: a banner at the top of her page, a page with one button behind the mail's link.


@pytest.fixture
def offered(event):
    """She waits for the event's only place; the person holding it cancels: it is offered to her."""
    event.capacity = 1
    event.offer_hours = 48
    event.save()
    leaving = sign_up(event)
    waiting = sign_up(event, language="ar", child_ages=[4])
    services.cancel(registration_id=leaving.pk, now=timezone.now())
    assert reload(waiting).status == Registration.Status.OFFERED
    return waiting


def test_an_open_offer_is_a_banner_at_the_top_of_her_page(client, offered):
    html = client.get(f"/de/r/{make_token(offered)}/").content.decode()
    banner = html.index("offer-banner")
    assert banner < html.index("Ihre Angaben")
    assert re.search(r"Für Sie ist bis zum .* um \d\d:\d\d Uhr ein Platz frei\.", html)
    form = html[banner:].split("</form>", 1)[0]
    assert her_link(re.search(r'action="(/de/r/[^/"]+/)accept/"', form).group(1)) == offered
    assert "Platz annehmen" in form and "kern-btn--primary" in form


def test_the_offer_page_changes_nothing_and_its_button_takes_the_place(client, offered):
    token = make_token(offered)
    response = client.get(f"/ar/r/{token}/offer/")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin" and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert html.count('type="submit"') == 1 and "قبول المكان" in html
    assert reload(offered).status == Registration.Status.OFFERED
    response = client.post(f"/ar/r/{token}/accept/", follow=True)
    assert status_messages(response) == [
        "لقد قبلتم المكان: تم تأكيد مكانكم. أرسلنا إليكم رسالة بالبريد الإلكتروني."
    ]
    assert reload(offered).status == Registration.Status.CONFIRMED
    # Sent twice (a second tap on a slow phone): she is told she has it, no error.
    response = client.post(f"/ar/r/{token}/accept/", follow=True)
    assert status_messages(response) == ["لقد قبلتم هذا العرض بالفعل. لا حاجة لفعل أي شيء آخر."]
    # Opened again later: she is told she has it, no error.
    response = client.get(f"/de/r/{token}/offer/")
    assert response.status_code == 200 and "Dieser Platz gehört schon Ihnen" in response.content.decode()


def test_an_expired_offer_gets_a_clear_page(client, offered, time_machine):
    time_machine.move_to(offered.offer_expires_at + timedelta(minutes=1), tick=False)
    token = make_token(offered)
    response = client.get(f"/de/r/{token}/offer/")
    assert response.status_code == 410
    assert "Dieses Angebot gilt nicht mehr" in response.content.decode()
    response = client.post(f"/de/r/{token}/accept/")
    assert response.status_code == 409
    assert reload(offered).status == Registration.Status.OFFERED  # the sweep lets it lapse


@pytest.mark.parametrize("booking", ["999999", "abc", "²", "99999999999999999999999"])
def test_an_offer_link_naming_no_booking_of_hers_is_not_found(client, offered, booking):
    assert client.get(f"/de/r/{make_token(offered)}/offer/?booking={booking}").status_code == 404


def test_the_offer_mail_states_the_deadline_in_berlin_time_and_links_the_offer_page(offered):
    message = mail("offer_made", offered.email)
    with translation.override("ar"):
        berlin, utc = (
            formats.date_format(moment, "DATE_FORMAT") + f", {moment:%H:%M}"
            for moment in (
                offered.offer_expires_at.astimezone(BERLIN),
                offered.offer_expires_at.astimezone(UTC),
            )
        )
    assert berlin in message.text and berlin in message.html
    assert utc not in message.text
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/ar/r/[^/\s]+/)offer/", message.text)
    assert her_link(link.group(1)) == offered
    assert re.search(rf'<a href="{re.escape(link.group(0))}"[^>]*>قبول المكان</a>', message.html)


def test_a_workshop_offer_names_the_workshop_and_deadline_in_mail_and_banner(client, event, slot):
    event.offer_hours = 24
    event.save()
    workshop = WorkshopFactory(slot=slot, capacity=1, title_de="Bewerbung")
    other = WorkshopFactory(slot=slot, capacity=5, title_de="Anerkennung")
    holder = sign_up(event, workshop)
    waiting = sign_up(event, workshop, language="de")
    booking = waiting.bookings.get()
    assert booking.status == Booking.Status.WAITLISTED
    services.change_workshops(
        registration_id=holder.pk, changes={slot.pk: (other.pk, False)}, now=timezone.now()
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.OFFERED
    deadline = timezone.localtime(booking.offer_expires_at)
    message = mail("workshop_offer_made", waiting.email)
    assert "Im Workshop Bewerbung ist ein Platz für Sie frei geworden" in message.text
    assert f"{deadline:%H:%M}" in message.text
    found = re.search(
        rf"{re.escape(settings.SITE_URL)}((/de/r/[^/\s]+/)offer/\?booking={booking.pk})\s", message.text
    )
    assert her_link(found.group(2)) == waiting
    link = found.group(1)
    html = client.get(f"/de/r/{make_token(waiting)}/").content.decode()
    banner = html[html.index("offer-banner") :].split("</form>", 1)[0]
    assert "Bewerbung" in banner and f'name="booking" value="{booking.pk}"' in banner
    assert "Diesen Platz annehmen" in banner
    assert html.index("offer-banner") < html.index("Ihre Angaben")
    # Her mail's link, then the one button: she has the seat.
    assert client.get(link).status_code == 200
    response = client.post(f"/de/r/{make_token(waiting)}/accept/", {"booking": booking.pk}, follow=True)
    assert status_messages(response) == [
        "Sie haben den Platz im Workshop angenommen. Wir haben Ihnen eine E-Mail geschickt."
    ]
    assert reload(booking).status == Booking.Status.CONFIRMED


# The confirmation restates what she asked for.


def test_the_confirmation_restates_childcare_interpreting_and_that_needs_were_received(event):
    registration = sign_up(
        event,
        language="ar",
        child_ages=[2, 4],
        interpreting_language="fa",
        accessibility_needs="Rollstuhl, Aufzug nötig",
        accessibility_consent=True,
    )
    message = mail("registration_confirmed", registration.email)
    for body in (message.text, message.html):
        assert "رعاية أطفالكم: 2 سنتان, 4 سنوات" in body
        assert "الترجمة الفورية: الفارسية" in body
        assert "لقد استلمنا ما أخبرتمونا به" in body
        assert "Rollstuhl" not in body


def test_a_confirmation_without_requests_has_no_such_list(event):
    registration = sign_up(event, language="de")
    message = mail("registration_confirmed", registration.email)
    assert "Sie haben bei uns angefragt" not in message.text + message.html


# Arabic numbers in sentences use Arabic plural forms.


@pytest.mark.parametrize(
    ("age", "text"), [(1, "1 سنة"), (2, "2 سنتان"), (4, "4 سنوات"), (10, "10 سنوات"), (11, "11 سنة")]
)
def test_a_child_age_in_arabic_uses_the_plural_form_for_its_number(age, text):
    with translation.override("ar"):
        assert str(Child(age=age)) == text


def test_every_arabic_plural_entry_fills_all_six_forms_with_the_number():
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale/ar/LC_MESSAGES/django.po"))
    assert "nplurals=6" in catalogue.metadata["Plural-Forms"]
    for entry in (e for e in catalogue if e.msgid_plural):
        assert sorted(entry.msgstr_plural) == [0, 1, 2, 3, 4, 5], entry.msgid
        assert all(entry.msgstr_plural.values()), entry.msgid
    years = catalogue.find("%(age)d year").msgstr_plural
    assert years[3] != years[1], "3–10 years take the plural سنوات"


# The resend-link form speaks the page's language.


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_resend_link_form_is_in_the_page_language(client, language):
    html = client.post(f"/{language}/link/", {"email": "not-an-address"}).content.decode()
    with translation.override(language):
        label, error = gettext("E-mail address"), gettext("Enter an e-mail address like name@example.de.")
    assert f">{label}" in html and error in html
    if language == "ar":
        assert "E-Mail-Adresse" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    else:
        assert label == "E-Mail-Adresse" and error.startswith("Geben Sie")
