"""Calendar invites as calendar clients see them: the mails as sent (MIME bytes), each invite read by two
independent parsers, stored in a real CalDAV server (Radicale), and applied by a strict client.

The strict client does what Outlook and Gmail do with an invitation mail: it reads the text/calendar part
of the message body only (never an attachment), takes the one VEVENT in it, keeps a REQUEST whose
SEQUENCE is higher than what it holds for that UID (or a new UID), and removes the entry on a CANCEL.
A message with several UIDs is an error here, as it is for a CalDAV server.
"""

import base64
import email
import hashlib
import uuid
from email import policy
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import vobject
from icalendar import Calendar

from notifications.models import OutboxMessage
from notifications.rendering import render

CALDAV_USER = "fachtag"


def sent_bytes(message: OutboxMessage) -> bytes:
    """The message as it leaves for the mail server (rendered in her language, serialised to MIME)."""
    rendered = render(message.kind, language=message.language, to=message.to, context=message.context)
    return rendered.as_email().message().as_bytes(linesep="\r\n")


def mails_to(address: str, *, after: int = 0) -> list[tuple[int, email.message.EmailMessage]]:
    """(outbox id, parsed mail) of every message to `address` written after outbox id `after`, in order."""
    rows = OutboxMessage.objects.filter(to=address, pk__gt=after).order_by("pk")
    return [(row.pk, email.message_from_bytes(sent_bytes(row), policy=policy.default)) for row in rows]


def body_invite(mail) -> tuple[str, bytes] | None:
    """(METHOD from the Content-Type, bytes) of the text/calendar part inside the message body (the
    multipart/alternative), or None for a mail without an invite."""
    alternative = next((p for p in mail.walk() if p.get_content_type() == "multipart/alternative"), None)
    parts = [] if alternative is None else list(alternative.iter_parts())
    calendars = [p for p in parts if p.get_content_type() == "text/calendar"]
    if not calendars:
        return None
    assert len(calendars) == 1, "one calendar part in the body"
    part = calendars[0]
    assert part["Content-Transfer-Encoding"] in ("base64", "quoted-printable"), "RFC 6047 §2.5: not 8bit"
    return part.get_param("method"), part.get_payload(decode=True)


def read_invite(content: bytes, method: str):
    """The one VEVENT of an iTIP message, read by icalendar and by vobject, which must agree."""
    calendar = Calendar.from_ical(content)
    assert calendar.to_ical() == content  # stable serialisation: nothing read differently than written
    assert str(calendar["METHOD"]) == method
    events = calendar.walk("VEVENT")
    assert len(events) == 1, "exactly one VEVENT (one UID) per iTIP message"
    event = events[0]
    other = vobject.readOne(content.decode())
    assert other.method.value == method
    assert len(other.vevent_list) == 1
    assert other.vevent.uid.value == str(event["UID"])
    assert int(other.vevent.sequence.value) == int(event["SEQUENCE"])
    assert other.vevent.dtstart.value == event["DTSTART"].dt
    assert other.vevent.dtend.value == event["DTEND"].dt
    assert other.vevent.summary.value == str(event["SUMMARY"])
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"
    return event


class CalDAV:
    """A calendar collection per call of collection() on the test Radicale."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        token = base64.b64encode(f"{CALDAV_USER}:-".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}"}

    def _send(self, method: str, url: str, body: bytes | None = None, headers=None) -> int:
        request = Request(url, data=body, method=method, headers={**self.headers, **(headers or {})})  # noqa: S310
        try:
            with urlopen(request, timeout=10) as response:  # noqa: S310 - the test server on loopback
                return response.status
        except HTTPError as error:
            return error.code

    def collection(self) -> str:
        url = f"{self.base_url}/{CALDAV_USER}/{uuid.uuid4().hex}/"
        assert self._send("MKCALENDAR", url) == 201
        return url

    def put(self, collection: str, content: bytes, uid: str) -> int:
        """Store a calendar object under a name made from its UID (as a client does: one resource per UID)."""
        name = hashlib.sha256(uid.encode()).hexdigest()[:32]
        return self._send(
            "PUT", f"{collection}{name}.ics", content, {"Content-Type": "text/calendar; charset=utf-8"}
        )

    def get(self, collection: str, uid: str) -> tuple[int, bytes]:
        name = hashlib.sha256(uid.encode()).hexdigest()[:32]
        request = Request(f"{collection}{name}.ics", headers=self.headers)  # noqa: S310
        try:
            with urlopen(request, timeout=10) as response:  # noqa: S310 - the test server on loopback
                return response.status, response.read()
        except HTTPError as error:
            return error.code, b""


class StrictClient:
    """One person's calendar as a strict client keeps it from her mails: UID -> VEVENT."""

    def __init__(self):
        self.entries = {}

    def apply(self, mail) -> None:
        invite = body_invite(mail)
        if invite is None:
            return
        method, content = invite
        event = read_invite(content, method)
        uid, sequence = str(event["UID"]), int(event["SEQUENCE"])
        held = self.entries.get(uid)
        if method == "CANCEL":
            if held is not None and sequence >= int(held["SEQUENCE"]):
                del self.entries[uid]
        elif held is None or sequence > int(held["SEQUENCE"]):
            self.entries[uid] = event

    def apply_all(self, mails) -> None:
        for _pk, mail in mails:
            self.apply(mail)


def store_all_invites(caldav: CalDAV) -> int:
    """Every invite in the outbox, as sent, read by both parsers and PUT into a fresh calendar collection
    of the CalDAV server, which must accept each (a server refuses several UIDs in one object)."""
    collection = caldav.collection()
    stored = 0
    for row in OutboxMessage.objects.filter(context__has_key="calendar").order_by("pk"):
        mail = email.message_from_bytes(sent_bytes(row), policy=policy.default)
        method, content = body_invite(mail)
        event = read_invite(content, method)
        status = caldav.put(collection, content, str(event["UID"]))
        assert status in (201, 204), (
            f"the CalDAV server refused outbox message {row.pk} ({row.kind}): {status}"
        )
        stored += 1
    return stored
