"""The event's report for the coordination body: figures only. A Fachtag's for its organisers, a training
series' for the mediator-pool managers. Downloads are audited."""

from django.shortcuts import render

from backoffice import exports, report, series_report
from backoffice.downloads import audited_download, report_readers


@report_readers
def report_page(request, event):
    built = series_report.build_for(event)
    return render(request, "backoffice/report/report.html", {"event": event, "report": built})


@report_readers
def report_xlsx(request, event):
    content = exports.to_xlsx(report.to_export(series_report.build_for(event)))
    return audited_download(request, event, content, filename=f"{event.slug}-report.xlsx", kind="report.xlsx")


@report_readers
def report_pdf(request, event):
    content = series_report.to_pdf(event)
    return audited_download(request, event, content, filename=f"{event.slug}-report.pdf", kind="report.pdf")
