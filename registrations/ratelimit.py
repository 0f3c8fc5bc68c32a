"""A fixed-window rate limit in the shared cache (Redis in production)."""

from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the production proxy REMOTE_ADDR is the proxy; it must set X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


def too_many(scope: str, key: str, *, limit: int, window: int = 60) -> bool:
    """Count one attempt for (scope, key); True once more than `limit` were made in the current window."""
    cache_key = f"ratelimit:{scope}:{key}"
    cache.add(cache_key, 0, timeout=window)
    try:
        return cache.incr(cache_key) > limit
    except ValueError:  # the key expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        return False
