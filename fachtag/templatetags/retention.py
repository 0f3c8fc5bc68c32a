"""The retention periods for the privacy notice (templates/pages/privacy.html)."""

from django import template

from fachtag import selectors

register = template.Library()


@register.simple_tag
def retention_periods() -> dict:
    return selectors.retention_periods()
