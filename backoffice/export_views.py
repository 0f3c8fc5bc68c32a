"""Organisers' exports of one event: organisers only, and every download is written to the audit log."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from backoffice import audit, exports
from backoffice.access import event_or_404
from config.ids import parse_id
from fachtag.models import Workshop

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": exports.XLSX_TYPE, "pdf": "application/pdf"}
WRITERS = {"csv": exports.to_csv, "xlsx": exports.to_xlsx}
LISTS = {
    "participants": exports.participants,
    "childcare": exports.childcare,
    "interpreting": exports.interpreting,
}
PDFS = {"attendance": exports.attendance_pdf, "badges": exports.badges_pdf}


def organisers_only(view):
    """Logged in, an organiser of the event in the address (404 otherwise), GET only, never cached."""

    @login_required
    @require_safe
    @never_cache
    @wraps(view)
    def wrapper(request, slug: str, **kwargs):
        return view(request, event_or_404(request.user, slug), **kwargs)

    return wrapper


def _download(request, event, content: bytes, *, filename: str, kind: str, **detail) -> HttpResponse:
    audit.record(request, "export", event=event, kind=kind, **detail)
    response = HttpResponse(content, content_type=CONTENT_TYPES[filename.rsplit(".", 1)[1]])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _workshop(request, event) -> Workshop | None:
    """The workshop in `?workshop=<id>`, which must belong to this event."""
    raw = request.GET.get("workshop", "")
    if not raw:
        return None
    workshop_id = parse_id(raw)
    workshop = exports.workshop_of(event, workshop_id) if workshop_id is not None else None
    if workshop is None:
        raise Http404
    return workshop


@organisers_only
def index(request, event):
    return render(
        request, "backoffice/exports/index.html", {"event": event, "workshops": exports.workshops_of(event)}
    )


@organisers_only
def spreadsheet(request, event, *, name: str, fmt: str):
    detail = {}
    if name == "participants":
        workshop = _workshop(request, event)
        export = exports.participants(event, workshop=workshop)
        if workshop is not None:
            detail["workshop"] = workshop.pk
    else:
        export = LISTS[name](event)
    content = WRITERS[fmt](export)
    return _download(
        request, event, content, filename=f"{export.filename}.{fmt}", kind=f"{name}.{fmt}", **detail
    )


@organisers_only
def pdf(request, event, *, name: str):
    content = PDFS[name](event)
    return _download(request, event, content, filename=f"{event.slug}-{name}.pdf", kind=f"{name}.pdf")
