"""Check-in on the day: her QR code or short code, the door staff's page (scan, type or search), undoing a
check-in made by mistake, and the certificate of participation for those who came.

The QR code holds a signed token (CHECKIN_SALT), not a link: whoever scans it learns nothing, and it does
not open her manage page. The short code (registrations.codes) is what she reads out when the QR code
cannot be scanned. Check-in is open in the event's window (services.check_in_open); outside it only an
organiser of the event checks someone in, "anyway". Door staff (EventRole CHECKIN) and organisers of the event use these pages;
everyone else gets a 404 from backoffice.access.
"""

import logging

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from backoffice import access, audit
from backoffice.access import CHECKIN, ORGANISER
from fachtag import pdf
from fachtag.models import Event
from registrations import codes, services
from registrations.errors import RegistrationError
from registrations.models import Booking, Registration
from registrations.ratelimit import too_many
from registrations.tokens import CHECKIN_SALT, BadToken, registration_from_token

logger = logging.getLogger(__name__)

ROLES = (ORGANISER, CHECKIN)
SEARCH_LIMIT = 20
CODE_LOOKUPS_PER_MINUTE = 60


# --- Reads ---------------------------------------------------------------------------------------------


def search(event: Event, name: str) -> QuerySet[Registration]:
    """Registrations of the event that hold a place or wait for one, whose name contains `name`."""
    return Registration.objects.filter(
        event=event, status__in=Registration.ACTIVE, name__icontains=name.strip()
    ).order_by("name", "pk")


def arrival_counts(event: Event) -> dict:
    """How many have arrived, of how many who hold a place."""
    return Registration.objects.filter(event=event).aggregate(
        arrived=Count("pk", filter=Q(checked_in_at__isnull=False)),
        expected=Count("pk", filter=Q(status__in=Registration.HOLDING)),
    )


def confirmed_bookings(registration: Registration) -> QuerySet[Booking]:
    return (
        registration.bookings.filter(status=Booking.Status.CONFIRMED)
        .select_related("workshop", "slot")
        .order_by("slot__starts_at", "pk")
    )


# --- Check-in (the service is registrations'; here: who may) -------------------------------------------


def _allowed(registration_id: int, by, roles=ROLES) -> None:
    allowed = access.events_for(by, roles=roles)
    if not Registration.objects.filter(pk=registration_id, event__in=allowed).exists():
        raise Registration.DoesNotExist


def check_in(
    *, registration_id: int, by, now, anyway: bool = False, outside_window: bool = False
) -> tuple[Registration, bool]:
    """services.check_in, for door staff or an organiser of her event (`by`; Registration.DoesNotExist
    for anyone else); outside the check-in window (outside_window) only for an organiser of her event.
    The caller records the audit entry (audit.record needs the request) in the same transaction.
    Raises CheckInRefused, CheckInClosed, Busy."""
    _allowed(registration_id, by, roles=(ORGANISER,) if outside_window else ROLES)
    registration, first_time = services.check_in(
        registration_id=registration_id, now=now, anyway=anyway, outside_window=outside_window
    )
    if first_time:
        logger.info("Registration %s checked in by user %s", registration.pk, by.pk)
    return registration, first_time


def undo_check_in(*, registration_id: int, by) -> tuple[Registration, bool]:
    """services.undo_check_in, for door staff or an organiser of her event (Registration.DoesNotExist for
    anyone else). The caller records the audit entry in the same transaction. Raises Busy."""
    _allowed(registration_id, by)
    registration, undone = services.undo_check_in(registration_id=registration_id)
    if undone:
        logger.info("Check-in of registration %s undone by user %s", registration.pk, by.pk)
    return registration, undone


# --- Certificate ---------------------------------------------------------------------------------------


def participation_certificate_pdf(registration: Registration) -> bytes:
    """Her certificate of participation: a German page, and one in her language if that is not German."""
    event = registration.event
    languages = ["de"] if registration.language == "de" else ["de", registration.language]
    bookings = list(confirmed_bookings(registration))
    context = {
        "name": registration.name,
        # Title, date and workshop titles are read on each page, under that page's language: hers on hers.
        "event": event,
        "bookings": bookings,
    }
    pages = pdf.certificate_pages("backoffice/checkin/certificate_page.html", languages, context)
    return pdf.render_pdf("backoffice/checkin/certificate.html", {"pages": pages})


# --- Forms ---------------------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=500,
        help_text=gettext_lazy(
            "The 8 characters under her QR code (for example K7PM-3XQA), or the code in the QR code."
        ),
        error_messages={"required": gettext_lazy("Scan the QR code or type the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, event: Event, limited: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.limited = limited
        self.registration = None

    def clean_code(self):
        if self.limited:
            raise ValidationError(
                _("Too many codes in one minute. Please wait a moment, then scan again."), code="limited"
            )
        # Typed by hand: her short code (case, spaces, dashes and look-alike characters forgiven).
        if codes.normalise(self.cleaned_data["code"]) is not None:
            registration = services.registration_for_code(
                event_id=self.event.pk, typed=self.cleaned_data["code"]
            )
            if registration is None:
                raise ValidationError(
                    _(
                        "No registration for this event has this code. Check the 8 characters, or search by name."
                    ),
                    code="unknown",
                )
            self.registration = registration
            return self.cleaned_data["code"]
        # A scanner may add a line break or spaces; the token itself has none.
        code = "".join(self.cleaned_data["code"].split())
        try:
            registration = registration_from_token(code, salt=CHECKIN_SALT)
        except BadToken:
            raise ValidationError(
                _("This code is not valid. Scan it again, or search by name."), code="invalid"
            ) from None
        if registration.event_id != self.event.pk:
            raise ValidationError(_("This code is for another event."), code="other_event")
        self.registration = registration
        return code


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name"),
        min_length=2,
        max_length=150,
        help_text=gettext_lazy("At least two letters. Registered and waiting participants are found."),
        error_messages={
            "required": gettext_lazy("Enter at least two letters of her name."),
            "min_length": gettext_lazy("Enter at least two letters of her name."),
        },
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


# --- Views ---------------------------------------------------------------------------------------------


def _event(request, slug: str) -> Event:
    return access.event_or_404(request.user, slug, roles=ROLES)


def _start_page(request, event: Event, code_form: CodeForm, search_form: SearchForm, status: int = 200):
    results, more = None, False
    if search_form.is_bound and search_form.is_valid():
        found = list(search(event, search_form.cleaned_data["q"])[: SEARCH_LIMIT + 1])
        results, more = found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT
    return render(
        request,
        "backoffice/checkin/index.html",
        {
            "event": event,
            "code_form": code_form,
            "search_form": search_form,
            "results": results,
            "more": more,
            "search_limit": SEARCH_LIMIT,
            "counts": arrival_counts(event),
        },
        status=status,
    )


def _result_page(request, event: Event, registration: Registration, *, outcome: str = "", error: str = ""):
    is_open = services.check_in_open(event, timezone.now())
    return render(
        request,
        "backoffice/checkin/result.html",
        {
            "event": event,
            "registration": registration,
            "bookings": confirmed_bookings(registration),
            "children": registration.children.all(),
            "outcome": outcome,
            "error": error,
            "window": services.check_in_window(event),
            "window_open": is_open,
            # Outside the window only an organiser checks in (anyway); door staff are told to ask one.
            "may_check_in_closed": not is_open and access.can_organise(request.user, event),
        },
    )


def _check_in(request, event: Event, registration: Registration, *, anyway: bool, outside_window: bool):
    """Check her in, record it, and show the result (rendered: a reload only repeats a harmless check-in)."""
    outcome, error = "", ""
    try:
        with transaction.atomic():
            registration, first_time = check_in(
                registration_id=registration.pk,
                by=request.user,
                now=timezone.now(),
                anyway=anyway,
                outside_window=outside_window,
            )
            if first_time:
                closed = outside_window and not services.check_in_open(event, registration.checked_in_at)
                audit.record(
                    request,
                    "check_in_outside_window" if closed else "check_in",
                    event=event,
                    registration=registration,
                    status=registration.status,
                    anyway=not registration.holds_place,
                )
    except services.CheckInClosed:
        outcome = "closed"
    except services.CheckInRefused:
        outcome = "refused"
    except Registration.DoesNotExist:  # door staff sent "anyway" outside the window: not theirs to decide
        outcome = "closed"
    except RegistrationError as exc:
        error = str(exc.staff_message)
    else:
        outcome = "checked_in" if first_time else "already"
    registration.refresh_from_db()
    return _result_page(request, event, registration, outcome=outcome, error=error)


@login_required
@never_cache
@require_safe
def index(request, slug: str):
    event = _event(request, slug)
    search_form = SearchForm(request.GET if "q" in request.GET else None)
    return _start_page(request, event, CodeForm(event=event), search_form)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def code(request, slug: str):
    event = _event(request, slug)
    if request.method != "POST":
        return redirect("backoffice-checkin:index", slug=event.slug)
    limited = too_many("checkin", str(request.user.pk), limit=CODE_LOOKUPS_PER_MINUTE)
    form = CodeForm(request.POST, event=event, limited=limited)
    if form.is_valid():
        return _check_in(request, event, form.registration, anyway=False, outside_window=False)
    return _start_page(request, event, form, SearchForm(), status=429 if limited else 200)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def registration(request, slug: str, registration_id: int):
    event = _event(request, slug)
    item = access.registration_or_404(event, registration_id)
    if request.method == "POST":
        return _check_in(
            request,
            event,
            item,
            anyway=request.POST.get("anyway") == "1",
            outside_window=request.POST.get("outside_window") == "1",
        )
    return _result_page(request, event, item)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def undo(request, slug: str, registration_id: int):
    """Take back a check-in made by mistake (a POST from her result page; a GET goes back there)."""
    event = _event(request, slug)
    item = access.registration_or_404(event, registration_id)
    if request.method != "POST":
        return redirect("backoffice-checkin:registration", slug=event.slug, registration_id=item.pk)
    error = ""
    try:
        with transaction.atomic():
            item, undone = undo_check_in(registration_id=item.pk, by=request.user)
            if undone:
                audit.record(request, "undo_check_in", event=event, registration=item)
    except RegistrationError as exc:
        error, undone = str(exc.staff_message), False
    item.refresh_from_db()
    return _result_page(request, event, item, outcome="undone" if undone else "", error=error)


@login_required
@never_cache
@require_safe
def certificate(request, slug: str, registration_id: int):
    event = _event(request, slug)
    item = access.registration_or_404(event, registration_id, checked_in_at__isnull=False)
    pdf = participation_certificate_pdf(item)
    audit.record(request, "participation_certificate", event=event, registration=item)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="teilnahmebescheinigung.pdf"'
    return response
