"""Languages a workshop can be held in or interpreted into: wider than the interface languages."""

from django.utils.translation import gettext_lazy as _

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


def session_language_label(code: str) -> str:
    return str(dict(SESSION_LANGUAGES).get(code, code))
