"""The form for one language's translations: one field per text, its German source as the hint beside it."""

from django import forms
from django.utils.html import format_html
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from backoffice.translations import Text


class TranslationsForm(forms.Form):
    def __init__(self, *args, texts: list[Text], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        direction = "rtl" if get_language_info(language)["bidi"] else "ltr"
        for text in texts:
            attrs = {"lang": language, "dir": direction}
            widget = forms.Textarea(attrs={**attrs, "rows": 4}) if text.multiline else forms.TextInput(attrs)
            self.fields[text.key] = forms.CharField(
                label=text.label,
                required=False,
                max_length=text.max_length,
                initial=text.values[language],
                widget=widget,
                help_text=format_html(
                    '{} <span lang="de" dir="ltr" class="translation-source">{}</span>',
                    _("German:"),
                    text.source,
                ),
            )
