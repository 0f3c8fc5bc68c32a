from modeltranslation.translator import TranslationOptions, register

from registrations.models import MessageText


@register(MessageText)
class MessageTextTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("de",)
