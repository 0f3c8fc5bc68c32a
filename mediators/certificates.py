"""Certificates of participation as PDF (WeasyPrint): German, and her language on a second page."""

from fachtag import pdf
from mediators.models import Enrolment
from notifications import attachments


def certificate_pdf(enrolment: Enrolment) -> bytes:
    profile = enrolment.mediator
    languages = ["de"] if profile.language == "de" else ["de", profile.language]
    attended = (
        enrolment.records.filter(attended=True)
        .select_related("session__slot")
        .order_by("session__slot__starts_at")
    )
    context = {
        "name": profile.user.get_full_name() or profile.user.email,
        "event": enrolment.event,
        "sessions": attended,
        "count": len(attended),
    }
    pages = pdf.certificate_pages("mediators/certificate_page.html", languages, context)
    return pdf.render_pdf("mediators/certificate.html", {"pages": pages})


@attachments.register("mediator-certificate")
def attachment(*, enrolment_id: int) -> tuple[str, bytes, str]:
    """For the certificate e-mail: an ASCII file name, the PDF, its type."""
    return "certificate.pdf", certificate_pdf(Enrolment.objects.get(pk=enrolment_id)), "application/pdf"
