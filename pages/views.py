"""Privacy notice, accessibility statement and imprint.

These are legal texts, so each language has its own content template, written natively
(`templates/pages/<page>/<language>.html`) instead of gettext strings; German is the reference
version and the fallback for a language that has no template yet. The parts filled from data are
shared includes (`templates/pages/includes/`): the office's contact block, and the retention periods,
which the programme's template tag reads (fachtag/templatetags/retention.py), so this app imports none.
"""

import re
from datetime import date

from django.conf import settings
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import get_language

from pages.constants import ACCESSIBILITY_STATEMENT_PREPARED, PRIVACY_NOTICE_VERSION

REFERENCE_LANGUAGE = "de"

PAGE_TITLES = {
    "privacy": {
        "de": "Datenschutzhinweise",
        "en": "Privacy notice",
        "ar": "معلومات حماية البيانات",
        "fa": "اطلاعات حفاظت از داده‌ها",
        "uk": "Інформація про захист даних",
        "ru": "Информация о защите данных",
        "tr": "Veri koruma bilgilendirmesi",
        "pl": "Informacja o ochronie danych",
        "ro": "Informații privind protecția datelor",
        "vi": "Thông tin về bảo vệ dữ liệu",
    },
    "accessibility": {
        "de": "Erklärung zur Barrierefreiheit",
        "en": "Accessibility statement",
        "ar": "بيان إمكانية الوصول",
        "fa": "بیانیه دسترس‌پذیری",
        "uk": "Заява про доступність",
        "ru": "Заявление о доступности",
        "tr": "Erişilebilirlik beyanı",
        "pl": "Deklaracja dostępności",
        "ro": "Declarație de accesibilitate",
        "vi": "Tuyên bố về khả năng tiếp cận",
    },
    "imprint": {
        "de": "Impressum",
        "en": "Legal notice (Impressum)",
        "ar": "بيانات الناشر (Impressum)",
        "fa": "اطلاعات ناشر (Impressum)",
        "uk": "Вихідні дані (Impressum)",
        "ru": "Выходные данные (Impressum)",
        "tr": "Künye (Impressum)",
        "pl": "Nota prawna (Impressum)",
        "ro": "Mențiuni legale (Impressum)",
        "vi": "Thông tin pháp lý (Impressum)",
    },
}


def content_language(page: str) -> str:
    """The language whose content template is shown: the active one if written, else German."""
    active = get_language() or REFERENCE_LANGUAGE
    for language in dict.fromkeys([active, active.split("-")[0], REFERENCE_LANGUAGE]):
        try:
            get_template(f"pages/{page}/{language}.html")
        except TemplateDoesNotExist:
            continue
        return language
    raise TemplateDoesNotExist(f"pages/{page}/{REFERENCE_LANGUAGE}.html")


def _render_page(request, page: str, **extra):
    language = content_language(page)
    context = {
        "page_title": PAGE_TITLES[page].get(language, PAGE_TITLES[page][REFERENCE_LANGUAGE]),
        "content_template": f"pages/{page}/{language}.html",
        "office_name": settings.OFFICE_NAME,
        "office_address": settings.OFFICE_ADDRESS,
        "office_phone": settings.OFFICE_PHONE,
        # tel: links take digits and a leading + only.
        "office_phone_href": "tel:" + re.sub(r"[^\d+]", "", settings.OFFICE_PHONE),
        "organiser_email": settings.ORGANISER_EMAIL,
        **extra,
    }
    return render(request, f"pages/{page}.html", context)


def privacy(request):
    return _render_page(
        request,
        "privacy",
        dpo_email=settings.DATA_PROTECTION_OFFICER_EMAIL,
        privacy_notice_version=PRIVACY_NOTICE_VERSION,
        privacy_notice_date=date.fromisoformat(PRIVACY_NOTICE_VERSION),
    )


def accessibility(request):
    return _render_page(
        request,
        "accessibility",
        site_url=settings.SITE_URL,
        statement_prepared=date.fromisoformat(ACCESSIBILITY_STATEMENT_PREPARED),
    )


def imprint(request):
    return _render_page(request, "imprint")
