import datetime as dt
from typing import Any

from django import template
from django.urls import translate_url
from django.utils import dateformat
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_url(context: template.Context, language: str) -> str:
    """The current page in another language (/vi/... ↔ /en/...)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.inclusion_tag("portal/partials/field.html")
def field(bound_field, kind: str = "") -> dict:  # type: ignore[no-untyped-def]
    """One form field with its label, hint and error, tied together for screen readers."""
    widget = bound_field.field.widget
    if not kind:
        input_type = getattr(widget, "input_type", "")
        kind = {"radio": "group", "checkbox": "check"}.get(input_type, "input")
    return {"field": bound_field, "kind": kind, "name": bound_field.name}


# Dates as people write them: 24/11/2026 in Vietnamese, 24 November 2026 in English. The
# locale's long format repeats "Ngày" in the middle of a sentence.
_FORMATS = {"vi": ("d/m/Y", "H:i, d/m/Y"), "en": ("j F Y", "j F Y, H:i")}


@register.filter(expects_localtime=True)
def when(value: Any) -> str:
    """A date and time, in the organisation's time zone (the page activates it)."""
    if not value:
        return ""
    return dateformat.format(value, _FORMATS.get(get_language(), _FORMATS["vi"])[1])


@register.filter(expects_localtime=True)
def day(value: Any) -> str:
    if not value:
        return ""
    return dateformat.format(value, _FORMATS.get(get_language(), _FORMATS["vi"])[0])


@register.filter(expects_localtime=True)
def deadline(value: Any) -> str:
    """A deadline. One that falls at midnight is the end of the day before (Civil Code Art.
    148: a period ends at 24:00), and is shown as that day: “by 15/12/2026”."""
    if not value:
        return ""
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return day(value - dt.timedelta(minutes=1))
    return when(value)
