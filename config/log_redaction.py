"""What never reaches a log line: personal-link tokens and e-mail addresses.

Her personal link (`/r/<token>/…`) opens her data, accessibility needs included, until it expires; so do the
unsubscribe, confirmation, calendar-feed and invitation links and allauth's password-reset and e-mail
confirmation keys. Django's request log ("Not Found: /de/r/<token>/…"), gunicorn's access log (request line,
Referer) and every other line pass through RedactSecrets: the secret part of such a path becomes
`[redacted]`, an e-mail address `[address]`. The LOGGING setting puts the filter on every handler, and
gunicorn.conf.py on gunicorn's (config/gunicorn_logging.py).
"""

import logging
import re

REDACTED = "[redacted]"
# The path segment that is the secret, after one of these prefixes (also URL-encoded, as in `?next=`).
_SLASH = r"(?:/|%2F)"
TOKEN_PATH = re.compile(
    rf"({_SLASH}(?:r|unsubscribe|confirm|feed|feedback|mediators{_SLASH}invitation|accounts{_SLASH}password{_SLASH}reset"
    rf"{_SLASH}key|accounts{_SLASH}confirm-email){_SLASH})(?:%3A|[^/%\s?#\"'<>])+",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.\w{2,}")


def redact(text: str) -> str:
    return EMAIL.sub("[address]", TOKEN_PATH.sub(rf"\1{REDACTED}", text))


class RedactSecrets(logging.Filter):
    """Rewrites the record's message (never drops a record). A handler filter: it sees every record that
    handler writes, its own logger's and those propagated from others."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is left to logging's own error report
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
