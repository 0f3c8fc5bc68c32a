"""Setting events up: a new event (global administrators), a copy of an event and its settings (its
organisers). Each view: permission, form, one service call from backoffice.setup, audit entry, redirect."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice import access, audit, setup
from backoffice.setup_forms import ChildcareGroupFormSet, CopyEventForm, NewEventForm, SettingsForm
from fachtag.models import ChildcareGroup, Event
from registrations.errors import Busy

CREATE_PERMISSION = "fachtag.add_event"


@login_required
def event_new(request):
    if not request.user.has_perm(CREATE_PERMISSION):
        raise Http404  # global administrators (and whom they give the right) create events
    form = NewEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = setup.create_event(values=form.cleaned_data, actor=request.user)
        except setup.SetupError as exc:
            _add_error(form, exc)
        else:
            audit.record(request, "event_create", event=event)
            messages.success(request, _("The event is created as a draft."))
            return redirect("backoffice:dashboard", slug=event.slug)
    return render(request, "backoffice/setup/new.html", {"form": form})


@login_required
def event_copy(request, slug: str):
    source = access.event_or_404(request.user, slug)
    form = CopyEventForm(
        request.POST or None, initial=None if request.method == "POST" else copy_suggestion(source)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = setup.copy_event(
                source_id=source.pk,
                new_date=data["new_date"],
                title_de=data["title_de"],
                slug=data["slug"],
                actor=request.user,
            )
        except setup.SetupError as exc:
            _add_error(form, exc)
        else:
            audit.record(request, "event_copy", event=event, source=source.pk)
            messages.success(request, _("The copy is created as a draft. Check its programme and texts."))
            return redirect("backoffice:dashboard", slug=event.slug)
    return render(request, "backoffice/setup/copy.html", {"event": source, "form": form})


def _add_error(form, exc: setup.SetupError) -> None:
    """Next to its field where the form has it, else in the error summary."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def copy_suggestion(source: Event) -> dict:
    """The same day of the year, in the first year still ahead, with the year in title and address moved."""
    old = timezone.localtime(source.starts_at).date()
    today = timezone.localdate()
    year = old.year + 1
    while _same_day(old, year) <= today:
        year += 1
    old_year, new_year = str(old.year), str(year)
    title = source.title_de or ""
    title = title.replace(old_year, new_year) if old_year in title else f"{title} {new_year}".strip()
    base = source.slug.replace(old_year, new_year) if old_year in source.slug else f"{source.slug}-{new_year}"
    return {"new_date": _same_day(old, year), "title_de": title, "slug": _free_slug(base)}


def _same_day(day: date, year: int) -> date:
    return day.replace(year=year, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=year)


def _free_slug(base: str) -> str:
    """The short name, or with -2, -3, … when another event has it."""
    taken = set(Event.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@login_required
def event_settings(request, slug: str):
    event = access.event_or_404(request.user, slug)
    groups = list(ChildcareGroup.objects.filter(event=event).order_by("min_age"))
    data = request.POST if request.method == "POST" else None
    form = SettingsForm(data, instance=event)
    formset = ChildcareGroupFormSet(
        data, prefix="groups", initial=[_group_initial(group) for group in groups]
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        changes = _group_changes(formset)
        try:
            setup.update_settings(event_id=event.pk, values=form.cleaned_data, groups=changes)
        except setup.SetupError as exc:
            _add_error(formset.forms[exc.group] if exc.group is not None else form, exc)
        except Busy as exc:
            form.add_error(None, exc.message)
        else:
            audit.record(
                request, "event_settings", event=event, fields=form.changed_data, groups=len(changes)
            )
            messages.success(request, _("The settings are saved."))
            return redirect("backoffice:event_settings", slug=event.slug)
    rows = list(zip(formset.forms, [*groups, *[None] * len(formset.forms)], strict=False))
    context = {
        "event": event,
        "form": form,
        "formset": formset,
        "rows": rows,
        "has_errors": bool(form.errors or any(f.errors for f in formset.forms) or formset.non_form_errors()),
    }
    return render(request, "backoffice/setup/settings.html", context)


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
