"""One Redis client per process for REDIS_URL: the rate limits and the mail hand-over talk to Redis on it
directly (Django's cache makes a new client per call)."""

import functools

import redis
from django.conf import settings


@functools.cache
def redis_client() -> redis.Redis | None:
    """The process's client, with short timeouts: a hanging Redis must not hold up a request. None without
    REDIS_URL (the quick start, where the cache is the process's memory and tasks run at once)."""
    if not settings.REDIS_URL:
        return None
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
