"""The feedback survey of an event in the back office: its state, its window, switching it off.
A Fachtag's for its organisers; a training series' for the mediator-pool managers, like its report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice import access, audit
from backoffice.busy import sent_back
from backoffice.feedback_forms import SurveyWindowForm
from fachtag.models import Event
from feedback import services as feedback
from registrations.errors import Busy


@login_required
def survey_window(request, slug: str):
    event = access.report_event_or_404(request.user, slug)
    state = feedback.survey_state(event, now=timezone.now())
    initial = {"opens_at": state.opens_at, "closes_at": state.closes_at, "is_off": state.is_off}
    form = SurveyWindowForm(request.POST or None, initial=initial, invitations_sent=state.invitations_sent)
    busy = False
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the change and its audit entry together, or neither
                _survey, changed = feedback.set_window(
                    event_id=event.pk, now=timezone.now(), **form.cleaned_data
                )
                audit.record(request, "feedback_window", event=event, fields=changed)
        except feedback.WindowError as exc:
            usable = exc.field in form.fields and not form.fields[exc.field].disabled
            form.add_error(exc.field if usable else None, exc.message)
        except Busy as exc:
            form.add_error(None, exc.staff_message)
            busy = True
        else:
            messages.success(request, _("The feedback survey is saved."))
            return redirect("backoffice:feedback_window", slug=event.slug)
    context = {"event": event, "state": state, "form": form, "series": event.kind == Event.Kind.TRAINING}
    response = render(request, "backoffice/feedback_window.html", context)
    return sent_back(response) if busy else response
