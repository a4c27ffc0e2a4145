"""Who did something, as people read it: a person's full name, a channel's name, or what a
system job did, never a username or an internal code ("quanly", "web", "complainant-replied")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Channel
from redress.core.models import User

register = template.Library()

# The jobs that act on complaints by themselves, named by what they do.
SYSTEM_WORDS: dict[str, Any] = {
    "complainant-replied": _("Automatically, when the complainant replied"),
    "answer-period": _("Automatically, when the period to answer ended"),
    "progress-update": _("Automatically, progress update"),
    "outbox": _("Automatically, outgoing mail"),
    "sla-sweep": _("Automatically, deadline check"),
    "retention": _("Automatically, retention"),
    "seed": _("Demo data"),
    "demo": _("Demo data"),
}


def person_name(user: Any) -> str:
    """A person's full name; their username only when no name was ever recorded."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


@register.filter
def actor_name(record: Any) -> str:
    """The name of whoever made a record that keeps ``actor_kind``, ``actor_label`` and
    ``actor_user`` (complaint events, improvement events)."""
    kind = getattr(record, "actor_kind", "")
    label = getattr(record, "actor_label", "") or ""
    if kind == "user":
        return person_name(getattr(record, "actor_user", None)) or label
    if kind == "channel":
        if label in Channel.values:
            return str(Channel(label).label)
        return str(_("Intake channel"))
    return str(SYSTEM_WORDS.get(label, _("Automatically (system)")))


def names_of_labels(labels: Iterable[str]) -> dict[str, str]:
    """For records that keep only who acted as a label (``Actor.label``: a username, a channel
    or a job): each label's name as people read it, in one query. Use in a template with
    ``{{ names|get:record.actor_label }}``."""
    wanted = {label for label in labels if label}
    names = {
        user.get_username(): person_name(user)
        for user in User.objects.filter(username__in=wanted).only(
            "username", "first_name", "last_name"
        )
    }
    for label in wanted - names.keys():
        names[label] = (
            str(Channel(label).label)
            if label in Channel.values
            else str(SYSTEM_WORDS.get(label, _("Automatically (system)")))
        )
    return names
