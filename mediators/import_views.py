"""Organisers import mediators from a CSV or XLSX file: upload, a preview row by row, then one button that
invites the valid rows. The file never reaches the disk; its rows wait in the session for the preview."""

import io

from django.contrib import messages
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from mediators import imports, services
from mediators.forms import ImportForm
from mediators.views import manages_mediators

SESSION_KEY = "mediator_import"


class MemoryOnlyUpload(FileUploadHandler):
    """Keeps the uploaded file in memory, at most MAX_BYTES + 1 of it, and counts the rest without keeping
    it: Django's own handlers write files over 2.5 MB to a temporary file, and a list of people must not
    land on the disk. The size reported is the real one, so the form refuses a file that is too big."""

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.keep = field_name == "file" and not getattr(self, "taken", False)
        self.taken = True
        self.buffer, self.received = io.BytesIO(), 0

    def receive_data_chunk(self, raw_data, start):
        if self.keep:
            room = imports.MAX_BYTES + 1 - self.buffer.tell()
            if room > 0:
                self.buffer.write(raw_data[:room])
            self.received += len(raw_data)
        return None  # no other handler gets the bytes

    def file_complete(self, file_size):
        if not self.keep:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer, self.field_name, self.file_name, self.content_type, self.received, self.charset
        )


@manages_mediators
@csrf_exempt  # the handlers must be set before anything reads the body; CSRF is checked just below
def staff_import(request):
    request.upload_handlers = [MemoryOnlyUpload(request)]
    return _staff_import(request)


@csrf_protect
def _staff_import(request):
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
        invited = services.import_mediators(table=upload["table"], by_user_id=request.user.pk)
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
