"""A change the event's lock did not let through in time (registrations.errors.Busy, CAP-08): the page comes
back with her entries and the staff message, as 503 with Retry-After, so that she sends it again shortly."""

RETRY_AFTER = "5"  # seconds


def sent_back(response):
    """The page answering a Busy change: 503 Service Unavailable, to be sent again after RETRY_AFTER."""
    response.status_code, response["Retry-After"] = 503, RETRY_AFTER
    return response
