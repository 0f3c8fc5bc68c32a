from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.signals import login_locked
from config.http import client_ip
from registrations import services


class AccountAdapter(DefaultAccountAdapter):
    """allauth, plus: a verified address takes over the guest registrations made with it, and its mails name
    the site as the settings do (SITE_NAME at SITE_URL), whatever the Site row says."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {**context, "current_site": configured_site()})

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def confirm_email(self, request, email_address) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            services.attach_to_account(user=email_address.user, email=email_address.email)
        return confirmed

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """What the per-"key" part of ACCOUNT_RATE_LIMITS["login_failed"] counts: the address tried together
        with the connection it is tried from. Wrong passwords from one connection lock that connection out
        for the address, not the account: anyone who knows an organiser's address could otherwise lock her
        out for 15 minutes at a time. (Password guessing across many connections meets the per-connection
        limit each, and staff accounts also need their second factor.)"""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request)}"

    def pre_authenticate(self, request, **credentials) -> None:
        """allauth refuses the attempt when the login_failed limit is reached; the lock-out is logged."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            login_locked(request, credentials)
            raise


@dataclass(frozen=True)
class ConfiguredSite:
    """What allauth's mail templates read of a Site (name, domain), from the settings."""

    name: str
    domain: str

    def __str__(self) -> str:
        return self.domain


def configured_site() -> ConfiguredSite:
    return ConfiguredSite(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
