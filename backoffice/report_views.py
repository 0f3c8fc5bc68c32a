"""The event's report for the coordination body: organisers only, figures only. Downloads are audited."""

from django.shortcuts import render

from backoffice import exports, report
from backoffice.downloads import audited_download, organisers_only


@organisers_only
def report_page(request, event):
    return render(request, "backoffice/report/report.html", {"event": event, "report": report.build(event)})


@organisers_only
def report_xlsx(request, event):
    content = exports.to_xlsx(report.to_export(report.build(event)))
    return audited_download(request, event, content, filename=f"{event.slug}-report.xlsx", kind="report.xlsx")


@organisers_only
def report_pdf(request, event):
    content = report.to_pdf(event)
    return audited_download(request, event, content, filename=f"{event.slug}-report.pdf", kind="report.pdf")
