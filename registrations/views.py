"""Sign-up and self-service pages: permission, form, one service call, redirect."""

import functools

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, close_old_connections
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.http import client_ip
from config.ids import parse_id
from fachtag.models import Event
from notifications import calendar as ics
from pages.constants import PRIVACY_NOTICE_VERSION
from registrations import calendar, qr, selectors, services
from registrations.errors import Busy, RegistrationError, WorkshopFull
from registrations.forms import ChangeWorkshopsForm, ChildcareForm, SignupForm, SignupMarkers
from registrations.models import Booking
from registrations.ratelimit import first_use, link_mail_allowed, too_many
from registrations.tokens import (
    CONFIRM_SALT,
    UNSUBSCRIBE_SALT,
    BadToken,
    ExpiredToken,
    make_token,
    registration_from_token,
)

DATABASE_FAULT = gettext_lazy(
    "A technical fault stopped us from saving your registration. Please send the form again in a moment: "
    "you will not be registered twice."
)
LINK_REQUESTS_PER_MINUTE = 5


def signup(request, slug: str):
    try:
        event = selectors.published_event(slug=slug)
    except Event.DoesNotExist:
        raise Http404 from None
    if event.registration_state() != "open":
        return redirect("fachtag:event", slug=slug)
    if request.method == "GET" and not request.user.is_authenticated and settings.SIGNUP_FORM_CACHE_SECONDS:
        return _empty_form_page(request, event)
    form = _signup_form(
        event,
        request.POST if request.method == "POST" else None,  # an empty POST gets its errors too
        initial=_prefill(request),
    )
    status = 200
    if request.method == "POST":
        if too_many("signup", client_ip(request), limit=settings.SIGNUP_RATE_LIMIT_PER_MINUTE):
            form.add_error(
                None,
                _("Too many sign-ups from your connection. Please wait a minute and send the form again."),
            )
            status = 429
        elif form.is_valid():
            if form.is_spam:
                return redirect("registrations:link_sent")
            if not first_use(
                "signup-form", str(form.cleaned_data["submission_key"]), form.cleaned_data["email"]
            ):
                # Her form's markers came with someone else's sign-up: fresh ones, and she sends it again.
                form.add_error(None, _("Please check your entries and send the form again."))
                form.renew()
                return render(request, "registrations/signup.html", {"event": event, "form": form})
            response = _register(request, event, form)
            if response:
                return response
    return render(request, "registrations/signup.html", {"event": event, "form": form}, status=status)


def _signup_form(event, data=None, *, initial=None) -> SignupForm:
    shown = selectors.programme(event)
    return SignupForm(
        data,
        event=event,
        slots=shown.slots,
        groups=shown.groups if event.has_childcare else None,
        language=get_language(),
        initial=initial,
    )


def _empty_form_page(request, event):
    """The empty form for an anonymous visitor. Its fields (with the workshops and their free seats) are the
    same for every anonymous visitor: they are rendered once per SIGNUP_FORM_CACHE_SECONDS, process and
    language ({% cache %} in the template, from `fields_form`, built only then). Her own form holds what is
    hers: the start time and submission key (SignupMarkers, and the CSRF token)."""
    context = {
        "event": event,
        "form": SignupMarkers(),
        "fields_form": SimpleLazyObject(lambda: _signup_form(event)),
        "fields_cache_seconds": settings.SIGNUP_FORM_CACHE_SECONDS,
    }
    return render(request, "registrations/signup.html", context)


def _register(request, event, form):
    data = form.cleaned_data
    applicant = services.Applicant(
        **{key: data.get(key, "") for key in services.Applicant.TEXT_FIELDS},
        accessibility_consent=data["accessibility_consent"],
        child_ages=data.get("child_ages") or [],
    )
    try:
        result = services.register(
            event_id=event.pk,
            applicant=applicant,
            workshop_ids=form.chosen_workshops(),
            privacy_notice_version=PRIVACY_NOTICE_VERSION,
            submission_key=data["submission_key"],
            user=request.user if request.user.is_authenticated else None,
        )
    except Busy as exc:
        form.add_error(None, exc.message)
        return _busy(request, event, form)
    except (OperationalError, InterfaceError):
        # The database connection was lost mid-way: her form comes back intact; sending it again is safe,
        # because the same submission key never registers her twice.
        close_old_connections()
        form.add_error(None, DATABASE_FAULT)
        return _busy(request, event, form)
    except RegistrationError as exc:
        form.add_error(None, exc.message)
        return None
    registration = result.registration
    if result.created or registration.submission_key == data["submission_key"]:
        return redirect("registrations:done", token=make_token(registration))
    return redirect("registrations:link_sent")


@login_required
def my_registrations(request):
    registrations = [
        (registration, make_token(registration)) for registration in selectors.registrations_of(request.user)
    ]
    return render(request, "registrations/my_registrations.html", {"registrations": registrations})


def _busy(request, event, form):
    """Too many people at once: her form comes back intact with 'try again' (503, never a 500)."""
    response = render(request, "registrations/signup.html", {"event": event, "form": form}, status=503)
    response["Retry-After"] = "5"
    return response


def _prefill(request) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"name": user.get_full_name(), "email": user.email}


def link_problem(request, exc: BadToken):
    """A link that opens nothing: "expired" (410, with what to do now) for a genuine link that ran out,
    otherwise "does not work" (404), the same for forged, altered and replaced links."""
    if isinstance(exc, ExpiredToken):
        event = exc.registration.event
        context = {
            "event": event,
            "not_confirmed": exc.reason == ExpiredToken.NOT_CONFIRMED,
            "signup_open": event.registration_state() == "open",
            "days_after_event": settings.PERSONAL_LINK_DAYS_AFTER_EVENT,
        }
        return render(request, "registrations/link_expired.html", context, status=410)
    return render(request, "registrations/link_invalid.html", status=404)


def no_leak(view):
    """A page whose URL holds a personal link: never cached, and the link never leaves as a referrer.

    `same-origin`, not `no-referrer`: under `no-referrer` browsers send `Origin: null` with the page's own
    form posts, which Django's CSRF check refuses (403 on every self-service form). Under `same-origin`
    Chromium and Firefox send our real Origin (and the full Referer) only with requests to this site, and
    neither header to any other origin, so her link still never reaches a third party.
    """

    @functools.wraps(view)
    @never_cache
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


def private_link(view):
    """Pages behind a personal (manage) link: resolve the token, never cache, never leak the link."""

    @functools.wraps(view)
    @no_leak
    def wrapper(request, token: str, *args, **kwargs):
        try:
            registration = registration_from_token(token)
        except BadToken as exc:
            return link_problem(request, exc)
        return view(request, registration, token, *args, **kwargs)

    return wrapper


@private_link
def done(request, registration, token):
    return _manage_page(request, registration, token, just_registered=True)


@private_link
def manage(request, registration, token):
    return _manage_page(request, registration, token)


def _manage_page(request, registration, token, *, just_registered=False):
    shown = selectors.programme(registration.event)
    bookings = selectors.her_bookings(registration, shown)  # her children are read where the page shows them
    slots = [
        (slot, [b for b in bookings if b.slot_id == slot.pk])
        for slot, _workshops in shown.slots
        if slot.is_parallel
    ]
    return render(
        request,
        "registrations/manage.html",
        {
            "offers": [
                b for b in bookings if b.status == Booking.Status.OFFERED
            ],  # shown at the top, with the button
            "registration": registration,
            "event": registration.event,
            "slots": slots,
            "token": token,
            "manage_url": request.build_absolute_uri(
                reverse("registrations:manage", kwargs={"token": token})
            ),
            "just_registered": just_registered,
            "can_change": registration.is_active and registration.event.registration_state() == "open",
        },
    )


@private_link
def calendar_file(request, registration, token):
    """Her calendar entries as a plain .ics file (no METHOD: an import, not an invitation)."""
    content = ics.publish(calendar.current_entries(registration))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="fachtag.ics"'
    return response


@private_link
def qr_code(request, registration, token):
    """Her check-in QR code for the manage page (also attached to her confirmation)."""
    return HttpResponse(qr.qr_svg(registration), content_type="image/svg+xml")


@private_link
def offer(request, registration, token):
    """The page her offer mail's button opens: what is free for her, until when, and one button that takes it
    (a POST to accept_offer; opening the link changes nothing, so a mail scanner cannot accept for her).
    `?booking=<id>` names a workshop seat offered to her, otherwise it is her event place. An offer that
    lapsed or was taken already gets a page that says so."""
    booking = _her_booking(registration, request.GET.get("booking"))
    offered = booking if booking is not None else registration
    context = {
        "registration": registration,
        "booking": booking,
        "token": token,
    }
    if offered.status == Booking.Status.OFFERED and offered.offer_expires_at > timezone.now():
        return render(request, "registrations/offer.html", {**context, "deadline": offered.offer_expires_at})
    taken = offered.status == Booking.Status.CONFIRMED  # a registration's statuses have the same values
    return render(
        request, "registrations/offer_closed.html", {**context, "taken": taken}, status=200 if taken else 410
    )


def _her_booking(registration, booking_id: str | None):
    """Her booking named in a link or form (None when none is named); another's or a made-up one is a 404."""
    if not booking_id:
        return None
    pk = parse_id(booking_id)
    booking = registration.bookings.select_related("workshop", "slot").filter(pk=pk).first() if pk else None
    if booking is None:
        raise Http404
    return booking


@require_POST
@private_link
def accept_offer(request, registration, token):
    booking = _her_booking(registration, request.POST.get("booking"))
    try:
        if booking is not None:
            services.accept_workshop_offer(booking_id=booking.pk, now=timezone.now())
            messages.success(
                request, _("You have taken the seat in the workshop. We have sent you an e-mail.")
            )
        else:
            services.accept_offer(registration_id=registration.pk, now=timezone.now())
            messages.success(
                request,
                _("You have accepted the place: your place is confirmed. We have sent you an e-mail."),
            )
    except RegistrationError as exc:
        offered = booking if booking is not None else registration
        offered.refresh_from_db(fields=["status"])
        if (
            offered.status == Booking.Status.CONFIRMED
        ):  # sent twice (a second tap): she has it, nothing went wrong
            messages.info(request, _("You have accepted this offer already. Nothing more to do."))
            return redirect("registrations:manage", token=token)
        return render(
            request, "registrations/problem.html", {"message": exc.message, "token": token}, status=409
        )
    return redirect("registrations:manage", token=token)


@private_link
def cancel(request, registration, token):
    if request.method == "POST":
        try:
            services.cancel(registration_id=registration.pk, now=timezone.now())
        except RegistrationError as exc:
            return render(
                request, "registrations/problem.html", {"message": exc.message, "token": token}, status=409
            )
        messages.success(request, _("You have cancelled your registration. We have sent you an e-mail."))
        return redirect("registrations:manage", token=token)
    return render(request, "registrations/cancel.html", {"registration": registration, "token": token})


@private_link
def confirm_email(request, registration, token):
    """GET shows a button, POST confirms: mail scanners that open links change nothing."""
    if request.method == "POST":
        services.confirm_email(registration_id=registration.pk, now=timezone.now())
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
        return redirect("registrations:manage", token=make_token(registration))
    return render(request, "registrations/confirm_email.html", {"registration": registration})


@no_leak
def confirm_email_entry(request, token: str):
    """The link in the confirmation mail carries its own token (another salt than the manage link)."""
    try:
        registration = registration_from_token(token, salt=CONFIRM_SALT)
    except BadToken as exc:
        return link_problem(request, exc)
    return confirm_email(request, make_token(registration))


@private_link
def change_workshops(request, registration, token):
    shown = selectors.programme(registration.event)
    bookings = selectors.her_bookings(registration, shown)
    current = {}
    for booking in bookings:
        if booking.status == Booking.Status.CONFIRMED or booking.slot_id not in current:
            current[booking.slot_id] = booking.workshop_id
    form = ChangeWorkshopsForm(
        request.POST if request.method == "POST" else None,
        slots=shown.slots,
        current=current,
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            services.change_workshops(registration_id=registration.pk, changes=changes, now=timezone.now())
        except WorkshopFull as exc:
            form.add_error(f"slot_{exc.slot_id}", exc.message)
            form.mark_full(exc.workshop_id)
        except RegistrationError as exc:
            form.add_error(None, exc.message)
        else:
            if changes:
                messages.success(request, _workshops_saved(changes))
            else:
                messages.info(request, _("You have not changed anything."))
            return redirect("registrations:manage", token=token)
    return render(
        request,
        "registrations/change_workshops.html",
        {"form": form, "registration": registration, "token": token},
    )


def _workshops_saved(changes: dict) -> str:
    """What she reads after saving the workshop form: what she did, in her words."""
    if all(workshop_id is None for workshop_id, _waitlist in changes.values()):
        return _("You have cancelled the workshop. We have sent you an e-mail.")
    return _("Your workshop choice is saved. We have sent you an e-mail.")


@private_link
def change_childcare(request, registration, token):
    event = registration.event
    if not event.has_childcare:
        raise Http404
    ages = ", ".join(str(child.age) for child in registration.children.all())
    form = ChildcareForm(
        request.POST if request.method == "POST" else None,
        groups=event.childcare_groups.all(),
        initial={"child_ages": ages, "childcare_notes": registration.childcare_notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_childcare(
                registration_id=registration.pk,
                child_ages=form.cleaned_data["child_ages"],
                notes=form.cleaned_data["childcare_notes"],
                now=timezone.now(),
            )
        except RegistrationError as exc:
            form.add_error("child_ages", exc.message)
        else:
            messages.success(request, _("Your childcare request is saved. We have sent you an e-mail."))
            return redirect("registrations:manage", token=token)
    return render(
        request, "registrations/childcare.html", {"form": form, "registration": registration, "token": token}
    )


@csrf_exempt  # RFC 8058: mail clients post without a session; it only switches reminders off
@no_leak
def unsubscribe(request, token: str):
    """GET shows a button (link scanners change nothing); POST, also one-click from the mail client, stops reminders."""
    try:
        registration = registration_from_token(token, salt=UNSUBSCRIBE_SALT)
    except BadToken as exc:
        return link_problem(request, exc)
    if request.method == "POST":
        services.stop_reminders(registration_id=registration.pk)
        return render(request, "registrations/unsubscribed.html", {"registration": registration})
    return render(request, "registrations/unsubscribe.html", {"registration": registration})


class ResendLinkForm(forms.Form):
    email = forms.EmailField(
        # Lazy: the class is made once, at import; the texts must follow each request's language.
        label=gettext_lazy("E-mail address"),
        max_length=254,
        error_messages={"invalid": gettext_lazy("Enter an e-mail address like name@example.de.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    renew = forms.BooleanField(
        label=gettext_lazy(
            "Also make my old links and my check-in code stop working, for example because someone else "
            "has them. The e-mail then holds new ones."
        ),
        required=False,
    )


def resend_link(request):
    form = ResendLinkForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if too_many("resend-link", client_ip(request), limit=LINK_REQUESTS_PER_MINUTE):
            form.add_error(
                None, _("Too many requests from your connection. Please wait a minute and try again.")
            )
            status = 429
        elif form.is_valid():
            email = form.cleaned_data["email"].strip().lower()
            # Per address too, so that nobody can flood someone's mailbox (or churn her links) from many
            # connections; the answer is the same either way.
            if link_mail_allowed(email):
                services.resend_links(email=email, renew=form.cleaned_data["renew"])
            return redirect("registrations:link_sent")
    return render(request, "registrations/resend_link.html", {"form": form}, status=status)


def link_sent(request):
    return render(request, "registrations/link_sent.html")
