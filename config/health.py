"""`GET /healthz`: is this web process able to serve? For container healthchecks, load balancers and monitoring.

Answered by the first middleware, before host validation and the HTTPS redirect: a healthcheck inside the
container asks `http://localhost:8000/healthz`, which is neither an allowed host nor https. It reveals no
personal data and needs no login; each check is one round trip with a short timeout.
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse

from config.redis_client import redis_client

PATH = "/healthz"


def _database() -> str:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:  # a round trip: an open but dead connection fails here
            cursor.execute("SELECT 1")
    except DatabaseError:  # Django drops a broken connection when the request ends (CONN_HEALTH_CHECKS)
        return "unavailable"
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"  # the quick start: tasks run in-process, the cache is in memory
    try:
        redis_client().ping()
    except Exception:  # any Redis or network error means the same to the operator
        return "unavailable"
    return "ok"


def health() -> tuple[int, dict]:
    parts = {"database": _database(), "redis": _redis()}
    healthy = all(state != "unavailable" for state in parts.values())
    return (200 if healthy else 503), {"status": "ok" if healthy else "unavailable", **parts}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        status, body = health()
        response = JsonResponse(body, status=status)
        response["Cache-Control"] = "no-store"
        return response
