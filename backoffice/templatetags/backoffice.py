from django import template

from backoffice import access, audit
from fachtag.languages import interpreting_language_label

register = template.Library()


@register.simple_tag(takes_context=True)
def organises(context, event) -> bool:
    """Whether the person looking may organise this event (door staff see the check-in only)."""
    return access.can_organise(context["request"].user, event)


@register.filter
def audit_action(entry) -> str:
    """An audit entry's action in words (backoffice.audit.ACTION_LABELS)."""
    return audit.action_label(entry)


@register.filter
def interpreting_name(code: str) -> str:
    """An interpreting language by its name in the staff member's language ("Arabisch"), not its code."""
    return interpreting_language_label(code)
