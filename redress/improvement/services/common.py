"""What every improvement service shares: the follow-up event and the audit entry of one
change, written together in the caller's transaction, and the refusals' shapes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import audit_record, jsonable
from redress.complaints.models import Complaint
from redress.complaints.selectors import complaints_visible_to
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.models import User
from redress.improvement.models import Capa, ImprovementEvent, SystemicIssue
from redress.improvement.selectors import permission_check


def event_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model,
    label: str,
    complaint: Complaint | None = None,
    issue: SystemicIssue | None = None,
    capa: Capa | None = None,
    from_status: str = "",
    to_status: str = "",
    data: Mapping[str, Any] | None = None,
    before: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> ImprovementEvent:
    """Append the follow-up event of one change and its audit entry (``improvement.<action>``).
    Audit entries name people by id, never copy a complainant's details."""
    at = at or timezone.now()
    payload = jsonable(dict(data or {}))
    event = ImprovementEvent.objects.create(
        at=at,
        action=action,
        complaint=complaint,
        issue=issue,
        capa=capa,
        from_status=from_status,
        to_status=to_status,
        actor_kind=actor.kind,
        actor_label=actor.label[:150],
        actor_user_id=actor.user_id,
        data=payload,
    )
    after = {**payload, "event_id": event.pk}
    if to_status:
        after["status"] = to_status
    audit_record(
        actor=actor,
        action=f"improvement.{action}",
        target=target,
        target_label=label,
        before=jsonable(dict(before or {})) or ({"status": from_status} if from_status else {}),
        after=after,
        at=at,
    )
    return event


def person(actor: Actor) -> User:
    """The person behind a user actor (improvement actions are taken by people, or by the
    system jobs, which are checked separately)."""
    if actor.user is None:
        raise NotPermitted(_("Only a signed-in person can do this."))
    return actor.user


def allowed(
    actor: Actor, permission: str, *, unit_id: int | None, owner_id: int | None = None
) -> None:
    """Refuse unless the actor may take ``permission`` (system jobs are trusted: they act only
    through their own code)."""
    if actor.kind == "system":
        return
    permission_check(person(actor), permission, unit_id=unit_id, owner_id=owner_id)


def required(fields: Mapping[str, str]) -> None:
    """One refusal naming every empty field."""
    missing = {
        name: [_("This field is required.")]
        for name, value in fields.items()
        if not (value or "").strip()
    }
    if missing:
        raise ValidationFailed(_("Some required fields are empty."), fields=missing)


def choice_check(name: str, value: str, choices: type[models.TextChoices]) -> None:
    if value not in choices.values:
        raise ValidationFailed(
            _("“%(value)s” is not a valid choice.") % {"value": value},
            fields={name: [_("Not a valid choice.")]},
        )


def linkable_check(actor: Actor, complaints: Sequence[Complaint], *, one: bool = False) -> None:
    """Refuse to link complaints the person may not see (a channel or the system may link
    any). ``one``: a single complaint, refused in the singular on the field "complaint"."""
    if actor.user is None or not complaints:
        return
    wanted = {complaint.pk for complaint in complaints}
    visible = set(
        complaints_visible_to(actor.user).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - visible:
        message = (
            _("This complaint cannot be linked.")
            if one
            else _("Some of these complaints cannot be linked.")
        )
        field = "complaint" if one else "complaints"
        raise ValidationFailed(message, fields={field: [_("Link only complaints you can see.")]})
