"""Previews of every system mail (backoffice.mail_previews): an index of the kinds, and one kind in one
language. Read-only: nothing is written, queued or sent.

Who may see them: staff accounts and the organisers of any event (door staff with a check-in role only do
not: the mails are the organisers' words). Every mail is the same for every event, so no event is needed.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from backoffice import access
from backoffice import mail_previews as previews
from fachtag.models import Event


def _may_preview_or_404(user) -> None:
    if not (
        user.is_staff or user.is_superuser or access.events_for(user, roles=(access.ORGANISER,)).exists()
    ):
        raise Http404


def _check(user, kind: str, language: str) -> None:
    _may_preview_or_404(user)
    if kind not in previews.KINDS or language not in dict(settings.LANGUAGES):
        raise Http404


class EventTextForm(forms.Form):
    """Optionally one of her events, whose own words for this kind of message the preview then shows."""

    event = forms.ModelChoiceField(
        label=_("Additional text of an event"),
        help_text=_("What the organisers of the event added to this kind of message."),
        queryset=Event.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("None: the sample without one"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = access.events_for(user, roles=(access.ORGANISER,)).order_by(
            "-starts_at"
        )


def _event_texts(request, kind: str) -> tuple[EventTextForm | None, dict | None]:
    """The form to choose an event (for the kinds organisers can add words to) and that event's words."""
    if not previews.takes_event_text(kind):
        return None, None
    form = EventTextForm(request.GET or None, user=request.user)
    event = form.cleaned_data["event"] if form.is_bound and form.is_valid() else None
    return form, previews.event_texts(event) if event else None


def _languages() -> list[dict]:
    return [
        {"code": code, "name": get_language_info(code)["name_local"], "bidi": get_language_info(code)["bidi"]}
        for code, _name in settings.LANGUAGES
    ]


@login_required
@require_GET
def mail_previews(request):
    _may_preview_or_404(request.user)
    groups = [
        (
            label,
            [(kind, previews.preview(kind, request.LANGUAGE_CODE).message.subject) for kind in kinds],
        )
        for label, kinds in previews.GROUPS
    ]
    return render(
        request,
        "backoffice/mail_previews/index.html",
        {"groups": groups, "languages": _languages(), "default_language": settings.LANGUAGE_CODE},
    )


@login_required
@require_GET
def mail_preview(request, kind: str, language: str):
    _check(request.user, kind, language)
    form, texts = _event_texts(request, kind)
    return render(
        request,
        "backoffice/mail_previews/detail.html",
        {
            "preview": previews.preview(kind, language, texts),
            "form": form,
            "query": request.GET.urlencode() if texts is not None else "",
            "languages": _languages(),
            "language_name": get_language_info(language)["name_local"],
        },
    )


# The HTML part as a document of its own, shown in a sandboxed frame of the preview page: with the mail's own
# (inline) styles, which the site's policy forbids on its pages, and nothing else: no scripts (sandbox), no
# requests anywhere (default-src 'none'), framed by our own pages only.
HTML_PART_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"
)


@login_required
@require_GET
@xframe_options_sameorigin
def mail_preview_html(request, kind: str, language: str):
    _check(request.user, kind, language)
    _form, texts = _event_texts(request, kind)
    html = previews.preview(kind, language, texts).message.html
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_PART_POLICY
    return response
