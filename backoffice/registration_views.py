"""Editing a registration's details, and the staff member's own language for the back office."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.services import set_staff_language
from backoffice import access, audit, selectors
from backoffice.forms import RegistrationEditForm, StaffLanguageForm
from registrations import services
from registrations.errors import RegistrationError
from registrations.services.privacy import is_anonymised


@login_required
def registration_edit(request, slug: str, registration_id: int):
    """Correct her name, address, phone or message language, or write staff notes."""
    event = access.event_or_404(request.user, slug)
    item = access.registration_or_404(event, registration_id)
    if is_anonymised(item):  # nothing left to correct, and nothing to put back
        raise Http404
    initial = {field: getattr(item, field) for field in services.EDITABLE_FIELDS}
    form = RegistrationEditForm(request.POST or None, initial=initial, has_address=bool(item.email))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.edit_registration(
                registration_id=item.pk, changes=form.cleaned_data, actor=request.user, now=timezone.now()
            )
        except services.EmailTaken as exc:
            form.add_error("email", exc.message)
        except RegistrationError as exc:
            form.add_error(None, exc.staff_message)
        else:
            if result.changed:
                audit.record(
                    request, "edit_registration", event=event, registration=item, fields=result.changed
                )
            messages.success(request, _edit_message(result))
            return redirect("backoffice:registration", slug=event.slug, registration_id=item.pk)
    return render(request, "backoffice/registration_edit.html", {"event": event, "item": item, "form": form})


def _edit_message(result) -> str:
    if not result.changed:
        return _("Nothing was changed.")
    if result.link_sent:
        return _("The details are saved. Her new address has been sent a new personal link.")
    return _("The details are saved.")


@login_required
@require_POST
def language(request):
    """The back office's language switch: saved on her account, for every staff page from now on."""
    if not access.works_in_staff_area(request.user):
        raise Http404
    form = StaffLanguageForm(request.POST)
    if form.is_valid():
        set_staff_language(user=request.user, language=form.cleaned_data["language"])
    target = request.POST.get("next", "")
    if not target.startswith("/staff/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "backoffice:index"
    return redirect(target)


# --- The participant list's sortable columns -----------------------------------------------------------

SORT_LABELS = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("E-mail address"),
    "status": gettext_lazy("Status"),
    "registered": gettext_lazy("Registered on"),
    "language": gettext_lazy("Language"),
}


def participant_sort(value: str) -> str:
    """The sort asked for in the address, if it is one of the list's ("name", "-name", ...); else by name."""
    return value if value.removeprefix("-") in selectors.PARTICIPANT_SORTS else "name"


def sort_columns(params, sort: str) -> dict[str, dict]:
    """Per sortable column: its header link (the filters kept, back to the first page; sorted by it
    already, the other direction) and its aria-sort value when the list is sorted by it."""
    columns = {}
    for key, label in SORT_LABELS.items():
        query = params.copy()
        query.pop("page", None)
        query["sort"] = f"-{key}" if sort == key else key
        current = sort.removeprefix("-") == key
        columns[key] = {
            "label": label,
            "url": f"?{query.urlencode()}",
            "aria_sort": ("descending" if sort.startswith("-") else "ascending") if current else "",
        }
    return columns
