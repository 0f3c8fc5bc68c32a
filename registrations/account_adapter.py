from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from accounts.signals import login_locked
from registrations import services


class AccountAdapter(DefaultAccountAdapter):
    """allauth, plus: a verified address takes over the guest registrations made with it."""

    def confirm_email(self, request, email_address) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            services.attach_to_account(user=email_address.user, email=email_address.email)
        return confirmed

    def pre_authenticate(self, request, **credentials) -> None:
        """allauth refuses the attempt when the login_failed limit is reached; the lock-out is logged."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            login_locked(request, credentials)
            raise
