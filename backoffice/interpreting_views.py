"""The dashboard's interpreting buttons: an organiser marks a requested language as covered by an interpreter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from backoffice import access, audit
from backoffice.forms import InterpreterForm
from backoffice.interpreting import set_interpreter_arranged
from fachtag.languages import interpreting_language_label
from registrations.errors import Busy


@login_required
def interpreter(request, slug: str):
    """POST only, for the event's organisers (404 for anyone else, whatever the method); back to the table."""
    event = access.event_or_404(request.user, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = InterpreterForm(request.POST)
    back = redirect(reverse("backoffice:dashboard", kwargs={"slug": event.slug}) + "#interpreting")
    if not form.is_valid():
        messages.error(request, _("Choose a language from the interpreting table."))
        return back
    language, arranged = form.cleaned_data["language"], form.cleaned_data["arranged"]
    try:
        with transaction.atomic():  # the change and its audit entry together, or neither
            if set_interpreter_arranged(event_id=event.pk, language=language, arranged=arranged):
                audit.record(
                    request,
                    "interpreter_arranged" if arranged else "interpreter_removed",
                    event=event,
                    language=language,
                )
    except Busy as exc:
        messages.error(request, exc.staff_message)
        return back
    name = interpreting_language_label(language)
    if arranged:
        messages.success(
            request, _("An interpreter for %(language)s is marked as arranged.") % {"language": name}
        )
    else:
        messages.success(
            request, _("%(language)s is marked as still without an interpreter.") % {"language": name}
        )
    return back
