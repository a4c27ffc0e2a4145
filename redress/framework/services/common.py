"""What every framework service shares: the audit entry of one change and the permission
check. The refusals' shapes (required fields, choices) are continual improvement's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import models

from redress.audit.services import audit_record, jsonable
from redress.core.actors import Actor
from redress.core.models import User
from redress.framework.roles import permission_check
from redress.improvement.services.common import choice_check, person, required

__all__ = ["allowed", "choice_check", "framework_record", "person", "required"]


def allowed(actor: Actor, permission: str) -> User | None:
    """Refuse unless the actor may take ``permission``; the person, or None for a system job
    (trusted: it acts only through its own code)."""
    if actor.kind == "system":
        return None
    user = person(actor)
    permission_check(user, permission)
    return user


def framework_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model,
    label: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """The audit entry (``framework.<action>``) of one change, in the caller's transaction.
    People are named by id; nothing of a complainant is copied."""
    audit_record(
        actor=actor,
        action=f"framework.{action}",
        target=target,
        target_label=label,
        before=jsonable(dict(before or {})),
        after=jsonable(dict(after or {})),
        at=at,
    )
