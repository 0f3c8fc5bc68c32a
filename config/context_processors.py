from django.conf import settings
from django.urls import reverse
from django.urls.exceptions import NoReverseMatch
from django.utils.translation import get_language, get_language_info, override


def site(request):
    """The language switcher: each language named in its own script, linking to this page in it."""
    current = get_language()
    urls = _this_page_in_every_language(request)
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


def _this_page_in_every_language(request) -> dict[str, str]:
    """Like django.urls.translate_url for each language, from the match Django resolved for this request
    (every page shows the switcher). A page without a match (404), or without a URL in a language, keeps
    its own address."""
    match = request.resolver_match
    if match is None:
        return {code: request.path for code, _name in settings.LANGUAGES}
    urls = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            try:
                urls[code] = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                urls[code] = request.path
    return urls
