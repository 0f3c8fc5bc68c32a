from django.conf import settings
from django.utils import translation


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
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=settings.HTTPS,
                httponly=True,
            )
        return response


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
