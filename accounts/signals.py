"""Every sign-in attempt is logged (ASVS V16.3.1): success, failure, lock-out and sign-out, with the
connection it came from. Passwords and addresses never appear: the address tried is logged as a keyed hash
(the same address, the same value, so repeated attempts on one account show; an operator can compute it for
an address she is asked about, nobody can read the address back), which also cannot forge a log line."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from config.http import client_ip

logger = logging.getLogger("accounts.security")


def _ip(request) -> str:
    return client_ip(request) if request is not None else "-"


def login_hash(address: str) -> str:
    """The keyed hash an address tried at sign-in is logged as."""
    return salted_hmac("accounts.security.login", address.strip().lower()).hexdigest()[:16]


def _login(credentials) -> str:
    return login_hash(str(credentials.get("email") or credentials.get("username") or "")[:254])


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    logger.info("login ok user=%s ip=%s", user.pk, _ip(request))


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    logger.warning("login failed login=%s ip=%s", _login(credentials), _ip(request))


def login_locked(request, credentials) -> None:
    """allauth refused the attempt because the address or connection hit its login_failed limit."""
    logger.warning("login locked login=%s ip=%s", _login(credentials), _ip(request))


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    logger.info("logout user=%s ip=%s", getattr(user, "pk", None), _ip(request))
