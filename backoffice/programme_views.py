"""The programme on one page: the day's time slots with their workshops, edited in place.

Every form on the page posts to its own address here; a change goes through one service of
registrations.services.programme and its audit entry is written in the same transaction, so a refused or
failed change leaves nothing behind. A form with errors comes back in place on the whole page, opened,
with her entries and the error next to the field.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from backoffice import access, audit, selectors
from backoffice.busy import sent_back
from backoffice.programme_forms import SlotForm, WorkshopEditForm, WorkshopForm
from fachtag.models import Event, TimeSlot, Workshop
from registrations.errors import Busy, RegistrationError
from registrations.models import Booking
from registrations.services import programme as service

NEW_SLOT = "new-slot"


def _event_or_404(request, slug: str) -> Event:
    """Her event, if she organises it; a training series' sessions are planned on its series page."""
    event = access.event_or_404(request.user, slug)
    if event.kind != Event.Kind.FACHTAG:
        raise Http404
    return event


def _slot_or_404(event: Event, slot_id: int) -> TimeSlot:
    return get_object_or_404(TimeSlot, event=event, pk=slot_id)


def _workshop_or_404(event: Event, workshop_id: int) -> Workshop:
    return get_object_or_404(Workshop.objects.select_related("slot"), slot__event=event, pk=workshop_id)


def _signup_begun(event: Event) -> bool:
    opens = event.registration_opens_at
    return event.seats_taken > 0 or (
        event.status != Event.Status.DRAFT and (opens is None or opens <= timezone.now())
    )


def _page(request, event: Event, *, bound: tuple[str, object] | None = None):
    """The whole page; `bound` is (prefix, form) of a form sent back with errors, shown in its place."""
    key, sent = bound or (None, None)

    def form(prefix, make):
        return sent if prefix == key else make(prefix)

    context = {
        "event": event,
        "rows": _slot_rows(event, form),
        "new_slot": form(NEW_SLOT, lambda p: SlotForm(event=event, prefix=p, initial={"kind": "parallel"})),
        "bound_key": key,
        "form": sent,  # the error summary and the page title speak of the form sent back
        "signup_begun": _signup_begun(event),
    }
    return render(request, "backoffice/programme/page.html", context)


def _slot_rows(event: Event, form) -> list[dict]:
    """Each time slot in time order with its workshops (and their figures) in their order, and the forms
    beside them; `form(prefix, make)` gives the form sent back for its prefix, or makes a fresh one."""
    slots = list(TimeSlot.objects.filter(event=event).order_by("starts_at", "pk"))
    figures = selectors.workshop_figures(event)  # one query, whatever the number of registrations
    rows = []
    for slot in slots:
        workshops = sorted((w for w in figures if w.slot_id == slot.pk), key=lambda w: (w.position, w.pk))
        edit = [
            (w, form(f"workshop-{w.pk}", lambda p, w=w: WorkshopEditForm(slots=slots, workshop=w, prefix=p)))
            for w in workshops
        ]
        rows.append(
            {
                "slot": slot,
                "form": form(f"slot-{slot.pk}", lambda p, s=slot: SlotForm(event=event, slot=s, prefix=p)),
                "add": form(f"add-{slot.pk}", lambda p, s=slot: WorkshopForm(slot=s, prefix=p)),
                "workshops": edit,
            }
        )
    return rows


def _back(event: Event, anchor: str):
    return redirect(reverse("backoffice:programme", kwargs={"slug": event.slug}) + f"#{anchor}")


def _save(request, event: Event, key: str, form, change, success: str):
    """Validate, then run `change(form)` and its audit entry in one transaction. `change` returns (action,
    audit detail, anchor to return to). A refusal goes next to its field, the form comes back in place."""
    if form.is_valid():
        try:
            with transaction.atomic():
                action, detail, anchor = change(form)
                audit.record(request, action, event=event, **detail)
        except service.ProgrammeRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except Busy as exc:  # the event is locked too long by others: sent back to send again (CAP-08)
            form.add_error(None, exc.staff_message)
            return sent_back(_page(request, event, bound=(key, form)))
        except RegistrationError as exc:
            form.add_error(None, exc.staff_message)
        else:
            messages.success(request, success)
            return _back(event, anchor)
    return _page(request, event, bound=(key, form))


@login_required
def programme(request, slug: str):
    return _page(request, _event_or_404(request, slug))


@login_required
@require_POST
def slot_add(request, slug: str):
    event = _event_or_404(request, slug)

    def change(form):
        slot = service.add_slot(event_id=event.pk, details=form.details())
        return "programme_slot_add", {"slot": slot.pk}, f"slot-{slot.pk}"

    form = SlotForm(request.POST, event=event, prefix=NEW_SLOT)
    return _save(request, event, NEW_SLOT, form, change, _("The time slot is added."))


@login_required
@require_POST
def slot_edit(request, slug: str, slot_id: int):
    event = _event_or_404(request, slug)
    slot = _slot_or_404(event, slot_id)

    def change(form):
        changed = service.edit_slot(slot_id=slot.pk, details=form.details(), actor=request.user)
        return "programme_slot_edit", {"slot": slot.pk, "fields": changed}, f"slot-{slot.pk}"

    key = f"slot-{slot.pk}"
    form = SlotForm(request.POST, event=event, slot=slot, prefix=key)
    return _save(request, event, key, form, change, _("The time slot is saved."))


@login_required
@require_POST
def slot_remove(request, slug: str, slot_id: int):
    event = _event_or_404(request, slug)
    slot = _slot_or_404(event, slot_id)
    try:
        with transaction.atomic():
            service.remove_slot(slot_id=slot.pk)
            audit.record(request, "programme_slot_remove", event=event, slot=slot_id)
    except RegistrationError as exc:
        messages.error(request, exc.staff_message)
        return _back(event, f"slot-{slot_id}")
    messages.success(request, _("The time slot is removed."))
    return _back(event, "new-slot")


@login_required
@require_POST
def workshop_add(request, slug: str, slot_id: int):
    event = _event_or_404(request, slug)
    slot = _slot_or_404(event, slot_id)

    def change(form):
        workshop = service.add_workshop(slot_id=slot.pk, details=form.details())
        return "programme_workshop_add", {"workshop": workshop.pk}, f"workshop-{workshop.pk}"

    key = f"add-{slot.pk}"
    form = WorkshopForm(request.POST, slot=slot, prefix=key)
    return _save(request, event, key, form, change, _("The workshop is added."))


@login_required
@require_POST
def workshop_edit(request, slug: str, workshop_id: int):
    event = _event_or_404(request, slug)
    workshop = _workshop_or_404(event, workshop_id)
    slots = list(TimeSlot.objects.filter(event=event).order_by("starts_at", "pk"))

    def change(form):
        changed = service.edit_workshop(
            workshop_id=workshop.pk,
            slot_id=form.cleaned_data["slot"],
            details=form.details(),
            actor=request.user,
            now=timezone.now(),
        )
        return (
            "programme_workshop_edit",
            {"workshop": workshop.pk, "fields": changed},
            f"workshop-{workshop.pk}",
        )

    key = f"workshop-{workshop.pk}"
    form = WorkshopEditForm(request.POST, slots=slots, workshop=workshop, prefix=key)
    return _save(request, event, key, form, change, _("The workshop is saved."))


@login_required
@require_POST
def workshop_order(request, slug: str, workshop_id: int):
    """The up and down buttons beside a workshop."""
    event = _event_or_404(request, slug)
    workshop = _workshop_or_404(event, workshop_id)
    step = {"up": -1, "down": 1}.get(request.POST.get("step"))
    if step is None:
        raise Http404
    try:
        with transaction.atomic():
            if service.reorder_workshop(workshop_id=workshop.pk, step=step):
                audit.record(
                    request, "programme_workshop_order", event=event, workshop=workshop.pk, step=step
                )
    except RegistrationError as exc:
        messages.error(request, exc.staff_message)
    return _back(event, f"workshop-{workshop.pk}")


@login_required
def workshop_cancel(request, slug: str, workshop_id: int):
    """A confirmation page saying who is told; its button cancels the workshop (cancel_workshop)."""
    event = _event_or_404(request, slug)
    workshop = _workshop_or_404(event, workshop_id)
    if workshop.is_cancelled:
        messages.info(request, _("This workshop is cancelled already."))
        return _back(event, f"workshop-{workshop.pk}")
    if request.method == "POST":
        try:
            with transaction.atomic():
                told = service.cancel_workshop(
                    workshop_id=workshop.pk, now=timezone.now(), actor=request.user
                )
                audit.record(
                    request, "programme_workshop_cancel", event=event, workshop=workshop.pk, told=told
                )
        except RegistrationError as exc:
            messages.error(request, exc.staff_message)
        else:
            messages.success(
                request,
                ngettext(
                    "The workshop is cancelled; %(count)d person seated in it has been told.",
                    "The workshop is cancelled; %(count)d people seated in it have been told.",
                    told,
                )
                % {"count": told},
            )
        return _back(event, f"workshop-{workshop.pk}")
    counts = Booking.objects.filter(workshop=workshop).aggregate(
        seated=Count("pk", filter=Q(status=Booking.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status__in=(Booking.Status.WAITLISTED, Booking.Status.OFFERED))),
    )
    return render(
        request, "backoffice/programme/cancel.html", {"event": event, "workshop": workshop, **counts}
    )
