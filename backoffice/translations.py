"""The organisers' texts of an event and their translations: what there is, what is missing, and saving one
language's translations.

German (the `_de` field) is the source. Which fields are translated comes from modeltranslation's registry
(fachtag/translation.py, registrations/translation.py), and which rows belong to the event from the models'
foreign keys, so a text registered there later shows up here without a change.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from backoffice.models import AuditEntry
from fachtag.models import Event
from registrations.services.locking import lock_event

SOURCE_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
# Plain German falls back to standard German, which she can read: a missing rewrite is no gap to warn about.
OPTIONAL_LANGUAGES = frozenset({"de-simple"})


class UnknownLanguage(Exception):
    pass


@dataclass
class Text:
    """One translatable field of one row: its German source and what each language has."""

    key: str
    model: type[models.Model]
    pk: int
    field: str
    label: str
    source: str
    values: dict[str, str]
    max_length: int | None
    multiline: bool


@dataclass
class Completeness:
    code: str
    name: str
    done: int
    total: int
    bidi: bool
    counts_for_checklist: bool = field(default=True)


def target_languages() -> list[tuple[str, str]]:
    """Every configured language but German, with its name in the active language."""
    return [(code, str(name)) for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def is_target_language(code: str) -> bool:
    return code in dict(target_languages())


def _event_lookup(model: type[models.Model]) -> str | None:
    """The lookup from `model` to its event's id ("pk", "event_id", "slot__event_id"), or None for a model
    that belongs to no event."""
    if model is Event:
        return "pk"
    for relation in model._meta.get_fields():
        if not relation.many_to_one or relation.related_model is None:
            continue
        if relation.related_model is Event:
            return f"{relation.name}_id"
        for parent in relation.related_model._meta.get_fields():
            if parent.many_to_one and parent.related_model is Event:
                return f"{relation.name}__{parent.name}_id"
    return None


def texts(event: Event) -> list[Text]:
    """Every translatable text of the event that has a German source, in the order of the registry (event,
    time slots, workshops, message texts), one query per model."""
    found = []
    for model in translator.get_registered_models():
        lookup = _event_lookup(model)
        if lookup is None:
            continue
        registered = translator.get_options_for_model(model).fields
        # In the model's order (title, then description): the registry's own order is not stable.
        names = [f.name for f in model._meta.concrete_fields if f.name in registered]
        for row in model.objects.filter(**{lookup: event.pk}):
            for name in names:
                text = _text(model, row, name)
                if text.source.strip():
                    found.append(text)
    return found


def _text(model, row, name: str) -> Text:
    model_field = model._meta.get_field(name)
    values = {
        code: getattr(row, build_localized_fieldname(name, code)) or "" for code, _name in settings.LANGUAGES
    }
    return Text(
        key=f"{model._meta.model_name}-{row.pk}-{name}",
        model=model,
        pk=row.pk,
        field=name,
        label=f"{capfirst(model._meta.verbose_name)}: {row} – {model_field.verbose_name}",
        source=values.pop(SOURCE_LANGUAGE),
        values=values,
        max_length=model_field.max_length,
        multiline=isinstance(model_field, models.TextField),
    )


def completeness(found: list[Text]) -> list[Completeness]:
    """Per language: how many of the texts are translated."""
    return [
        Completeness(
            code=code,
            name=name,
            done=sum(1 for text in found if text.values[code].strip()),
            total=len(found),
            bidi=get_language_info(code)["bidi"],
            counts_for_checklist=code not in OPTIONAL_LANGUAGES,
        )
        for code, name in target_languages()
    ]


@transaction.atomic
def save_translations(*, event_id: int, language: str, values: dict[str, str], actor, ip=None) -> int:
    """Write one language's translations of the event's texts in one transaction, audited (which texts, never
    their words); returns how many changed. `values` maps Text.key to the translation ("" removes it, and
    participants see the German text again). Keys of texts that are not the event's are ignored. Raises
    UnknownLanguage for German or a language that is not configured, Busy when the event stays locked too
    long."""
    if not is_target_language(language):
        raise UnknownLanguage(language)
    # Lock the event so two organisers saving at once write one after the other, each on what is there.
    event = lock_event(event_id)
    changed = []
    for text in texts(event):
        if text.key not in values:
            continue
        new = values[text.key].strip()
        if new != text.values[language]:
            column = build_localized_fieldname(text.field, language)
            text.model.objects.filter(pk=text.pk).update(**{column: new})
            changed.append(text.key)
    if changed:
        # The public pages keep the programme and the sign-up form by the event's updated_at.
        Event.objects.filter(pk=event.pk).update(updated_at=timezone.now())
        AuditEntry.objects.create(
            actor=actor,
            action="translations",
            event=event,
            detail={"language": language, "texts": changed},
            ip=ip or None,
        )
    return len(changed)
