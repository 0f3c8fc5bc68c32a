"""A fixed-window rate limit in the shared cache (Redis in production)."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    # Behind the production proxy REMOTE_ADDR is the proxy; it must set X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


def too_many(scope: str, key: str, *, limit: int, window: int = 60) -> bool:
    """Count one attempt for (scope, key); True once more than `limit` were made in the current window.

    If the cache is unreachable the limit is not applied: a Redis outage must not stop sign-ups.
    """
    cache_key = f"ratelimit:{scope}:{key}"
    try:
        cache.add(cache_key, 0, timeout=window)
        try:
            return cache.incr(cache_key) > limit
        except ValueError:  # the key expired between add and incr
            cache.set(cache_key, 1, timeout=window)
            return False
    except Exception:  # noqa: BLE001 - any cache failure: let the person through
        logger.warning("Rate limit %s not applied: the cache is unreachable", scope)
        return False
