"""Text that organisers or participants typed, shaped for pages, mails and PDFs in every writing direction.

Latin text inside an Arabic or Persian page (a venue, an address, a German title, a name, an e-mail address)
is isolated in <bdi>, so the right-to-left paragraph does not reorder it: "Martin-Luther-Ring 4–6, Neues
Rathaus" stays as it is instead of "Neues Rathaus ,4–6 Martin-Luther-Ring". Addresses typed with line breaks
become lines in HTML and one line, joined with ", ", in plain text.

WeasyPrint (PDFs) ignores `unicode-bidi`, so <bdi> alone does not isolate there: with the argument "pdf" the
text is also put between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (U+2068, U+2069), which the text
layout (Pango with FriBidi) honours: `{{ name|isolate:"pdf" }}`.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from fachtag.models import address_lines, one_line

register = template.Library()


FSI, PDI = "\u2068", "\u2069"


def _isolated(medium: str) -> str:
    return f"<bdi>{FSI}{{}}{PDI}</bdi>" if medium == "pdf" else "<bdi>{}</bdi>"


@register.filter
def isolate(value, medium: str = "") -> str:
    """The value, escaped, in <bdi>: its direction comes from its own first letter, not from the page."""
    if value is None or value == "":
        return ""
    return format_html(_isolated(medium), value)


@register.filter
def ltr(value, medium: str = "") -> str:
    """Left to right whatever it starts with (a time such as 10:30–12:00, which an Arabic line would turn round)."""
    if value is None or value == "":
        return ""
    template = '<bdi dir="ltr">\u2066{}\u2069</bdi>' if medium == "pdf" else '<bdi dir="ltr">{}</bdi>'
    return format_html(template, value)


@register.filter
def lines(value, medium: str = "") -> str:
    """Text typed with line breaks (or a list of lines) as escaped, isolated lines with <br> between them."""
    items = address_lines(value) if isinstance(value, str) else value
    return format_html_join(mark_safe("<br>"), _isolated(medium), ((line,) for line in items))


@register.filter(name="one_line")
def one_line_filter(value) -> str:
    """Text typed with line breaks as one line joined with ", " (plain-text mails)."""
    return one_line(value or "")
