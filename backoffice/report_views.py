"""The event's report for the coordination body: organisers only, figures only."""

from django.shortcuts import render

from backoffice import report
from backoffice.export_views import organisers_only


@organisers_only
def report_page(request, event):
    return render(request, "backoffice/report/report.html", {"event": event, "report": report.build(event)})
