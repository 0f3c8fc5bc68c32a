"""Getting an event ready: its texts' translations, the checklist and publishing, and the sign-up page's
preview in every language. Each view gets its event from backoffice.access; changes go through
backoffice.translations and backoffice.checklist."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from backoffice import access, checklist, translations
from backoffice.busy import sent_back
from backoffice.translation_forms import TranslationsForm
from config.http import client_ip
from registrations.errors import Busy
from registrations.forms import SignupForm
from registrations.models import Registration
from registrations.selectors import programme


@login_required
def translations_overview(request, slug: str):
    event = access.event_or_404(request.user, slug)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])  # after the rights: others learn nothing of the event
    found = translations.texts(event)
    languages = translations.completeness(found)
    rows = [(text, [bool(text.values[row.code].strip()) for row in languages]) for text in found]
    return render(
        request,
        "backoffice/translations/overview.html",
        {"event": event, "rows": rows, "languages": languages},
    )


@login_required
def translations_language(request, slug: str, language: str):
    event = access.event_or_404(request.user, slug)
    if not translations.is_target_language(language):
        raise Http404
    found = translations.texts(event)
    form = TranslationsForm(request.POST or None, texts=found, language=language)
    busy = False
    if request.method == "POST" and form.is_valid():
        try:
            changed = translations.save_translations(
                event_id=event.pk,
                language=language,
                # Only the fields her page had: a text added since then keeps what it has.
                values={key: value for key, value in form.cleaned_data.items() if key in request.POST},
                actor=request.user,
                ip=client_ip(request),
            )
        except Busy as exc:  # the event is locked too long by others: her entries come back to send again
            form.add_error(None, exc.staff_message)
            busy = True
        else:
            messages.success(request, _("Translations saved.") if changed else _("Nothing was changed."))
            return redirect("backoffice:translations", slug=event.slug)
    row = next(row for row in translations.completeness(found) if row.code == language)
    response = render(
        request,
        "backoffice/translations/language.html",
        {"event": event, "form": form, "lang_row": row},
    )
    return sent_back(response) if busy else response


@login_required
def publish(request, slug: str):
    """The checklist; POST publishes (or takes back to draft) through the service, which asks it again."""
    event = access.event_or_404(request.user, slug)
    refused, busy = [], False
    if request.method == "POST":
        try:
            if request.POST.get("action") == "unpublish":
                checklist.unpublish(event_id=event.pk, actor=request.user, ip=client_ip(request))
                messages.success(request, _("The event is a draft again."))
            else:
                checklist.publish(event_id=event.pk, actor=request.user, ip=client_ip(request))
                messages.success(request, _("The event is published."))
        except checklist.PublishRefused as exc:
            refused = exc.items
        except checklist.UnpublishRefused as exc:
            messages.error(request, str(exc))
        except Busy as exc:  # the event is locked too long by others: to send again (CAP-08)
            messages.error(request, exc.staff_message)
            busy = True
        else:
            return redirect("backoffice:publish", slug=event.slug)
    event.refresh_from_db()
    context = {
        "event": event,
        "items": checklist.checklist(event),
        "refused": refused,
        "summary_links": [(f"check-{item.code}", item.message) for item in refused],
        "has_registrations": Registration.objects.filter(event=event).exists(),
        "preview_languages": settings.LANGUAGES,
    }
    response = render(request, "backoffice/publish/publish.html", context, status=400 if refused else 200)
    return sent_back(response) if busy else response


@login_required
def preview(request, slug: str, language: str):
    """The sign-up page as a participant sees it in `language`, for a draft too: the public template, marked
    as a preview, its form not sendable (no method, button disabled). The staff middleware keeps it out of
    every cache; the empty form is rendered afresh, never from the sign-up page's fragment cache."""
    event = access.event_or_404(request.user, slug)
    if language not in dict(settings.LANGUAGES):
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    # The note to her is in her own (staff) language, the page in the participant's.
    banner = {
        "text": _("Preview of the sign-up page in %(language)s. Nothing can be sent from this page.")
        % {"language": get_language_info(language)["name_translated"]},
        "back": _("Back to the checklist"),
        "back_url": reverse("backoffice:publish", kwargs={"slug": event.slug}),
        "language": translation.get_language(),
    }
    links = _preview_links(event, language)
    with translation.override(language):
        shown = programme(event)
        form = SignupForm(
            event=event,
            slots=shown.slots,
            groups=shown.groups if event.has_childcare else None,
            language=language,
        )
        context = {
            "event": event,
            "form": form,
            "preview": banner,
            # The switcher and the footer's Plain German link lead to the preview in that language.
            "language_links": links,
            "plain_german_url": next(link["url"] for link in links if link["code"] == "de-simple"),
        }
        response = render(request, "backoffice/publish/preview.html", context)
    response.headers["Content-Language"] = language
    return response


def _preview_links(event, language: str) -> list[dict]:
    """The language switcher of the preview: the preview in each language, each named in its own."""
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": reverse("backoffice:preview", kwargs={"slug": event.slug, "language": code}),
            "is_current": code == language,
        }
        for code, _name in settings.LANGUAGES
    ]
