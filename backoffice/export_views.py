"""Organisers' exports of one event: organisers only, and every download is written to the audit log."""

from django.http import Http404
from django.shortcuts import render

from backoffice import exports
from backoffice.downloads import audited_download, organisers_only
from config.ids import parse_id
from fachtag.models import Workshop

WRITERS = {"csv": exports.to_csv, "xlsx": exports.to_xlsx}
LISTS = {
    "participants": exports.participants,
    "childcare": exports.childcare,
    "interpreting": exports.interpreting,
}
PDFS = {"attendance": exports.attendance_pdf, "badges": exports.badges_pdf}


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
    return audited_download(
        request, event, content, filename=f"{export.filename}.{fmt}", kind=f"{name}.{fmt}", **detail
    )


@organisers_only
def pdf(request, event, *, name: str):
    content = PDFS[name](event)
    return audited_download(request, event, content, filename=f"{event.slug}-{name}.pdf", kind=f"{name}.pdf")
