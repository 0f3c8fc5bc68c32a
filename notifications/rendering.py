"""Rendering a message in the recipient's language from templates/emails/<kind>.{subject.txt,txt,html}."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation


@dataclass
class RenderedMessage:
    subject: str
    text: str
    html: str
    to: str

    def as_email(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            self.subject,
            self.text,
            settings.DEFAULT_FROM_EMAIL,
            [self.to],
            reply_to=[settings.ORGANISER_EMAIL],
        )
        message.attach_alternative(self.html, "text/html")
        return message

    def send_with(self, connection=None) -> None:
        (connection or get_connection()).send_messages([self.as_email()])


def render(kind: str, *, language: str, to: str, context: dict) -> RenderedMessage:
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
        )
