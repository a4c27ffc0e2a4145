"""Labels of continual improvement's records for people (``improvement.transitions``)."""

from django import template

from redress.improvement.transitions import event_label as _event_label
from redress.improvement.transitions import status_label as _status_label

register = template.Library()


@register.filter
def event_label(action: str) -> str:
    return _event_label(action)


@register.filter
def status_label(status: str) -> str:
    return _status_label(status)
