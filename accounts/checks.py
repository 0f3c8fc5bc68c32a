"""Deployment checks for what protects the logins."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.security, deploy=True)
def rate_limits_need_a_shared_cache(app_configs, **kwargs):
    """Login lock-outs and rate limits count in the cache: a per-process cache counts per gunicorn worker
    (a dummy cache not at all), so an attacker gets workers × the limit. Production sets REDIS_URL."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Warning(
                f"The default cache is {backend.rsplit('.', 1)[-1]}: login lock-outs and rate limits are not "
                "shared between processes.",
                hint="Set REDIS_URL so that the cache is Redis.",
                id="accounts.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def staff_need_a_second_factor(app_configs, **kwargs):
    """The staff area and the admin show special-category data: in production they need MFA (accounts/mfa.py)."""
    if not settings.STAFF_MFA_REQUIRED:
        return [
            checks.Warning(
                "STAFF_MFA_REQUIRED is off: staff sign in to pages with special-category data with a password only.",
                hint="Remove STAFF_MFA_REQUIRED=false from the environment.",
                id="accounts.W002",
            )
        ]
    return []
