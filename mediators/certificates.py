"""Certificates of participation as PDF (WeasyPrint): German, and her language on a second page.

The certificate lists the sessions she attended that took place and is dated on the day she reached the
series' minimum (services.certificate_date). Its file is named after the series and her name, in German
like its first page: `Zertifikat-Sprachmittler-Fortbildung-2027-Leyla-Demir.pdf`.
"""

import re
import unicodedata
from urllib.parse import quote

from fachtag import pdf
from mediators import services
from mediators.models import Enrolment
from notifications import attachments

# The word the file name starts with; German, as the certificate's first page is.
FILE_PREFIX = "Zertifikat"
# German letters that Unicode decomposition would spoil ("Müller" is "Mueller", not "Muller").
GERMAN_FOLDING = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def certificate_pdf(enrolment: Enrolment) -> bytes:
    profile = enrolment.mediator
    languages = ["de"] if profile.language == "de" else ["de", profile.language]
    attended = list(services.sessions_that_count(enrolment))
    context = {
        "name": profile.user.get_full_name() or profile.user.email,
        "event": enrolment.event,
        "sessions": attended,
        "count": len(attended),
        "issued": services.certificate_date(enrolment),
    }
    pages = pdf.certificate_pages("mediators/certificate_page.html", languages, context)
    return pdf.render_pdf("mediators/certificate.html", {"pages": pages})


def _words(text: str, *, ascii_only: bool) -> list[str]:
    """The words of a text for a file name: letters and digits; folded to ASCII when asked (letters
    without an ASCII form, Arabic or Cyrillic, drop out)."""
    if ascii_only:
        text = unicodedata.normalize("NFKD", text.translate(GERMAN_FOLDING))
        text = text.encode("ascii", "ignore").decode()
    return re.findall(r"[^\W_]+", text)


def file_names(enrolment: Enrolment) -> tuple[str, str]:
    """(ASCII file name, the same in full Unicode): after the series' German title and her name.
    Nothing of a path or a header can survive: only letters, digits and hyphens are kept."""
    event = enrolment.event
    title = getattr(event, "title_de", "") or event.title
    name = enrolment.mediator.user.get_full_name()
    names = []
    for ascii_only in (True, False):
        words = [FILE_PREFIX, *_words(title, ascii_only=ascii_only), *_words(name, ascii_only=ascii_only)]
        names.append("-".join(words)[:150].rstrip("-") + ".pdf")
    return names[0], names[1]


def content_disposition(enrolment: Enrolment) -> str:
    """attachment with the ASCII name, and the full name as RFC 6266 filename* when it differs."""
    ascii_name, full_name = file_names(enrolment)
    header = f'attachment; filename="{ascii_name}"'
    if full_name != ascii_name:
        header += f"; filename*=UTF-8''{quote(full_name, safe='')}"
    return header


@attachments.register("mediator-certificate")
def attachment(*, enrolment_id: int) -> tuple[str, bytes, str]:
    """For the certificate e-mail: the ASCII file name (non-Latin names in mail headers hurt
    deliverability, see notifications.rendering), the PDF, its type."""
    enrolment = Enrolment.objects.select_related("event", "mediator__user").get(pk=enrolment_id)
    return file_names(enrolment)[0], certificate_pdf(enrolment), "application/pdf"
