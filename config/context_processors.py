from django.conf import settings
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language, get_language_info


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
    """This page's address in each language. Every page in a language lives under its /<code>/ prefix with
    the same path after it (config/urls.py translates no path), so the prefix is swapped: what
    django.urls.translate_url gives, without resolving and reversing the page twelve times. A page without
    a prefix (staff area, admin) or without a match (404) keeps its own address."""
    path, prefix = request.path_info, f"/{get_language()}/"
    if request.resolver_match is None or not path.startswith(prefix):
        return {code: request.path for code, _name in settings.LANGUAGES}
    script = request.path[: len(request.path) - len(path)]  # the site's own prefix (SCRIPT_NAME), if any
    rest = escape_uri_path(path[len(prefix) :])
    return {code: f"{script}/{code}/{rest}" for code, _name in settings.LANGUAGES}
