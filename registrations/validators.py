import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Characters that reorder text (bidi overrides/isolates): they can disguise a name in lists and exports.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def no_control_characters(value: str, *, allow_newlines: bool = False) -> None:
    """Names in any script are welcome; invisible control and reordering characters are not."""
    for char in value:
        if allow_newlines and char in "\n\r\t":
            continue
        if char in BIDI_CONTROLS or unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"}:
            raise ValidationError(
                _("Please remove invisible control characters from this field."), code="control_characters"
            )


ZWNJ = "\u200c"


def name_characters(value: str) -> None:
    """A person's name (every name field: sign-up, walk-in, mediator profile): letters of any script, marks,
    digits, spaces and punctuation. Refused: everything invisible that could ride along into exports, mails
    and greetings: control and format characters (zero-width space and joiner, bidi marks, embeddings and
    isolates, the byte-order mark, soft hyphen, tag characters), line and paragraph separators (U+2028/9).
    Kept: the zero-width non-joiner between two letters, part of how Persian is written."""
    no_control_characters(value)
    for index, char in enumerate(value):
        if (
            char == ZWNJ
            and 0 < index < len(value) - 1
            and value[index - 1].isalpha()
            and value[index + 1].isalpha()
        ):
            continue
        if unicodedata.category(char) in {"Cf", "Zl", "Zp"}:
            raise ValidationError(
                _("Please remove invisible control characters from this field."), code="invisible_characters"
            )


def no_control_characters_multiline(value: str) -> None:
    no_control_characters(value, allow_newlines=True)


def phone_number(value: str) -> None:
    allowed = set("0123456789+-/() ")
    digits = sum(char.isdigit() for char in value)
    if not set(value) <= allowed or not 5 <= digits <= 20:
        raise ValidationError(
            _("Enter a phone number with digits only, for example +49 341 1234567."), code="phone"
        )
