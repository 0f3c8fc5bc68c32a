from django import template

from backoffice import access

register = template.Library()


@register.simple_tag(takes_context=True)
def organises(context, event) -> bool:
    """Whether the person looking may organise this event (door staff see the check-in only)."""
    return access.can_organise(context["request"].user, event)
