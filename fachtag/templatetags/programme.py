"""Organiser-written texts in the visitor's language, marked when they fall back to German."""

from django import template
from django.conf import settings
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

register = template.Library()


@register.simple_tag
def translated(obj, field: str, *, paragraphs: bool = False):
    """The field in the active language; German text (the fallback) gets lang="de", dir="ltr" and a visible
    marker."""
    language = get_language() or settings.LANGUAGE_CODE
    own = getattr(obj, build_localized_fieldname(field, language), None)
    text = getattr(obj, field, "") or ""
    body = mark_safe(linebreaks(text, autoescape=True)) if paragraphs else text  # noqa: S308 - escaped
    # Plain German (de-simple) falls back to standard German: that is German text, no marker needed.
    if own or language.split("-")[0] == settings.LANGUAGE_CODE or not text:
        return body
    # lang and dir: German text keeps its order inside an Arabic or Persian page (dir isolates it, as <bdi>).
    if paragraphs:
        return format_html(
            '<div lang="de" dir="ltr">{}</div> <p class="fallback-marker">({})</p>', body, _("in German")
        )
    return format_html(
        '<span lang="de" dir="ltr">{}</span> <span class="fallback-marker">({})</span>', body, _("in German")
    )
