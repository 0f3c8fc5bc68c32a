"""Rendering a message in the recipient's language from templates/emails/<kind>.{subject.txt,txt,html}."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

from notifications import calendar as ics


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
        """The invite as a text/calendar alternative (what calendar clients act on) and as an .ics file.

        Removed entries travel as METHOD:CANCEL: as the main part when nothing else is left, otherwise as
        a second file next to the REQUEST. File names stay ASCII (non-Latin names hurt deliverability).
        """
        attendee = tuple(self.calendar["attendee"])
        parts = []
        if self.calendar["request"]:
            parts.append(
                (
                    "REQUEST",
                    "invite.ics",
                    ics.build(self.calendar["request"], method="REQUEST", attendee=attendee),
                )
            )
        if self.calendar["cancel"]:
            parts.append(
                (
                    "CANCEL",
                    "cancel.ics",
                    ics.build(self.calendar["cancel"], method="CANCEL", attendee=attendee),
                )
            )
        method, _name, main = parts[0]
        message.attach_alternative(main.decode(), f"text/calendar; method={method}")
        for method, name, content in parts:
            message.attach(name, content.decode(), f"text/calendar; method={method}")

    def send_with(self, connection=None) -> None:
        (connection or get_connection()).send_messages([self.as_email()])


def render(kind: str, *, language: str, to: str, context: dict) -> RenderedMessage:
    """Subject, text and HTML in her language; attachments come from the factories the context names
    (dotted paths with keyword arguments, e.g. a certificate PDF), made at sending time."""
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
            calendar=context.get("calendar"),
            headers=_headers(context),
            attachments=[
                import_string(spec["factory"])(**spec["kwargs"]) for spec in context.get("attachments", [])
            ],
        )


def _headers(context: dict) -> dict:
    """One-click unsubscribe (RFC 8058) where the message offers it: it stops reminders, nothing else."""
    path = context.get("unsubscribe_path")
    if not path:
        return {}
    return {
        "List-Unsubscribe": f"<{settings.SITE_URL}{path}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
