"""A page rendered once and shared by many visitors, with the few values that must be hers filled in.

The empty sign-up page is the same for every anonymous visitor in a language, except for three values:
her CSRF token, the form's signed start time and its submission key. During a rush it is rendered once
per cached copy of the programme and language (and per process), with unguessable markers where those
values go; each request gets the stored page with fresh values put in place of the markers.
"""

import secrets
from collections.abc import Callable

from django.core.cache import caches
from django.http import HttpResponse


def shared_page(
    *,
    key: str,
    seconds: int,
    render: Callable[[dict[str, str]], str],
    fill: dict[str, Callable[[], str]],
) -> HttpResponse:
    """The page stored under key (kept `seconds`), rendered by render(markers) when missing, with each
    marker replaced by fill[name]() for this request. The markers are random, so no text on the page
    (an organiser's or a participant's) can contain one."""
    cache = caches["fragments"]
    stored = cache.get(key)
    if stored is None:
        markers = {name: f"personal-{secrets.token_hex(16)}" for name in fill}
        stored = (markers, render(markers))
        cache.set(key, stored, seconds)
    markers, page = stored
    for name, value in fill.items():
        page = page.replace(markers[name], value())
    return HttpResponse(page)
