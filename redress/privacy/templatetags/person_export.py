"""How the readable page of a person's data export (``privacy.export_render``) shows the plain
values of the export: times in the organisation's time zone, days and money as the reader's
language writes them, codes by their names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.db import models
from django.utils import formats, timezone

from redress.complaints.models import (
    Channel,
    Message,
    Outcome,
    Reaction,
    RemedyType,
    Status,
    VulnerableGroup,
)
from redress.complaints.transitions import Action
from redress.core.formats import day_format, money_format
from redress.notifications.models import OutboundEmail

register = template.Library()

LABELS: dict[str, type[models.TextChoices]] = {
    "action": Action,
    "channel": Channel,
    "direction": Message.Direction,
    "email_state": OutboundEmail.State,
    "outcome": Outcome,
    "reaction": Reaction,
    "remedy": RemedyType,
    "status": Status,
    "vulnerable": VulnerableGroup,
}


@register.filter
def when(value: Any) -> str:
    """An ISO 8601 time as "05/03/2026 14:30" in the active time zone; "" for none."""
    if not value:
        return ""
    moment = timezone.localtime(dt.datetime.fromisoformat(str(value)))
    return formats.date_format(moment, "d/m/Y H:i")


@register.filter
def day(value: Any) -> str:
    return day_format(dt.date.fromisoformat(str(value))) if value else ""


@register.filter
def money(value: Any, currency: str = "VND") -> str:
    return money_format(value, currency=currency or "VND")


@register.filter
def label(value: Any, kind: str) -> str:
    """A code's name in the active language (the code itself when it has none)."""
    if not value:
        return ""
    choices = LABELS[kind]
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)
