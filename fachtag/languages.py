"""Languages a workshop can be held in or interpreted into: wider than the interface languages."""

from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

SESSION_LANGUAGES = [
    ("de", _("German")),
    ("de-simple", _("Plain German")),
    ("sgn-de", _("German Sign Language")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("prs", _("Dari")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("tr", _("Turkish")),
    ("ku", _("Kurdish")),
    ("pl", _("Polish")),
    ("ro", _("Romanian")),
    ("vi", _("Vietnamese")),
    ("ti", _("Tigrinya")),
    ("so", _("Somali")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
SESSION_LANGUAGE_CODES = frozenset(code for code, _label in SESSION_LANGUAGES)

INTERPRETING_OTHER = "other"
# Interpreting: the spoken and signed languages the office can book, plus "other" with a free text. Each event
# offers its own choice of them (Event.interpreting_languages), all of them unless its organisers choose.
INTERPRETING_LANGUAGES = [
    (code, label) for code, label in SESSION_LANGUAGES if code not in {"de", "de-simple"}
] + [(INTERPRETING_OTHER, _("Another language"))]


def interpreting_language_label(code: str) -> str:
    """An interpreting language by its name in the active language ("Arabisch"), not its code."""
    return str(dict(INTERPRETING_LANGUAGES).get(code, code))


def default_interpreting_languages() -> list[str]:
    return [code for code, _label in INTERPRETING_LANGUAGES]


def interpreting_choices(codes) -> list[tuple[str, str]]:
    """The interpreting languages among `codes`, in the order of the office's list."""
    offered = set(codes)
    return [(code, label) for code, label in INTERPRETING_LANGUAGES if code in offered]


def session_language_label(code: str) -> str:
    return str(dict(SESSION_LANGUAGES).get(code, code))


def title_language(language: str, *titled) -> str:
    """The language tag of a text built from these objects' titles (translated fields) for a reader of
    `language`: hers when every title exists in it, German for Plain German (German words), "" when a
    title fell back to German (calendar invites then name no language rather than a wrong one)."""
    if language in ("de", "de-simple"):
        return "de"
    field = build_localized_fieldname("title", language)
    return language if all(getattr(obj, field, "") for obj in titled) else ""
