"""The organisers' back office: dashboard, participants, actions. Every view gets its event from
backoffice.access (404 for events she has no rights for) and records what it changes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from backoffice import access, audit, checklist, selectors
from backoffice import announcements as announcement_service
from backoffice.downloads import organisers_only
from backoffice.forms import AnnouncementForm, CapacityForm, ParticipantFilterForm, WalkInForm
from backoffice.models import Announcement, AuditEntry
from backoffice.registration_views import participant_sort, sort_columns
from config.ids import parse_id
from fachtag.languages import interpreting_language_label
from fachtag.models import Event, Workshop
from notifications import outbox
from notifications import selectors as outbox_selectors
from pages.constants import PRIVACY_NOTICE_VERSION
from registrations import services
from registrations.errors import RegistrationError
from registrations.models import Registration
from registrations.qr import qr_svg
from registrations.selectors import programme


@login_required
def index(request):
    if not access.works_in_staff_area(request.user):
        raise Http404  # the mail queue's figures are for staff only
    events = access.events_for(request.user).order_by("-starts_at")
    # One query for all her events (the `organises` tag would ask once per event).
    organised = set(access.events_for(request.user, roles=(access.ORGANISER,)).values_list("pk", flat=True))
    mail = outbox_selectors.queue_status()
    context = {
        "events": events,
        "organised": organised,
        "mail": mail,
        "mail_stuck": mail.is_stuck(timezone.now()),
        "may_resend": request.user.has_perm(RESEND_PERMISSION),
    }
    return render(request, "backoffice/index.html", context)


# Global administrators have it, and whoever they give it to.
RESEND_PERMISSION = "notifications.resend_outboxmessage"


def _may_resend_or_404(request) -> None:
    """The failed messages name recipients of every event: only for those who may send them again."""
    if not request.user.has_perm(RESEND_PERMISSION):
        raise Http404


@login_required
def mail_queue(request):
    """The mail queue: its figures and the messages given up on, with their error."""
    _may_resend_or_404(request)
    mail = outbox_selectors.queue_status()
    return render(
        request,
        "backoffice/mail_queue.html",
        {
            "mail": mail,
            "mail_stuck": mail.is_stuck(timezone.now()),
            "failed": outbox_selectors.failed_messages(),
        },
    )


@login_required
@require_POST
def mail_resend(request):
    """Send every failed message again (e.g. after the relay's refusal was fixed)."""
    _may_resend_or_404(request)
    ids = outbox.retry_failed()
    audit.record(request, "mail_resend", messages=len(ids))
    if ids:
        messages.success(
            request,
            ngettext(
                "%(count)d message is being sent again.", "%(count)d messages are being sent again.", len(ids)
            )
            % {"count": len(ids)},
        )
    else:
        messages.info(request, _("There were no failed messages to send again."))
    return redirect("backoffice:mail_queue")


@login_required
def dashboard(request, slug: str):
    event = access.event_or_404(request.user, slug)
    per_language, per_workshop = selectors.interpreting_figures(event)
    days = selectors.signups_per_day(event)
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "event": event,
            "counts": selectors.status_counts(event),
            "workshops": selectors.workshop_figures(event),
            "childcare": selectors.childcare_figures(event),
            "per_language": per_language,
            "missing_interpreters": [
                interpreting_language_label(row["interpreting_language"])
                for row in per_language
                if not row["arranged"]
            ],
            "per_workshop": per_workshop,
            "days": days,
            "max_day": max((day["n"] for day in days), default=1),
            # The checklist before publishing, while the event is a draft.
            "items": checklist.checklist(event) if event.status == Event.Status.DRAFT else None,
        },
    )


@login_required
def participants(request, slug: str):
    event = access.event_or_404(request.user, slug)
    workshops = selectors.event_workshops(event)
    form = ParticipantFilterForm(request.GET or None, workshops=workshops)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    sort = participant_sort(request.GET.get("sort", ""))
    rows = selectors.participants(event, **filters, sort=sort)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/participants.html",
        {
            "event": event,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(filters),
            "sort": sort,
            "columns": sort_columns(request.GET, sort),
        },
    )


@login_required
def registration(request, slug: str, registration_id: int):
    event = access.event_or_404(request.user, slug)
    try:
        item = selectors.registration_detail(event, registration_id)
    except Registration.DoesNotExist:
        raise Http404 from None
    audit.record(request, "view_registration", event=event, registration=item)
    workshops = selectors.event_workshops(event, parallel_only=True)
    return render(
        request,
        "backoffice/registration.html",
        {
            "event": event,
            "item": item,
            "workshops": workshops,
            "audit": AuditEntry.objects.filter(registration_id=item.pk).select_related("actor")[:50],
        },
    )


def _registration_or_404(request, slug, registration_id):
    event = access.event_or_404(request.user, slug)
    return event, access.registration_or_404(event, registration_id)


def _act(request, event, item, action: str, call, success: str):
    try:
        call()
    except RegistrationError as exc:
        messages.error(request, exc.staff_message)
    else:
        audit.record(request, action, event=event, registration=item)
        messages.success(request, success)
    return redirect("backoffice:registration", slug=event.slug, registration_id=item.pk)


@login_required
@require_POST
def cancel(request, slug: str, registration_id: int):
    event, item = _registration_or_404(request, slug, registration_id)
    return _act(
        request,
        event,
        item,
        "cancel",
        lambda: services.cancel(registration_id=item.pk, now=timezone.now(), actor=request.user),
        _("The registration is cancelled; she has been told and the place is offered on."),
    )


@login_required
@require_POST
def confirm(request, slug: str, registration_id: int):
    event, item = _registration_or_404(request, slug, registration_id)
    return _act(
        request,
        event,
        item,
        "confirm_from_waitlist",
        lambda: services.confirm_from_waitlist(
            registration_id=item.pk, actor=request.user, now=timezone.now()
        ),
        _("She is confirmed and has been told."),
    )


def _posted_id(request, name: str) -> int:
    """A row id from the form; 0 (which matches nothing) for anything that is not one (config.ids)."""
    return parse_id(request.POST.get(name, "")) or 0


@login_required
@require_POST
def confirm_wish(request, slug: str, registration_id: int):
    event, item = _registration_or_404(request, slug, registration_id)
    booking = item.bookings.filter(pk=_posted_id(request, "booking")).first()
    if booking is None:
        raise Http404
    return _act(
        request,
        event,
        item,
        "confirm_workshop",
        lambda: services.confirm_workshop_wish(booking_id=booking.pk, actor=request.user, now=timezone.now()),
        _("She has the workshop seat and has been told."),
    )


@login_required
@require_POST
def move(request, slug: str, registration_id: int):
    event, item = _registration_or_404(request, slug, registration_id)
    workshop = (
        Workshop.objects.filter(slot__event=event, pk=_posted_id(request, "workshop"))
        .select_related("slot")
        .first()
    )
    if workshop is None:
        raise Http404
    return _act(
        request,
        event,
        item,
        "move",
        lambda: services.change_workshop(
            registration_id=item.pk,
            slot_id=workshop.slot_id,
            workshop_id=workshop.pk,
            waitlist_ok=False,
            now=timezone.now(),
            actor=request.user,
        ),
        _("She is moved to the workshop and has been told."),
    )


@login_required
@require_POST
def replace_links(request, slug: str, registration_id: int):
    event, item = _registration_or_404(request, slug, registration_id)
    sent = services.replace_links(registration_id=item.pk, actor=request.user, now=timezone.now())
    audit.record(request, "replace_links", event=event, registration=item, sent=sent)
    if sent:
        messages.success(request, _("Her old links no longer work; she has been sent a new one."))
    else:
        messages.success(request, _("Her old links no longer work."))
    return redirect("backoffice:registration", slug=event.slug, registration_id=item.pk)


@login_required
def capacity(request, slug: str):
    event = access.event_or_404(request.user, slug)
    form = CapacityForm(request.POST or None, event=event, workshops=selectors.workshop_figures(event))
    if request.method == "POST" and form.is_valid():
        workshop_id, new_capacity = form.cleaned_data["workshop"], form.cleaned_data["capacity"]
        try:
            with transaction.atomic():  # the change and its audit entry together, or neither
                services.set_capacity(
                    event_id=event.pk,
                    workshop_id=workshop_id,
                    capacity=new_capacity,
                    actor=request.user,
                    now=timezone.now(),
                )
                audit.record(request, "capacity", event=event, workshop=workshop_id, capacity=new_capacity)
        except RegistrationError as exc:
            form.add_error("capacity", exc.staff_message)
        else:
            messages.success(
                request, _("The capacity is changed; free places are offered to the waiting list.")
            )
            return redirect("backoffice:dashboard", slug=slug)
    return render(request, "backoffice/capacity.html", {"event": event, "form": form})


@login_required
def walk_in(request, slug: str):
    event = access.event_or_404(request.user, slug)
    if event.status != Event.Status.PUBLISHED:  # a draft or cancelled event takes no one
        raise Http404
    form = WalkInForm(
        request.POST or None, event=event, programme=programme(event), initial={"language": "de"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        applicant = services.Applicant(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            language=data["language"],
            interpreting_language=data.get("interpreting_language", ""),
            child_ages=data.get("child_ages") or [],
            childcare_notes=data.get("childcare_notes", ""),
        )
        try:
            result = services.register(
                event_id=event.pk,
                applicant=applicant,
                workshop_ids=form.chosen_workshops(),
                privacy_notice_version=PRIVACY_NOTICE_VERSION,
                actor=request.user,
            )
        except RegistrationError as exc:
            form.add_error(None, exc.staff_message)
        else:
            audit.record(
                request, "walk_in", event=event, registration=result.registration, created=result.created
            )
            if not result.created:
                messages.warning(request, _("This address is registered already: here is her registration."))
                return redirect("backoffice:registration", slug=slug, registration_id=result.registration.pk)
            return redirect("backoffice:walk_in_done", slug=slug, registration_id=result.registration.pk)
    return render(request, "backoffice/walk_in.html", {"event": event, "form": form})


@organisers_only
def walk_in_done(request, event, registration_id: int):
    """Her registration made at the door: her check-in code and QR code on screen, to show or print for her."""
    registration = access.registration_or_404(event, registration_id)
    return render(
        request,
        "backoffice/walk_in_done.html",
        # segno's SVG of a signed token and our translated title (escaped by segno): no input of anyone's.
        {"event": event, "registration": registration, "qr": mark_safe(qr_svg(registration).decode())},  # noqa: S308
    )


@login_required
def announcements(request, slug: str):
    event = access.event_or_404(request.user, slug)
    workshops = selectors.event_workshops(event)
    form = AnnouncementForm(request.POST or None, workshops=workshops)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = Announcement(
            event=event,
            audience=data["audience"],
            subject=data["subject"],
            body=data["body"],
            workshop=workshops.filter(pk=data["workshop"]).first() if data["workshop"] else None,
            translations=form.translations(),
            created_by=request.user,
        )
        if "send" in request.POST:
            draft.save()
            count = announcement_service.queue(draft)
            audit.record(request, "announcement", event=event, announcement=draft.pk, recipients=count)
            messages.success(request, _("The message is on its way to %(count)d people.") % {"count": count})
            return redirect("backoffice:announcements", slug=slug)
        preview = {
            "count": announcement_service.recipients(draft).count(),
            "texts": [(code, *draft.text_for(code)) for code, _name in settings.LANGUAGES],
        }
    sent = list(Announcement.objects.filter(event=event).select_related("created_by", "workshop"))
    delivery = announcement_service.delivery(sent)
    return render(
        request,
        "backoffice/announcements.html",
        {
            "event": event,
            "form": form,
            "preview": preview,
            "sent": [(a, delivery.get(a.pk, {})) for a in sent],
        },
    )
