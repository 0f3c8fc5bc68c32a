"""Database ids from forms and query strings: one parser, with a length cap.

Anything posted or queried as an id goes through here. A plain decimal number of at most MAX_DIGITS ASCII
digits is an id; anything else (other scripts' digits, signs, blanks, 5,000 digits that Python's int() refuses,
25 digits that overflow a database integer) is no id: the caller answers as for an id that does not exist.
"""

from collections.abc import Iterable

from django import forms

# Every id we make fits (a 64-bit integer holds 19 digits, 18 always fit, whatever the database).
MAX_DIGITS = 18


def parse_id(raw) -> int | None:
    """The id in `raw`, or None if it is not one."""
    if not isinstance(raw, str) or not 0 < len(raw) <= MAX_DIGITS or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)


def parse_ids(raws: Iterable) -> set[int]:
    """The ids among `raws` (the rest is left out)."""
    return {value for raw in raws if (value := parse_id(raw)) is not None}


class IdField(forms.IntegerField):
    """A form field for an id: the same rule as parse_id, with the form's "enter a whole number" error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 10**MAX_DIGITS - 1)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        parsed = parse_id(str(value).strip())
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed
