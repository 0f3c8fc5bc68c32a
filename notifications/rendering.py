"""Rendering a message in the recipient's language from templates/emails/<kind>.{subject.txt,txt,html}."""

from dataclasses import dataclass, field
from email import charset

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from notifications import attachments
from notifications import calendar as ics

QUOTED_UTF8 = charset.Charset("utf-8")
QUOTED_UTF8.body_encoding = charset.QP
ATTACHMENT_NAMES = {"REQUEST": "invite.ics", "CANCEL": "cancel.ics"}


@dataclass
class RenderedMessage:
    subject: str
    text: str
    html: str
    to: str
    calendar: dict | None = None
    headers: dict = field(default_factory=dict)
    attachments: list = field(default_factory=list)

    def as_email(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            self.subject,
            self.text,
            settings.DEFAULT_FROM_EMAIL,
            [self.to],
            reply_to=[settings.ORGANISER_EMAIL],
            headers=self.headers,
        )
        message.attach_alternative(self.html, "text/html")
        if self.calendar:
            self._attach_calendar(message)
        for filename, content, mimetype in self.attachments:
            message.attach(filename, content, mimetype)
        return message

    def _attach_calendar(self, message: EmailMultiAlternatives) -> None:
        """The invite as the text/calendar alternative with its METHOD on the Content-Type (the part
        Outlook and Gmail act on) and, the same bytes, as an application/ics file for clients that
        only offer attachments. File names stay ASCII (non-Latin names hurt deliverability).

        RFC 6047 §2.5: no 8bit transfer encoding for the calendar; Django sends UTF-8 text parts as
        8bit, so a message with an invite gets a UTF-8 charset that quotes its text parts printable.
        """
        method = self.calendar["method"]
        content = ics.invite(self.calendar["entry"], method=method, attendee=tuple(self.calendar["attendee"]))
        message.encoding = QUOTED_UTF8
        message.attach_alternative(content.decode(), f"text/calendar; method={method}")
        message.attach(ATTACHMENT_NAMES[method], content, "application/ics")


def render(kind: str, *, language: str, to: str, context: dict) -> RenderedMessage:
    """Subject, text and HTML in her language; the attachments the context names (notifications.attachments,
    e.g. a certificate PDF) are made at sending time."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE  # German is the fallback of every message
    with translation.override(language):
        full = {
            **context,
            "site_url": settings.SITE_URL,
            "language": language,
            "language_bidi": translation.get_language_bidi(),
        }
        subject = " ".join(render_to_string(f"emails/{kind}.subject.txt", full).split())
        return RenderedMessage(
            subject=subject,
            text=render_to_string(f"emails/{kind}.txt", full),
            html=render_to_string(f"emails/{kind}.html", full),
            to=to,
            calendar=_calendar(context.get("calendar")),
            headers=_headers(context),
            attachments=[attachments.make(spec) for spec in context.get("attachments", [])],
        )


def _calendar(calendar: dict | None) -> dict | None:
    """The invite a message carries: {"method", "entry", "attendee"}. A message written before invites
    held one entry each ({"request": [...], "cancel": [...]}) sends its first entry, so it still applies."""
    if not calendar or "method" in calendar:
        return calendar or None
    method = "REQUEST" if calendar.get("request") else "CANCEL"
    entries = calendar.get("request") or calendar.get("cancel")
    return {"method": method, "entry": entries[0], "attendee": calendar["attendee"]} if entries else None


def _headers(context: dict) -> dict:
    """One-click unsubscribe (RFC 8058) where the message offers it: it stops reminders, nothing else."""
    path = context.get("unsubscribe_path")
    if not path:
        return {}
    return {
        "List-Unsubscribe": f"<{settings.SITE_URL}{path}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
