"""Setting events up: a new event (global administrators), a copy of an event and its settings (its
organisers). Each view: permission, form, one service call from backoffice.setup, audit entry, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from backoffice import access, audit, setup
from backoffice.busy import sent_back
from backoffice.setup_forms import ChildcareGroupFormSet, CopyEventForm, NewEventForm, SettingsForm
from fachtag.models import ChildcareGroup
from registrations.errors import Busy

CREATE_PERMISSION = "fachtag.add_event"


@login_required
def event_new(request):
    if not request.user.has_perm(CREATE_PERMISSION):
        raise Http404  # global administrators (and whom they give the right) create events
    form = NewEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the event and its audit entry together, or neither
                event = setup.create_event(values=form.cleaned_data, actor=request.user)
                audit.record(request, "event_create", event=event)
        except setup.SetupError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The event is created as a draft."))
            return redirect("backoffice:dashboard", slug=event.slug)
    return render(request, "backoffice/setup/new.html", {"form": form})


@login_required
def event_copy(request, slug: str):
    source = access.event_or_404(request.user, slug)
    form = CopyEventForm(
        request.POST or None, initial=None if request.method == "POST" else setup.copy_suggestion(source)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # the copy and its audit entry together, or neither
                event = setup.copy_event(
                    source_id=source.pk,
                    new_date=data["new_date"],
                    title_de=data["title_de"],
                    slug=data["slug"],
                    actor=request.user,
                )
                audit.record(request, "event_copy", event=event, source=source.pk)
        except setup.SetupError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The copy is created as a draft. Check its programme and texts."))
            return redirect("backoffice:dashboard", slug=event.slug)
    return render(request, "backoffice/setup/copy.html", {"event": source, "form": form})


def _add_error(form, exc: setup.SetupError) -> None:
    """Next to its field where the form has it, else in the error summary."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def event_settings(request, slug: str):
    event = access.event_or_404(request.user, slug)
    groups = setup.childcare_groups(event)
    data = request.POST if request.method == "POST" else None
    form = SettingsForm(data, instance=event)
    formset = ChildcareGroupFormSet(
        data, prefix="groups", initial=[_group_initial(group) for group in groups]
    )
    busy = False
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        changes = _group_changes(formset)
        try:
            with transaction.atomic():  # the change and its audit entry together, or neither
                setup.update_settings(event_id=event.pk, values=form.cleaned_data, groups=changes)
                audit.record(
                    request, "event_settings", event=event, fields=form.changed_data, groups=len(changes)
                )
        except setup.SetupError as exc:
            _add_error(formset.forms[exc.group] if exc.group is not None else form, exc)
        except Busy as exc:
            form.add_error(None, exc.staff_message)
            busy = True
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("backoffice:event_settings", slug=event.slug)
    rows = list(zip(formset.forms, [*groups, *[None] * len(formset.forms)], strict=False))
    context = {
        "event": event,
        "form": form,
        "formset": formset,
        "rows": rows,
        "has_errors": bool(form.errors or formset.total_error_count()),
    }
    response = render(request, "backoffice/setup/settings.html", context)
    return sent_back(response) if busy else response


def _group_initial(group: ChildcareGroup) -> dict:
    return {
        "group_id": group.pk,
        "min_age": group.min_age,
        "max_age": group.max_age,
        "capacity": group.capacity,
    }


def _group_changes(formset) -> list[setup.GroupChange]:
    """The rows she filled in or changed (the empty row left empty adds nothing)."""
    changes = []
    for index, row in enumerate(formset.forms):
        data = row.cleaned_data
        if not data or (not data.get("group_id") and data.get("remove")):
            continue
        changes.append(
            setup.GroupChange(
                index=index,
                group_id=data.get("group_id"),
                min_age=data["min_age"],
                max_age=data["max_age"],
                capacity=data["capacity"],
                remove=data.get("remove", False),
            )
        )
    return changes
