"""Organiser-written texts in the visitor's language, marked when they fall back to German."""

from django import template
from django.conf import settings
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

register = template.Library()


def _falls_back(obj, field: str) -> tuple[str, bool]:
    """The field's text in the active language, and whether it is the German fallback that needs marking
    (read from the row's own columns: no query)."""
    language = get_language() or settings.LANGUAGE_CODE
    own = getattr(obj, build_localized_fieldname(field, language), None)
    text = getattr(obj, field, "") or ""
    # Plain German (de-simple) falls back to standard German: that is German text, no marker needed.
    return text, not (own or language.split("-")[0] == settings.LANGUAGE_CODE or not text)


@register.simple_tag
def translated(obj, field: str, *, paragraphs: bool = False):
    """The field in the active language; German text (the fallback) gets lang="de", dir="ltr" and a visible
    marker."""
    text, fallback = _falls_back(obj, field)
    body = mark_safe(linebreaks(text, autoescape=True)) if paragraphs else text  # noqa: S308 - escaped
    if not fallback:
        return body
    # lang and dir: German text keeps its order inside an Arabic or Persian page (dir isolates it, as <bdi>).
    if paragraphs:
        return format_html(
            '<div lang="de" dir="ltr">{}</div> <p class="fallback-marker">({})</p>', body, _("in German")
        )
    return format_html(
        '<span lang="de" dir="ltr">{}</span> <span class="fallback-marker">({})</span>', body, _("in German")
    )


@register.filter
def translated_text(obj, field: str):
    """As {% translated %} for one line, as a filter (inside {% blocktranslate with … %} too), and isolated in
    <bdi> like `isolate`: `{{ event|translated_text:"title" }}`."""
    text, fallback = _falls_back(obj, field)
    if not fallback:
        return format_html("<bdi>{}</bdi>", text) if text else ""
    return format_html(
        '<bdi lang="de" dir="ltr">{}</bdi> <span class="fallback-marker">({})</span>', text, _("in German")
    )
