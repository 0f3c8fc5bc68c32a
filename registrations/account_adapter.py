from allauth.account.adapter import DefaultAccountAdapter

from registrations import services


class AccountAdapter(DefaultAccountAdapter):
    """allauth, plus: a verified address takes over the guest registrations made with it."""

    def confirm_email(self, request, email_address) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            services.attach_to_account(user=email_address.user, email=email_address.email)
        return confirmed
