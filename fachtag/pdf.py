"""PDFs from templates (WeasyPrint): lists, badges and certificates.

Only our own static files may be loaded (fonts, stylesheets, the logo), whatever a template says: no
request leaves the server while a PDF is made. A document in several languages gets one page per
language, each rendered with its own lang and dir.
"""

import functools
import io
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from fontTools.ttLib import woff2
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticFilesOnly(URLFetcher):
    """Fetches files under static/ and nothing else (no network, whatever a template says).

    WOFF2 fonts are unpacked once per process: fontTools takes about a second per font, and every PDF
    would pay for it again.
    """

    def fetch(self, url, headers=None):
        static = (Path(settings.BASE_DIR) / "static").resolve()
        parts = urlsplit(url)
        path = Path(url2pathname(parts.path)).resolve()
        if parts.scheme != "file" or not path.is_relative_to(static):
            raise ValueError(f"Only our static files may be used in a PDF: {url}")
        if path.suffix == ".woff2":
            return URLFetcherResponse(url, body=_unpacked_font(str(path)))
        return super().fetch(url, headers)


@functools.cache
def _unpacked_font(path: str) -> bytes:
    unpacked = io.BytesIO()
    with open(path, "rb") as packed:
        woff2.decompress(packed, unpacked)
    return unpacked.getvalue()


def render_pdf(template: str, context: dict) -> bytes:
    """The template as a PDF, in the active language and its writing direction."""
    html = render_to_string(
        template,
        {**context, "language": translation.get_language(), "bidi": translation.get_language_bidi()},
    )
    base_url = str(settings.BASE_DIR / "static")
    return HTML(string=html, base_url=base_url, url_fetcher=StaticFilesOnly()).write_pdf()


def certificate_pages(template: str, languages: list[str], context: dict) -> list[str]:
    """The same certificate page in each language, signed by the office and dated today (or on the day
    the context's "issued" names)."""
    pages = []
    for language in languages:
        with translation.override(language):
            pages.append(
                render_to_string(
                    template,
                    {
                        **context,
                        "office": settings.OFFICE_NAME,
                        "address": settings.OFFICE_ADDRESS,
                        "issued": context.get("issued") or timezone.localdate(),
                        "language": language,
                        "bidi": translation.get_language_bidi(),
                    },
                )
            )
    return pages
