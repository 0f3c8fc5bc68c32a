from django.utils.translation import gettext_lazy as _

from fachtag.languages import SESSION_LANGUAGES

OTHER = "other"
# Interpreting: the spoken and signed languages the office can book, plus "other" with a free text.
INTERPRETING_LANGUAGES = [
    (code, label) for code, label in SESSION_LANGUAGES if code not in {"de", "de-simple"}
] + [(OTHER, _("Another language"))]
MAX_CHILDREN = 10
MAX_CHILD_AGE = 17
