from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def site(request):
    """The language switcher: each language named in its own script, linking to this page in it."""
    current = get_language()
    return {
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(request.path, code),
                "is_current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ],
        "organiser_email": settings.ORGANISER_EMAIL,
        "plain_german_url": translate_url(request.path, "de-simple"),
    }
