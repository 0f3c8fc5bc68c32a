"""Two-factor sign-in for the staff area (django-allauth's MFA: authenticator app and recovery codes).

Organisers, door staff and administrators see names, addresses and special-category data (accessibility
needs, children's ages), so the staff area and the admin open only to someone whose account has an
authenticator app: allauth then asks for its code at every sign-in. Someone signed in without one is sent
to set it up first (after confirming her password); she then sees her recovery codes to keep.
"""

import segno
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

STAFF_AREAS = ("/staff/", "/admin/")


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The set-up QR code with segno, which the check-in codes use already (no second QR library)."""
        return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


class StaffAreaNeedsSecondFactor:
    """Staff area and admin: signed-in accounts without an authenticator app set one up first (one query
    on those pages; none anywhere else)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.STAFF_MFA_REQUIRED
            and request.path_info.startswith(STAFF_AREAS)
            and request.user.is_authenticated
            and not is_mfa_enabled(request.user, types=[Authenticator.Type.TOTP])
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
