"""Log lines an operator can search: time, level, logger and the request's id on every line.

Plain text by default, one JSON object a line with `LOG_FORMAT=json` (for a log collector). The request id comes
from the TLS proxy's `X-Request-ID` when it sends a sane one (deploy/Caddyfile does), else a new one; it is sent back
in the response's `X-Request-ID` and written into gunicorn's access log, so one request's lines can be found
together. Celery tasks log the task id in its place.
"""

import contextvars
import json
import logging
import re
import uuid

_request_id = contextvars.ContextVar("request_id", default="-")
SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if SANE_ID.fullmatch(offered) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


def set_request_id(value: str):
    """For code outside a request (a Celery task): the id its log lines carry until reset()."""
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, level: str, json_lines: bool) -> dict:
    """The LOGGING setting: everything to standard error through one handler."""
    formatter = {"()": JsonFormatter} if json_lines else {"format": PLAIN_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        # Personal-link tokens and e-mail addresses never reach a log line (config/log_redaction.py; gunicorn's
        # own logs through gunicorn.conf.py).
        "filters": {
            "request_id": {"()": RequestIdFilter},
            "redact_secrets": {"()": "config.log_redaction.RedactSecrets"},
        },
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_id", "redact_secrets"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers (its console one writes with DEBUG on) go: its records reach ours.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            # runserver's request lines (Django sends them to a handler of their own otherwise).
            "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # PDF rendering is chatty at INFO.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
