"""HTTP helpers every app may use."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """Her address. Behind N proxies of ours (TRUSTED_PROXY_COUNT, as for allauth's limits) it is the N-th
    X-Forwarded-For entry from the right, the one our outermost proxy saw; entries further left are what
    the client claims and are never used. Anything that is not an IP address falls back to REMOTE_ADDR."""
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies:
        try:
            address = ipaddress.ip_address(forwarded[-proxies])
        except ValueError:
            address = None
        if address is not None and not getattr(address, "scope_id", None):
            return str(address)
    return request.META.get("REMOTE_ADDR", "")
