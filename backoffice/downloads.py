"""What the organisers' read-only pages share (the lists, the report, a walk-in's code on screen): who may open
them, and the audited file download."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache

from backoffice import audit, exports
from backoffice.access import event_or_404, report_event_or_404

SAFE = ("GET", "HEAD")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": exports.XLSX_TYPE, "pdf": "application/pdf"}


def organisers_only(view, *, find=event_or_404):
    """Logged in and an organiser of the event in the address (404 otherwise, whatever the method: no one
    else learns the page exists), then GET only; never cached. The view gets the event, not its slug."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request, slug: str, **kwargs):
        event = find(request.user, slug)
        if request.method not in SAFE:
            return HttpResponseNotAllowed(SAFE)
        return view(request, event, **kwargs)

    return wrapper


def report_readers(view):
    """As organisers_only, but a training series' report opens to the mediator-pool managers instead
    (access.report_event_or_404)."""
    return organisers_only(view, find=report_event_or_404)


def audited_download(request, event, content: bytes, *, filename: str, kind: str, **detail) -> HttpResponse:
    """The file as an attachment, its content type from its ending; written to the audit log as an export."""
    audit.record(request, "export", event=event, kind=kind, **detail)
    response = HttpResponse(content, content_type=CONTENT_TYPES[filename.rsplit(".", 1)[1]])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
