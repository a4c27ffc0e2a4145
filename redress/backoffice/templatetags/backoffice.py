"""Template helpers of the staff site: labels of stored codes and how much time is left."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.backoffice.time_left import time_left
from redress.complaints.models import (
    Channel,
    Classification,
    Outcome,
    PauseReason,
    Priority,
    Reaction,
    Severity,
    Status,
)
from redress.complaints.transitions import Action
from redress.core.formats import money_format
from redress.integrations.models import EventType, Scope
from redress.notifications.models import FallbackReason, OutboundEmail, OutboundText

register = template.Library()

_VOCABULARIES: dict[str, Any] = {
    "status": Status,
    "action": Action,
    "channel": Channel,
    "priority": Priority,
    "severity": Severity,
    "classification": Classification,
    "outcome": Outcome,
    "reaction": Reaction,
    "pause_reason": PauseReason,
    "scope": Scope,
    "webhook_event": EventType,
    "delivery": OutboundEmail.State,
    "text_delivery": OutboundText.State,
    "fallback_reason": FallbackReason,
}

# Keys of event data shown in the timeline, with their labels and vocabularies.
_EVENT_FIELDS: list[tuple[str, Any, str]] = [
    ("classification", _("Classification"), "classification"),
    ("severity", _("Severity"), "severity"),
    ("priority", _("Priority"), "priority"),
    ("proposed_priority", _("Proposed priority"), "priority"),
    ("priority_reason", _("Reason for another priority"), ""),
    ("health_safety", _("Health or safety risk"), ""),
    ("public_interest", _("Affects the public or many consumers' interest"), ""),
    ("outcome", _("Outcome"), "outcome"),
    ("remedy_total", _("Remedies in total"), ""),
    ("reaction", _("Reaction"), "reaction"),
    ("via", _("Via"), "channel"),
    ("channel", _("Channel"), "channel"),
    ("provider", _("External body"), ""),
    ("plan", _("Plan"), ""),
    ("reason", _("Reason"), ""),
    ("note", _("Note"), ""),
    ("delivery", _("Delivery"), "delivery"),
    ("attempts", _("Attempts"), ""),
    ("cost", _("Cost"), ""),
    ("instead_of", _("Instead of"), "channel"),
    ("why", _("Why"), "fallback_reason"),
    ("fallback", _("Sent instead by"), "channel"),
    # References only: a complaint the reader may not see answers them with "not found".
    ("possible_duplicates", _("Possible duplicates"), ""),
]


@register.filter
def label(value: str, vocabulary: str) -> str:
    """The translated label of a stored code: ``{{ event.action|label:"action" }}``."""
    choices = _VOCABULARIES.get(vocabulary)
    if not value or choices is None:
        return value or ""
    if vocabulary == "pause_reason" and value not in choices.values:
        return value
    if vocabulary == "delivery" and value not in choices.values:
        choices = OutboundText.State  # an SMS or Zalo message: delivered, not delivered
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.filter
def event_details(event: Any) -> list[tuple[str, str]]:
    data = event.data if isinstance(event.data, dict) else {}
    rows = []
    for key, title, vocabulary in _EVENT_FIELDS:
        if key not in data or data[key] in ("", None):
            continue
        value = data[key]
        if key == "reason" and event.action == Action.PAUSE:
            value = label(value, "pause_reason")
        elif vocabulary:
            value = label(value, vocabulary)
        elif isinstance(value, bool):
            value = gettext("yes") if value else gettext("no")
        elif key in ("remedy_total", "cost"):
            value = money(value)
        elif isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        rows.append((str(title), str(value)))
    return rows


# "2 days left" or "3 hours overdue": ``{% time_left due now %}``.
register.simple_tag(time_left)


@register.filter
def money(value: Any, currency: str = "VND") -> str:
    """ "8.990.000 ₫" (in English "8,990,000 ₫"); "" for what is not an amount.
    ``{{ remedy.amount|money:remedy.currency }}`` for another currency ("1.200 USD")."""
    return money_format(value, currency=currency or "VND")


@register.filter
def get(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key, "")
