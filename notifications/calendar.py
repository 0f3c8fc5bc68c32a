"""Calendar invites (iCalendar, RFC 5545/5546/6047) built from plain entries, so this layer knows no models.

The shape: every iTIP message (METHOD:REQUEST or CANCEL) carries exactly one VEVENT, so one UID. Outlook
and Gmail act on the first VEVENT of a message only, Thunderbird takes a message with several UIDs for an
import, and a CalDAV server refuses to store one (RFC 4791 §4.1). What one mail says therefore has to fit
one calendar entry:

- A participant's registration is one entry for the day (one UID per registration). Its DESCRIPTION lists
  the workshops she holds a seat in, with times and rooms. Booking, changing or dropping a workshop, an
  organiser cancelling or moving one, a change of the event: a REQUEST of that UID with a higher SEQUENCE,
  which every client applies as an update. Cancelling everything (or losing her place): one CANCEL. So
  she still gets one mail per action, and the entry in her calendar is always the whole truth. Separate
  entries per workshop would need one mail per workshop for every change (a sign-up with three workshops
  = four mails), or would leave clients that read one VEVENT with stale workshops.
- A mediator's training sessions are separate appointments on separate days: each session is its own UID.
  When she is enrolled she gets the schedule mail (an overview, no invite) and one invite mail per
  session. A subscription (the feed) would not do for Outlook and Gmail users: it lands in a separate,
  read-only calendar that Gmail refreshes only every several hours, and the updates and cancellations we
  send per session as invites would then create second copies next to the subscribed ones. With one
  invite per session every later REQUEST or CANCEL finds its entry in her own calendar. The feed stays
  for those who prefer it (and for phones without mail accounts).

Downloads (`.ics`) and feeds are plain calendars (no METHOD): they may hold many UIDs.

An entry is a dict: uid, sequence, start, end (ISO 8601 with offset), summary, description, location,
url (optional), language (optional: given only when summary and description really are in that language,
never for a text that fell back to German), stamp (optional, ISO 8601: the entry's last change, for feeds
and downloads whose bytes must not change between two fetches; an invite is stamped when it is made).
Times are written in Europe/Berlin with a compact VTIMEZONE (yearly rules, no RDATE lists, which Outlook
refuses).
"""

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
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
    vDuration,
    vRecur,
    vText,
)

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Fachtag//Registration//DE"
METHODS = ("REQUEST", "CANCEL")
# How often a subscribed calendar should fetch the feed again (RFC 7986 and the older Microsoft property).
REFRESH = timedelta(hours=6)


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


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add_component(berlin_timezone())
    return calendar


def invite(entry: dict, *, method: str, attendee: tuple[str, str]) -> bytes:
    """An iTIP message about one calendar entry (one UID): REQUEST (new or updated) or CANCEL.

    ORGANIZER is the office's mailbox; the mail comes from DEFAULT_FROM_EMAIL, so ORGANIZER names it
    as SENT-BY when the two differ (clients ignore updates from a sender they cannot tie to the
    organiser). The ATTENDEE is asked for no reply (RSVP=FALSE): there is nothing to accept.
    """
    if method not in METHODS:
        raise ValueError(f"unknown iTIP method {method!r}")
    calendar = _calendar(method)
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    event = _event(entry, stamp=stamp)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("organizer", _organiser())
    email, name = attendee
    person = vCalAddress(f"mailto:{email}")
    person.params.update(
        {"CN": cn(name), "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"}
    )
    event.add("attendee", person)
    calendar.add_component(event)
    return calendar.to_ical()


def publish(entries: list[dict], *, name: str = "") -> bytes:
    """A plain calendar (no METHOD, no ORGANIZER/ATTENDEE) for downloads and feeds, with many UIDs.

    `name` makes it a subscribable feed: its display name (NAME, RFC 7986, and X-WR-CALNAME, which
    Outlook, Google and Apple read) and how often to fetch it again. Every entry carries its own stamp,
    so the same data gives the same bytes.
    """
    calendar = _calendar()
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
    now = timezone.now()
    for entry in entries:
        stamp = datetime.fromisoformat(entry["stamp"]) if entry.get("stamp") else now
        calendar.add_component(_event(entry, stamp=stamp.astimezone(UTC).replace(microsecond=0)))
    return calendar.to_ical()


def cn(name: str) -> str:
    """A name for a CN parameter, shown as written by every reader: a `"` cannot stand inside a quoted
    parameter and its RFC 6868 escape (^') is shown literally by most clients, so `"` and `^` become ';
    a backslash before the parameter's end is taken for an escape by parsers, so it becomes /; line
    breaks become spaces."""
    return " ".join(name.replace('"', "'").replace("^", "'").replace("\\", "/").split())


def _organiser() -> vCalAddress:
    organiser = vCalAddress(f"mailto:{settings.ORGANISER_EMAIL}")
    organiser.params["CN"] = cn(settings.ORGANISER_NAME)
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if sender and sender.lower() != settings.ORGANISER_EMAIL.lower():
        organiser.params["SENT-BY"] = f"mailto:{sender}"
    return organiser


def _event(entry: dict, *, stamp: datetime) -> Event:
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
        event.add("location", vText(entry["location"]))
    if entry.get("url"):
        event.add("url", entry["url"])
    return event
