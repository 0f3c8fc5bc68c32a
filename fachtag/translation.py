"""Organiser-written texts, per configured language; German is the fallback (modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from fachtag.models import Event, TimeSlot, Workshop


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("de",)


@register(TimeSlot)
class TimeSlotTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Workshop)
class WorkshopTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("de",)
