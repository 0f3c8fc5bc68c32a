"""Previews of every system mail (backoffice.mail_previews): an index of the kinds, and one kind in one
language. Read-only: nothing is written, queued or sent.

Who may see them: staff accounts and the organisers of any event (door staff with a check-in role only do
not: the mails are the organisers' words). Every mail is the same for every event, so no event is needed.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_info
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from backoffice import access
from backoffice import mail_previews as previews


def _may_preview_or_404(user) -> None:
    if not (
        user.is_staff or user.is_superuser or access.events_for(user, roles=(access.ORGANISER,)).exists()
    ):
        raise Http404


def _check(user, kind: str, language: str) -> None:
    _may_preview_or_404(user)
    if kind not in previews.KINDS or language not in dict(settings.LANGUAGES):
        raise Http404


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
    return render(
        request,
        "backoffice/mail_previews/detail.html",
        {
            "preview": previews.preview(kind, language),
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
    response = HttpResponse(
        previews.preview(kind, language).message.html, content_type="text/html; charset=utf-8"
    )
    response["Content-Security-Policy"] = HTML_PART_POLICY
    return response
