from urllib.parse import unquote

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils.translation import get_language, get_language_info, override


def site(request):
    """The language switcher: each language named in its own script, linking to this page in it."""
    current = get_language()
    urls = _this_page_in_every_language(request.path)
    return {
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": urls[code],
                "is_current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ],
        "organiser_email": settings.ORGANISER_EMAIL,
        "plain_german_url": urls["de-simple"],
    }


def _this_page_in_every_language(path: str) -> dict[str, str]:
    """Like django.urls.translate_url for each language, with the path resolved only once (every page
    shows the switcher). A path that does not resolve, or has no URL in a language, stays as it is."""
    try:
        match = resolve(unquote(path))
    except Resolver404:
        return {code: path for code, _name in settings.LANGUAGES}
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    urls = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            try:
                urls[code] = reverse(name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                urls[code] = path
    return urls
