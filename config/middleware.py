import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError, close_old_connections
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


class RememberLanguageMiddleware:
    """The language of the last language-prefixed page she opened is remembered (cookie), so that the
    next visit to the bare address starts in it: URL prefix, else her choice, else the browser, else German."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        chosen = translation.get_language_from_path(request.path_info)
        if (
            chosen
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != chosen
            and response.status_code < 400
        ):
            response.set_cookie(  # as Django's set_language view sets it
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class StaffLanguageMiddleware:
    """Staff pages (/staff/, no language prefix) speak the staff member's own language (User.language, set
    with the back office's switch), German by default: never the language cookie she last used to preview a
    public page, nor her browser's. Runs after the authentication middleware; public pages are left alone."""

    AREA = "/staff/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(self.AREA):
            user = getattr(request, "user", None)
            language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
            language = language if language in dict(settings.STAFF_LANGUAGES) else settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Only our own origin: no inline scripts, no plugins, no framing, forms post only to us.

    KERN draws its icons as data: SVG images in its stylesheet, hence `img-src data:`. The admin keeps
    Django's own inline styles, so style attributes are allowed there only.
    """

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    )
    ADMIN_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = self.ADMIN_POLICY if request.path.startswith("/admin/") else self.POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        return response


class StaffPagesNotStoredMiddleware:
    """Staff and admin pages show personal data: no browser or proxy cache keeps them (`no-store`), whatever
    the view says, so nobody reads them back from a shared computer's cache or history."""

    AREAS = ("/staff/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.AREAS):
            add_never_cache_headers(response)
        return response


class DatabaseUnavailableMiddleware:
    """A lost database connection (server restarted, connection dropped, failover) gives her a clear page
    that says nothing was lost and to try again in a moment (503 with Retry-After), never a bare 500.

    The broken connection is closed at once, so the next request opens a fresh one. Rendering this page
    needs no database: she is shown as not logged in, whatever her session says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable during %s %s: %s", request.method, request.path, exception)
        close_old_connections()  # the failed connection: the next query opens a fresh one
        response = render(request, "503.html", {"user": AnonymousUser()}, status=503)
        response["Retry-After"] = "10"
        return response
