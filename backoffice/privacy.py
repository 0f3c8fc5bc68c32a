"""Data-subject requests handled by organisers: export everything held about one person, or erase her.

"The person" is every registration with her e-mail address (or her account) in the events this organiser
may organise; the audit log records the request with registration ids only, never her data.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice import access, audit
from registrations.services import privacy


def _person(request, slug: str, registration_id: int):
    """The event, the registration asked about, and all of her registrations this organiser may see."""
    event = access.event_or_404(request.user, slug)
    item = access.registration_or_404(event, registration_id)
    organised = access.events_for(request.user, roles=(access.ORGANISER,))
    return event, item, privacy.registrations_of_person(item, events=organised)


@login_required
def export(request, slug: str, registration_id: int):
    event, item, registrations = _person(request, slug, registration_id)
    data = privacy.export_person(registrations)
    audit.record(
        request,
        "export_personal_data",
        event=event,
        registration=item,
        registrations=[r.pk for r in registrations],
    )
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="personal-data-{item.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def erase(request, slug: str, registration_id: int):
    event, item, registrations = _person(request, slug, registration_id)
    if request.method == "POST" and request.POST.get("confirm") == "erase":
        ids = [r.pk for r in registrations]
        privacy.erase_person(registration_ids=ids, now=timezone.now(), actor=request.user)
        audit.record(request, "erase_personal_data", event=event, registration=item, registrations=ids)
        messages.success(
            request,
            _("Her personal data is erased; her places have been offered to the waiting lists."),
        )
        return redirect("backoffice:registration", slug=event.slug, registration_id=item.pk)
    return render(
        request,
        "backoffice/privacy_erase.html",
        {
            "event": event,
            "item": item,
            "registrations": registrations,
            "anonymised": privacy.is_anonymised(item),
            "missing_confirmation": request.method == "POST",
        },
    )
