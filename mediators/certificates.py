"""Certificates of participation as PDF (WeasyPrint): German, and her language on a second page."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from mediators.models import Enrolment


def certificate_pdf(enrolment: Enrolment) -> bytes:
    profile = enrolment.mediator
    languages = ["de"] if profile.language == "de" else ["de", profile.language]
    attended = (
        enrolment.records.filter(attended=True)
        .select_related("session__slot")
        .order_by("session__slot__starts_at")
    )
    pages = []
    for language in languages:
        with translation.override(language):
            pages.append(
                render_to_string(
                    "mediators/certificate_page.html",
                    {
                        "name": profile.user.get_full_name() or profile.user.email,
                        "event": enrolment.event,
                        "sessions": attended,
                        "count": len(attended),
                        "office": settings.OFFICE_NAME,
                        "address": settings.OFFICE_ADDRESS,
                        "issued": timezone.localdate(),
                        "language": language,
                        "bidi": translation.get_language_bidi(),
                    },
                )
            )
    html = render_to_string("mediators/certificate.html", {"pages": pages})
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()


def attachment(*, enrolment_id: int) -> tuple[str, bytes, str]:
    """For the certificate e-mail: an ASCII file name, the PDF, its type."""
    return "certificate.pdf", certificate_pdf(Enrolment.objects.get(pk=enrolment_id)), "application/pdf"
