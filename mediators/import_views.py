"""Organisers import mediators from a CSV or XLSX file: upload, a preview row by row, then one button that
invites the valid rows. The file is not stored: Django keeps an upload of up to FILE_UPLOAD_MAX_MEMORY_SIZE
in memory (more than imports.MAX_BYTES allows), and only the rows' columns the import reads wait in the
session for the preview."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from mediators import audit, imports, services
from mediators.forms import ImportForm
from mediators.views import manages_mediators

SESSION_KEY = "mediator_import"


@manages_mediators
def staff_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = {"table": form.table, "name": form.cleaned_data["file"].name}
        return redirect("mediators-staff:import_preview")
    return render(request, "mediators/staff_import.html", {"form": form})


@manages_mediators
def staff_import_preview(request):
    upload = request.session.get(SESSION_KEY)
    if not upload:
        return redirect("mediators-staff:import")
    if request.method == "POST":
        with transaction.atomic():
            invited = services.import_mediators(table=upload["table"], by_user_id=request.user.pk)
            if invited:
                audit.record(
                    request,
                    "mediator_import",
                    profiles=[profile.pk for profile in invited],
                    rows=len(upload["table"]) - 1,
                )
        del request.session[SESSION_KEY]
        messages.success(
            request,
            ngettext("%(count)d mediator invited.", "%(count)d mediators invited.", len(invited))
            % {"count": len(invited)},
        )
        return redirect("mediators-staff:pool")
    rows = services.check_import(upload["table"])
    counts = {outcome: sum(row["outcome"] == outcome for row in rows) for outcome in imports.OUTCOMES}
    return render(
        request,
        "mediators/staff_import_preview.html",
        {"rows": rows, "name": upload["name"], "counts": counts},
    )
