"""The checklist before publishing, for the event's dashboard."""

from django import template

from backoffice import checklist

register = template.Library()


@register.simple_tag
def event_checklist(event):
    return checklist.checklist(event)
