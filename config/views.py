"""Pages of the site frame that no app owns."""

from urllib.parse import urlsplit

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a form that came back without its valid token (the page was open too long, the
    session or its cookie is gone, or the browser sent another origin). She reads in her language what to
    do, with a link back to the page she came from when that is ours; Django has logged the reason."""
    response = render(request, "403_csrf.html", {"back": _our_page(request)}, status=403)
    add_never_cache_headers(response)  # the link back may be her personal link
    return response


def _our_page(request) -> str:
    """The path of the page that sent the form, when the Referer names this site; else ""."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")
