from django import template

from registrations.services.privacy import is_anonymised

register = template.Library()


@register.filter(name="is_anonymised")
def is_anonymised_filter(registration) -> bool:
    """True once the registration's personal data is erased (retention or a request)."""
    return is_anonymised(registration)
