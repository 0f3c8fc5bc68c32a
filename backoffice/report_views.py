"""The event's report for the coordination body: organisers only, figures only. Downloads are audited."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from backoffice import audit, exports, report
from backoffice.access import event_or_404

SAFE = ("GET", "HEAD")


def organisers_only(view):
    """Logged in and an organiser of the event in the address (404 otherwise, whatever the method: no one
    else learns the page exists), then GET only; never cached."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request, slug: str, **kwargs):
        event = event_or_404(request.user, slug)
        if request.method not in SAFE:
            return HttpResponseNotAllowed(SAFE)
        return view(request, event, **kwargs)

    return wrapper


def _download(request, event, content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    audit.record(request, "export", event=event, kind=filename.rsplit("-", 1)[-1])
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@organisers_only
def report_page(request, event):
    return render(request, "backoffice/report/report.html", {"event": event, "report": report.build(event)})


@organisers_only
def report_xlsx(request, event):
    content = exports.to_xlsx(report.to_export(report.build(event)))
    return _download(
        request, event, content, filename=f"{event.slug}-report.xlsx", content_type=exports.XLSX_TYPE
    )


@organisers_only
def report_pdf(request, event):
    content = report.to_pdf(event)
    return _download(
        request, event, content, filename=f"{event.slug}-report.pdf", content_type="application/pdf"
    )
