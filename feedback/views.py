"""Her feedback form: opened with her personal feedback link (its address carries her language prefix, as
the invitation was written in her language); changed later with the key in her cookie."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from fachtag.models import Event, Workshop
from feedback import services
from feedback.forms import FeedbackForm


def cookie_name(slug: str) -> str:
    return f"feedback_{slug}"


def _problem(request, reason: str, *, survey=None, status=200):
    return render(request, "feedback/problem.html", {"reason": reason, "survey": survey}, status=status)


@never_cache
def answer(request, token: str):
    try:
        registration, survey = services.read_token(token)
    except services.BadLink:
        return _problem(request, "bad_link", status=404)
    now = timezone.now()
    if services.link_used(survey, registration):
        has_key = services.answer_for_key(
            slug=survey.event.slug, edit_key=request.COOKIES.get(cookie_name(survey.event.slug))
        )
        if has_key and survey.is_open(now):
            return redirect("feedback:change", slug=survey.event.slug)
        return _problem(request, "used", survey=survey)
    if not survey.is_open(now):
        return _problem(request, "not_yet" if survey.phase(now) == "not_yet" else "closed", survey=survey)
    options = {
        "workshops": services.her_workshops(registration),
        "childcare": registration.children.exists(),
        "interpreting": bool(registration.interpreting_language),
    }
    form = FeedbackForm(request.POST or None, **options)
    if request.method == "POST" and form.is_valid():
        try:
            key = services.answer(
                registration=registration,
                survey=survey,
                data=form.data_object(),
                language=registration.language,
                now=now,
            )
        except services.AlreadyAnswered:
            return _problem(request, "used", survey=survey)
        except services.SurveyClosed:
            return _problem(request, "closed", survey=survey)
        response = render(request, "feedback/thanks.html", {"survey": survey})
        keep_edit_key(response, survey, key)
        return response
    return render(request, "feedback/form.html", {"form": form, "survey": survey, "event": survey.event})


@never_cache
def change(request, slug: str):
    key = request.COOKIES.get(cookie_name(slug), "")
    answer = services.answer_for_key(slug=slug, edit_key=key)
    # A training series' answer is changed in the mediators' portal (mediators.views.feedback_form).
    if answer is None or answer.survey.event.kind != Event.Kind.FACHTAG:
        return _problem(request, "no_key", status=404)
    survey = answer.survey
    now = timezone.now()
    if not survey.is_open(now):
        return _problem(request, "closed", survey=survey)
    options = {
        "workshops": list(
            Workshop.objects.filter(pk__in=[int(pk) for pk in answer.workshops]).order_by("slot__starts_at")
        ),
        "childcare": answer.childcare is not None,
        "interpreting": answer.interpreting is not None,
    }
    form = FeedbackForm(request.POST or None, initial=FeedbackForm.initial_from(answer), **options)
    if request.method == "POST" and form.is_valid():
        try:
            services.change(survey_id=survey.pk, edit_key=key, data=form.data_object(), now=now)
        except services.SurveyClosed:
            return _problem(request, "closed", survey=survey)
        return render(request, "feedback/thanks.html", {"survey": survey, "changed": True})
    return render(
        request,
        "feedback/form.html",
        {"form": form, "survey": survey, "event": survey.event, "changing": True},
    )


def keep_edit_key(response, survey, key: str) -> None:
    """Her edit key lives only in her browser (HttpOnly, for the whole site: the change page of a Fachtag's
    survey and the mediators' portal both read it) until the survey closes."""
    response.set_cookie(
        cookie_name(survey.event.slug),
        key,
        expires=survey.closes_at,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
