"""Her check-in QR code: it holds a signed check-in token (not a link, not her manage link)."""

import io

import segno
from django.utils.translation import gettext as _

from notifications import attachments
from registrations.models import Registration
from registrations.tokens import CHECKIN_SALT, make_token


def _qr(registration: Registration) -> segno.QRCode:
    # Level M (15 % of the code may be damaged or creased); never raised, so the code stays as small as it can.
    return segno.make_qr(make_token(registration, salt=CHECKIN_SALT), error="m", boost_error=False)


def qr_svg(registration: Registration, *, scale: int = 5) -> bytes:
    """Her check-in QR code as an SVG element (no XML declaration, white background, a <title>)."""
    out = io.BytesIO()
    _qr(registration).save(
        out,
        kind="svg",
        scale=scale,
        light="white",
        xmldecl=False,
        svgclass=None,
        lineclass=None,
        title=_("QR code for the check-in"),
    )
    return out.getvalue()


def qr_png(registration: Registration, *, scale: int = 8) -> bytes:
    """Her check-in QR code as a PNG (for the confirmation e-mail)."""
    out = io.BytesIO()
    _qr(registration).save(out, kind="png", scale=scale)
    return out.getvalue()


@attachments.register("registration-qr")
def qr_attachment(*, registration_id: int) -> tuple[str, bytes, str]:
    """For the confirmation e-mail: her QR code as a PNG file to show at the door."""
    return "checkin-qr.png", qr_png(Registration.objects.get(pk=registration_id)), "image/png"
