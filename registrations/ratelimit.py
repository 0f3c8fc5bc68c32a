"""A fixed-window rate limit in the shared cache (Redis in production)."""

import hashlib
import logging

from django.core.cache import cache

from config.redis_client import redis_client

logger = logging.getLogger(__name__)


def too_many(scope: str, key: str, *, limit: int, window: int = 60) -> bool:
    """Count one attempt for (scope, key); True once more than `limit` were made in the current window.

    If the cache is unreachable the limit is not applied: a Redis outage must not stop sign-ups.
    """
    # Hashed: whatever the key holds (an address, an e-mail address), the cache key is short and valid.
    cache_key = f"ratelimit:{scope}:{hashlib.sha256(key.encode('utf-8', 'replace')).hexdigest()}"
    try:
        return _count(cache_key, window) > limit
    except Exception:  # noqa: BLE001 - any cache failure: let the person through
        logger.warning("Rate limit %s not applied: the cache is unreachable", scope)
        return False


# Mails with her personal link, however asked for ("Lost your link?" or a sign-up with her address).
LINKS_PER_ADDRESS_PER_HOUR = 3


def link_mail_allowed(email: str) -> bool:
    """Counts one link mail for this address: False once LINKS_PER_ADDRESS_PER_HOUR went out this hour, so
    nobody can flood her mailbox (or learn more) by asking again and again."""
    return not too_many(
        "link-mail-address", email.strip().lower(), limit=LINKS_PER_ADDRESS_PER_HOUR, window=3600
    )


def first_use(scope: str, key: str, owner: str, *, window: int = 2 * 3600) -> bool:
    """True if `key` (e.g. a form's submission key) is used for the first time within `window`, or again by
    the same owner (her double click, or sending again after a fault); False if someone else used it.

    If the cache is unreachable every use counts as the first, as for the rate limits.
    """
    cache_key = f"first-use:{scope}:{hashlib.sha256(key.encode('utf-8', 'replace')).hexdigest()}"
    mark = hashlib.sha256(owner.strip().lower().encode("utf-8", "replace")).hexdigest()
    try:
        return cache.add(cache_key, mark, timeout=window) or cache.get(cache_key) == mark
    except Exception:  # noqa: BLE001 - any cache failure: let the person through
        logger.warning("First use of %s not checked: the cache is unreachable", scope)
        return True


def _count(cache_key: str, window: int) -> int:
    """This attempt's number in its window; the first attempt opens the window."""
    client = redis_client()
    if client is None:  # no Redis (the quick start): the process's own cache
        cache.add(cache_key, 0, timeout=window)
        try:
            return cache.incr(cache_key)
        except ValueError:  # the key expired between add and incr: a new window
            cache.set(cache_key, 1, timeout=window)
            return 1
    # One round trip (a rush makes one per sign-up): count, and start the window's clock if none runs.
    pipe = client.pipeline()  # MULTI/EXEC: both or neither
    pipe.incr(cache_key)
    pipe.expire(cache_key, window, nx=True)
    return pipe.execute()[0]
