"""The mediators' portal ("My trainings") and the organisers' pages for the pool and training series."""

import functools
import hashlib
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config.ids import parse_ids
from fachtag.models import Event
from feedback import services as feedback
from feedback.views import cookie_name, keep_edit_key
from mediators import audit, calendar, certificates, services
from mediators.forms import (
    EnrolForm,
    InvitationPasswordForm,
    InviteForm,
    ProfileForm,
    ReplyForm,
    SeriesFeedbackForm,
)
from mediators.models import MANAGE_PERMISSION, Enrolment, MediatorProfile, SessionRecord
from notifications import calendar as ics

# What new_feed_token() makes: URL-safe base64.
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _profile(request) -> MediatorProfile:
    # Through the user: the page frame asks `user.mediator` too, and this answer is cached on the user.
    try:
        return request.user.mediator
    except MediatorProfile.DoesNotExist:
        raise Http404 from None


def invitation(request, token: str):
    user = services.user_from_invitation(token)
    if user is None:
        return render(request, "mediators/invitation_invalid.html", status=404)
    form = InvitationPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.accept_invitation(user=user, password=form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("mediators:profile")
    return render(request, "mediators/invitation.html", {"form": form, "email": user.email})


@login_required
def portal(request):
    profile = _profile(request)
    records = SessionRecord.objects.select_related("session__slot").order_by("session__slot__starts_at")
    enrolments = (
        Enrolment.objects.filter(mediator=profile)
        .select_related("event", "event__survey")
        .prefetch_related(Prefetch("records", queryset=records))
        .order_by("-event__starts_at")
    )
    now = timezone.now()
    overview = []
    asking = {}  # open surveys of series she attended: survey id -> her overview item
    for enrolment in enrolments:
        attended = sum(1 for record in enrolment.records.all() if services.counts(record, now=now))
        needed = enrolment.event.min_sessions_for_certificate
        item = {
            "enrolment": enrolment,
            "attended": attended,
            "needed": needed,
            "certified": services.certificate_due(enrolment.event, attended),
            "feedback": None,
        }
        survey = getattr(enrolment.event, "survey", None)
        if attended and survey is not None and survey.is_open(now):
            asking[survey.pk] = item
        overview.append(item)
    answered = feedback.answered(
        {pk: services.feedback_respondent(item["enrolment"].pk) for pk, item in asking.items()}
    )
    for pk, item in asking.items():
        item["feedback"] = "change" if pk in answered else "give"
    feed = settings.SITE_URL + reverse("mediators:feed", kwargs={"token": profile.feed_token})
    return render(
        request,
        "mediators/portal.html",
        {
            "profile": profile,
            "overview": overview,
            "feed_url": subscribe_url(feed),
            "reply_choices": SessionRecord.Reply.choices,
            "now": now,
        },
    )


def subscribe_url(feed: str) -> str:
    """The address to subscribe with. webcal:// opens the calendar app in one click, but apps fetch it
    over plain HTTP: where the site speaks https, the https address is given (every calendar app takes it)."""
    return feed if feed.startswith("https://") else feed.replace("http://", "webcal://", 1)


@login_required
@require_POST
def reply(request):
    profile = _profile(request)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose whether you will attend."))
        return redirect("mediators:portal")
    record = get_object_or_404(SessionRecord, pk=form.cleaned_data["record"], enrolment__mediator=profile)
    try:
        services.reply(
            record_id=record.pk, answer=form.cleaned_data["answer"], reason=form.cleaned_data["reason"]
        )
    except services.ReplyTooLate as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you, your reply is saved."))
    return redirect("mediators:portal")


@login_required
@require_POST
def renew_feed(request):
    services.renew_feed(profile_id=_profile(request).pk)
    messages.success(request, _("Your calendar address is renewed. The old one no longer works."))
    return redirect("mediators:portal")


def feed(request, token: str):
    """Her sessions as a calendar feed (calendar apps subscribe; no login, the URL is the secret).

    Named after her series, with a refresh hint. Every entry is stamped with its last change, so the bytes
    change only with the data: the ETag (a hash of the bytes) and Last-Modified let a client's conditional
    GET be answered 304. Cache-Control private: the URL is personal, no shared cache may keep it.
    """
    if not FEED_TOKEN.fullmatch(token):  # also keeps NUL and other junk away from the database
        raise Http404
    profile = MediatorProfile.objects.filter(feed_token=token, is_active=True).first()
    if profile is None:
        raise Http404
    records = list(
        SessionRecord.objects.filter(enrolment__mediator=profile, session__status="scheduled")
        .select_related("session__slot", "enrolment__event")
        .order_by("session__slot__starts_at", "pk")
    )
    events = list({record.enrolment.event_id: record.enrolment.event for record in records}.values())
    entries = [calendar.session_entry(record, profile.language) for record in records]
    content = ics.publish(entries, name=calendar.feed_name(events, profile.language))
    etag = quote_etag(hashlib.sha256(content).hexdigest()[:32])
    # Over all her entries: one cancelled since drops out of the feed, and that is a change too.
    changed = SessionRecord.objects.filter(enrolment__mediator=profile).aggregate(
        last=Max("calendar_changed_at")
    )["last"]
    last_modified = int(changed.timestamp()) if changed else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "private"
    return response


@login_required
def certificate(request, enrolment_id: int):
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("event", "mediator__user"),
        pk=enrolment_id,
        mediator=_profile(request),
    )
    if not services.is_certified(enrolment):
        raise Http404
    response = HttpResponse(certificates.certificate_pdf(enrolment), content_type="application/pdf")
    response["Content-Disposition"] = certificates.content_disposition(enrolment)
    return response


@never_cache
@login_required
def feedback_form(request, enrolment_id: int):
    """Her anonymous feedback on a series she attended (see mediators.services.series_feedback):
    while the survey is open, once; changed later on the device that holds the key in her cookie."""
    profile = _profile(request)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("event"), pk=enrolment_id, mediator=profile
    )
    survey = services.series_survey(enrolment)
    now = timezone.now()
    sessions = services.attended_sessions(enrolment, now=now)
    if survey is None or not sessions:
        raise Http404
    context = {"event": enrolment.event, "survey": survey}
    if not survey.is_open(now):
        state = "not_yet" if survey.phase(now) == "not_yet" else "closed"
        return render(request, "mediators/feedback.html", {**context, "state": state})
    key = request.COOKIES.get(cookie_name(enrolment.event.slug), "")
    existing = None
    if survey.pk in feedback.answered({survey.pk: services.feedback_respondent(enrolment.pk)}):
        existing = feedback.answer_for_key(slug=enrolment.event.slug, edit_key=key)
        if existing is None:
            return render(request, "mediators/feedback.html", {**context, "state": "used"})
    initial = SeriesFeedbackForm.initial_from(existing) if existing else None
    form = SeriesFeedbackForm(request.POST or None, sessions=sessions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if existing:
                feedback.change(survey_id=survey.pk, edit_key=key, data=form.data_object(), now=now)
            else:
                key = services.give_feedback(
                    enrolment=enrolment,
                    survey=survey,
                    data=form.data_object(),
                    language=profile.language,
                    now=now,
                )
        except feedback.AlreadyAnswered:
            return render(request, "mediators/feedback.html", {**context, "state": "used"})
        except feedback.SurveyClosed:
            return render(request, "mediators/feedback.html", {**context, "state": "closed"})
        messages.success(
            request,
            _("Thank you for your feedback. You can change it on this device until %(date)s.")
            % {"date": formats.date_format(timezone.localtime(survey.closes_at), "DATE_FORMAT")},
        )
        response = redirect("mediators:portal")
        keep_edit_key(response, survey, key)
        return response
    return render(
        request,
        "mediators/feedback.html",
        {**context, "state": "form", "form": form, "changing": existing is not None},
    )


@login_required
def profile(request):
    profile = _profile(request)
    user = profile.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "languages": profile.languages,
        "language": profile.language,
        "phone": profile.phone,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user.first_name, user.last_name = data["first_name"], data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        MediatorProfile.objects.filter(pk=profile.pk).update(
            languages=data["languages"], language=data["language"], phone=data["phone"]
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("mediators:portal")
    return render(request, "mediators/profile.html", {"form": form})


# --- Organisers ----------------------------------------------------------------------------------------


def manages_mediators(view):
    """The pool, the series and attendance: only with the permission (the organisers' group, superusers).
    Anyone else signed in, staff flag or event role, gets a 404, as in the back office."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.has_perm(MANAGE_PERMISSION):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@manages_mediators
def staff_pool(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            invited = services.invite(
                emails=form.cleaned_data["emails"],
                language=form.cleaned_data["language"] or None,
                names=form.names,
            )
            if invited:
                audit.record(request, "mediator_invite", profiles=[profile.pk for profile in invited])
        messages.success(request, _("%(count)d invitations sent.") % {"count": len(invited)})
        return redirect("mediators-staff:pool")
    trainings = Event.objects.filter(kind=Event.Kind.TRAINING).order_by("-starts_at")
    return render(
        request, "mediators/staff_pool.html", {"form": form, "pool": services.pool(), "trainings": trainings}
    )


@manages_mediators
@require_POST
def staff_set_active(request, profile_id: int):
    active = request.POST.get("active") == "1"
    with transaction.atomic():
        if services.set_active(profile_id=profile_id, active=active):
            if active:
                audit.record(request, "mediator_activate", profile=profile_id)
            else:
                audit.record(request, "mediator_deactivate", profile=profile_id)
    return redirect("mediators-staff:pool")


@manages_mediators
def staff_series(request, slug: str):
    event = get_object_or_404(Event, slug=slug, kind=Event.Kind.TRAINING)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = None if form.cleaned_data["everyone"] else [p.pk for p in form.cleaned_data["mediators"]]
        with transaction.atomic():
            enrolled = services.enrol(event_id=event.pk, profile_ids=chosen)
            if enrolled:
                audit.record(
                    request,
                    "mediator_enrol",
                    event=event,
                    enrolments=[enrolment.pk for enrolment in enrolled],
                    profiles=[enrolment.mediator_id for enrolment in enrolled],
                )
        messages.success(
            request,
            _("%(count)d mediators enrolled; each gets the schedule by e-mail.") % {"count": len(enrolled)},
        )
        return redirect("mediators-staff:series", slug=slug)
    return render(
        request,
        "mediators/staff_series.html",
        {
            "event": event,
            "form": form,
            "sessions": services.sessions_of(event),
            "records": services.replies_for(event),
        },
    )


@manages_mediators
def staff_attendance(request, slug: str, session_id: int):
    event = get_object_or_404(Event, slug=slug, kind=Event.Kind.TRAINING)
    session = get_object_or_404(services.sessions_of(event), pk=session_id)
    records = (
        SessionRecord.objects.filter(session=session)
        .select_related("enrolment__mediator__user")
        .order_by("enrolment__mediator__user__last_name", "enrolment__mediator__user__email")
    )
    begun = services.has_begun(session)
    error = None
    if request.method == "POST":
        present = parse_ids(request.POST.getlist("present"))
        try:
            with transaction.atomic():
                certified = services.record_attendance(
                    session_id=session.pk, present_record_ids=present, recorded_by=request.user
                )
                audit.record(
                    request,
                    "mediator_attendance",
                    event=event,
                    session=session.pk,
                    present=sorted(records.filter(attended=True).values_list("pk", flat=True)),
                    certificates=[enrolment.pk for enrolment in certified],
                )
        except services.AttendanceTooEarly as too_early:
            error = str(too_early)
        else:
            messages.success(
                request, _("Attendance saved. Certificates sent: %(count)d.") % {"count": len(certified)}
            )
            return redirect("mediators-staff:series", slug=slug)
    return render(
        request,
        "mediators/staff_attendance.html",
        {
            "event": event,
            "session": session,
            "records": records,
            "begun": begun,
            "begins": services.when_it_begins(session),
            "error": error,
            "summary_links": [(f"present-{records[0].pk}" if records else "present-legend", error)]
            if error
            else [],
            "present": present if error else None,
        },
    )
