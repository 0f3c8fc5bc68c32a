"""Optional error reporting to Sentry (or a compatible service such as GlitchTip): set SENTRY_DSN.

No personal data leaves: no user, cookies, headers, request bodies, query strings or local variables, and
personal-link tokens are cut out of URLs and breadcrumbs before an event is sent (before_send).
"""

from config.log_redaction import redact


def scrub(event: dict, hint=None) -> dict:
    event.pop("user", None)
    request = event.get("request")
    if request:
        event["request"] = {key: request[key] for key in ("method", "url") if key in request}
        if "url" in event["request"]:
            event["request"]["url"] = redact(event["request"]["url"])
    if "transaction" in event:
        event["transaction"] = redact(event["transaction"])
    for exception in (event.get("exception") or {}).get("values", []):
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        if crumb.get("message"):
            crumb["message"] = redact(crumb["message"])
        crumb.pop("data", None)
    return event


def init(dsn: str, *, environment: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        data_collection={"user_info": False, "http_bodies": [], "stack_frame_variables": False},
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=scrub,
    )
