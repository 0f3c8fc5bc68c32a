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
