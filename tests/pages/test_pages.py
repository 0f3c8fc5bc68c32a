from datetime import date
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from pages import constants, views

pytestmark = pytest.mark.django_db

# Plain German rewrites the participant-facing pages; the legal texts stay in standard German for it.
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "de-simple"]
RIGHT_TO_LEFT = {"ar", "fa"}
SECTIONS = {
    "privacy": [
        "controller",
        "dpo",
        "data",
        "purposes",
        "legal-basis",
        "recipients",
        "retention",
        "rights",
        "complaint",
    ],
    "accessibility": ["status", "prepared", "feedback", "enforcement"],
    "imprint": ["publisher", "responsible", "licence"],
}
PAGES = list(SECTIONS)


class Page(HTMLParser):
    """The few facts these tests read from a rendered page: elements with their attributes, title, main text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str], bool]] = []
        self.title = ""
        self.main_text = ""
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        in_main = "main" in self._open
        self.elements.append((tag, {name: value or "" for name, value in attrs}, in_main))
        if tag not in {"br", "meta", "link", "img", "input"}:
            self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data):
        if self._open and self._open[-1] == "title":
            self.title += data
        if "main" in self._open:
            self.main_text += data

    def first(self, tag: str) -> dict[str, str]:
        return self.all(tag)[0]

    def all(self, tag: str, *, in_main: bool = False) -> list[dict[str, str]]:
        return [attrs for name, attrs, inside in self.elements if name == tag and (inside or not in_main)]


def get_page(client, name: str, language: str):
    with translation.override(language):
        url = reverse(f"pages:{name}")
    response = client.get(url)
    return response, Page(response.content.decode())


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_page_is_served_in_every_language_with_its_own_text(client, name, language):
    response, page = get_page(client, name, language)

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == f"/{language}/{name}/"
    assert f"pages/{name}/{language}.html" in [template.name for template in response.templates]
    html = page.first("html")
    assert html["lang"] == language
    assert html["dir"] == ("rtl" if language in RIGHT_TO_LEFT else "ltr")
    assert page.title.startswith(views.PAGE_TITLES[name][language] + " – ")


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_page_has_one_h1_and_every_required_section_heading(client, name, language):
    _response, page = get_page(client, name, language)

    assert [h1["class"] for h1 in page.all("h1")] == ["kern-heading-large"]
    headings = {h2["id"]: h2["class"] for h2 in page.all("h2")}
    assert list(headings) == SECTIONS[name]
    assert set(headings.values()) == {"kern-heading-medium"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_privacy_notice_names_the_configured_controller_dpo_and_version(client, settings, language):
    settings.OFFICE_NAME = "Stadt Musterstadt, Amt für Integration"
    settings.OFFICE_ADDRESS = "Marktplatz 1, 01234 Musterstadt"
    settings.OFFICE_PHONE = "+49 30 1234-56"
    settings.ORGANISER_EMAIL = "fachtag@musterstadt.example"
    settings.DATA_PROTECTION_OFFICER_EMAIL = "dsb@musterstadt.example"

    _response, page = get_page(client, "privacy", language)

    for value in (
        "Stadt Musterstadt, Amt für Integration",
        "Marktplatz 1, 01234 Musterstadt",
        "+49 30 1234-56",
    ):
        assert value in page.main_text
    hrefs = {a["href"] for a in page.all("a")}
    assert {
        "mailto:fachtag@musterstadt.example",
        "mailto:dsb@musterstadt.example",
        "tel:+4930123456",
    } <= hrefs
    assert constants.PRIVACY_NOTICE_VERSION in page.main_text
    assert {"datetime": constants.PRIVACY_NOTICE_VERSION} in page.all("time")


def test_privacy_notice_version_is_an_iso_date():
    assert (
        date.fromisoformat(constants.PRIVACY_NOTICE_VERSION).isoformat() == constants.PRIVACY_NOTICE_VERSION
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_accessibility_statement_and_imprint_show_the_office_contact(client, settings, language):
    settings.OFFICE_NAME = "Stadt Musterstadt, Amt für Integration"
    settings.ORGANISER_EMAIL = "fachtag@musterstadt.example"

    for name in ("accessibility", "imprint"):
        _response, page = get_page(client, name, language)
        assert "Stadt Musterstadt, Amt für Integration" in page.main_text
        assert "mailto:fachtag@musterstadt.example" in {a["href"] for a in page.all("a")}


@pytest.mark.parametrize("name", PAGES)
def test_german_and_arabic_pages_are_different_texts(client, name):
    _response, german = get_page(client, name, "de")
    _response, arabic = get_page(client, name, "ar")

    assert german.main_text != arabic.main_text
    assert views.PAGE_TITLES[name]["de"] in german.main_text
    assert any("\u0600" <= character <= "\u06ff" for character in arabic.main_text)
    assert not any("\u0600" <= character <= "\u06ff" for character in german.main_text)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "de"])
def test_translations_link_to_the_binding_german_version(client, name, language):
    _response, page = get_page(client, name, language)

    german_links = [a for a in page.all("a", in_main=True) if a.get("href") == f"/de/{name}/"]
    assert len(german_links) == 1
    assert german_links[0]["lang"] == german_links[0]["hreflang"] == "de"


@pytest.mark.parametrize("name", PAGES)
def test_pages_load_nothing_from_other_origins(client, name):
    _response, page = get_page(client, name, "de")

    for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
        for attrs in page.all(tag):
            assert not attrs.get(attribute, "").startswith(("http:", "https:", "//"))


def test_content_falls_back_to_german_for_a_language_without_text():
    with translation.override("fr"):
        assert views.content_language("privacy") == "de"
    with translation.override("en-gb"):
        assert views.content_language("privacy") == "en"
    with translation.override("ar"):
        assert views.content_language("privacy") == "ar"


def test_every_page_title_exists_in_every_language():
    for titles in views.PAGE_TITLES.values():
        assert set(titles) == set(LANGUAGES)


@pytest.mark.parametrize("name", ["privacy", "accessibility", "imprint"])
def test_plain_german_shows_the_standard_german_legal_text(client, name):
    response, _page = get_page(client, name, "de-simple")
    assert response.status_code == 200
    assert f"pages/{name}/de.html" in [t.name for t in response.templates]
