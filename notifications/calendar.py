"""Calendar invites (iCalendar, RFC 5545/5546) built from plain entries, so this layer knows no models.

An entry is a dict: uid, sequence, start, end (ISO 8601 with offset), summary, description, location,
url (optional), language. Times are written in Europe/Berlin with a compact VTIMEZONE (yearly rules, no
RDATE lists, which Outlook refuses).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
    vText,
)

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Fachtag//Registration//DE"


def berlin_timezone() -> Timezone:
    tz = Timezone()
    tz.add("tzid", "Europe/Berlin")
    winter, summer = timedelta(hours=1), timedelta(hours=2)
    for component, name, start, offsets, month in (
        (TimezoneDaylight(), "CEST", datetime(1970, 3, 29, 2, 0), (winter, summer), 3),
        (TimezoneStandard(), "CET", datetime(1970, 10, 25, 3, 0), (summer, winter), 10),
    ):
        component.add("tzname", name)
        component.add("dtstart", start)
        component.add("tzoffsetfrom", offsets[0])
        component.add("tzoffsetto", offsets[1])
        component.add("rrule", vRecur(freq="YEARLY", bymonth=month, byday="-1SU"))
        tz.add_component(component)
    return tz


def build(entries: list[dict], *, method: str | None, attendee: tuple[str, str] | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per entry.

    method REQUEST or CANCEL makes an iTIP message (ORGANIZER = the office's mailbox, ATTENDEE with
    RSVP=FALSE); None makes a plain calendar file for downloads and feeds (no ORGANIZER/ATTENDEE).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add_component(berlin_timezone())
    stamp = timezone.now().astimezone(ZoneInfo("UTC")).replace(microsecond=0)
    for entry in entries:
        calendar.add_component(_event(entry, stamp=stamp, method=method, attendee=attendee))
    return calendar.to_ical()


def _event(entry: dict, *, stamp, method, attendee) -> Event:
    event = Event()
    event.add("uid", entry["uid"])
    event.add("dtstamp", stamp)
    event.add("sequence", int(entry["sequence"]))
    event.add("dtstart", datetime.fromisoformat(entry["start"]).astimezone(BERLIN))
    event.add("dtend", datetime.fromisoformat(entry["end"]).astimezone(BERLIN))
    language = {"LANGUAGE": entry["language"]} if entry.get("language") else {}
    event.add("summary", vText(entry["summary"]), parameters=language)
    if entry.get("description"):
        event.add("description", vText(entry["description"]), parameters=language)
    if entry.get("location"):
        event.add("location", vText(entry["location"]), parameters=language)
    if entry.get("url"):
        event.add("url", entry["url"])
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    elif method:
        event.add("status", "CONFIRMED")
    if method:
        organiser = vCalAddress(f"mailto:{settings.ORGANISER_EMAIL}")
        organiser.params["CN"] = vText(settings.ORGANISER_NAME)
        event.add("organizer", organiser)
        if attendee:
            email, name = attendee
            person = vCalAddress(f"mailto:{email}")
            person.params.update(
                {"CN": vText(name), "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"}
            )
            event.add("attendee", person)
    return event
