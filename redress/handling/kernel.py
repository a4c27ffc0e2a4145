"""What every lifecycle action shares (DESIGN.md rules 1, 2 and 5): lock the complaint, check
the actor and the lifecycle table, change it, write its event, run the action's effects and
write its audit entry, all in the caller's transaction. A refused action raises an
``ApplicationError`` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.analytics.rollup import rollup_mark
from redress.audit.services import audit_record, jsonable
from redress.complaints import rules
from redress.complaints.models import Complaint, ComplaintEvent
from redress.complaints.queue_tally import queue_tally_move
from redress.complaints.selectors import complaint_roles
from redress.complaints.transitions import (
    ACTION_ROLES,
    CHANNEL_ACTIONS,
    SAME,
    Action,
    transition_check,
)
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.models import OrgUnit
from redress.core.roles import Role
from redress.core.selectors import unit_descendant_ids, user_roles
from redress.core.writes import insert_new
from redress.handling import effects
from redress.notifications.notices import notifications_read_on_complaint

Change = Callable[[Complaint], dict[str, Any] | None]


def require(fields: Mapping[str, str]) -> None:
    """Raise one error naming every empty field (``fields`` maps name to value)."""
    missing = {
        name: [_("This field is required.")]
        for name, value in fields.items()
        if not (value or "").strip()
    }
    if missing:
        raise ValidationFailed(_("Some required fields are empty."), fields=missing)


def check_choice(name: str, value: str, choices: type[TextChoices], *, blank: bool = False) -> None:
    """Raise naming the field when ``value`` is not one of ``choices`` (or empty, if allowed)."""
    if (blank and value == "") or value in choices.values:
        return
    raise ValidationFailed(
        _("“%(value)s” is not a valid choice.") % {"value": value},
        fields={name: [_("Not a valid choice.")]},
    )


def parse_amount(value: object, field_name: str) -> Decimal | None:
    """A whole, positive number of đồng, or None when empty."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("The amount must be a number."),
            fields={field_name: [_("Enter a whole number of đồng.")]},
        ) from None
    if amount < 0 or amount != amount.to_integral_value():
        raise ValidationFailed(
            _("The amount must be a whole, positive number."),
            fields={field_name: [_("Enter a whole number of đồng.")]},
        )
    return amount


def check_permission(
    actor: Actor, complaint: Complaint | None, action: str, *, unit: OrgUnit | None = None
) -> None:
    """Refuse an actor whose roles (or channel) do not allow ``action`` on the complaint (on
    receipt, in ``unit``). System jobs are trusted: they act only through their own code."""
    if actor.kind == "system":
        return
    if actor.kind == "channel":
        if action in CHANNEL_ACTIONS:
            return
        raise NotPermitted(
            _("This channel cannot take the action “%(action)s”.")
            % {"action": Action(action).label}
        )
    assert actor.user is not None
    if complaint is None:
        # Receiving: the person needs an intake role in the unit (or above it, for managers).
        target = unit.pk if unit else None
        allowed = ACTION_ROLES[action]
        for role, unit_ids in user_roles(actor.user).items():
            if role not in allowed:
                continue
            scope = unit_descendant_ids(unit_ids) if role == Role.COMPLAINTS_MANAGER else unit_ids
            if target is None or target in scope:
                return
        raise NotPermitted(_("You may not receive complaints for this unit."))
    if not complaint_roles(actor.user, complaint) & ACTION_ROLES[action]:
        raise NotPermitted(
            _("Your role does not allow the action “%(action)s” on this complaint.")
            % {"action": Action(action).label}
        )


def snapshot(complaint: Complaint) -> dict[str, Any]:
    """The audited fields as they are now (``complaints.rules.AUDITED_FIELDS``)."""
    return rules.audited_values(complaint)


def lock(complaint: Complaint) -> Complaint:
    """Reload the complaint with its row locked, so that two people acting at once are
    serialised and each sees the other's result."""
    return Complaint.objects.select_for_update().select_related("complainant").get(pk=complaint.pk)


def flag_significance(complaint: Complaint) -> None:
    """Set ``is_significant`` from what is known now (health/safety, high severity, a
    vulnerable complainant, as received); the effects tell management when it has just become so."""
    complaint.is_significant = rules.is_significant(
        health_safety=complaint.health_safety,
        severity=complaint.severity,
        vulnerable=bool(complaint.vulnerable_group),
    )


def record(
    *,
    complaint: Complaint,
    actor: Actor,
    action: str,
    from_status: str,
    before: dict[str, Any],
    data: dict[str, Any] | None = None,
    method: str = "",
    at: dt.datetime | None = None,
    extra: Mapping[str, Any] | None = None,
    before_publishing: Callable[[], None] | None = None,
) -> ComplaintEvent:
    """Write the follow-up event of one action, run its effects (``effects.EFFECTS``), then
    write its audit entry. ``extra`` carries to the effects what exists only in memory (the
    tracking code, the message just written); ``before_publishing``: see ``effects.run``."""
    at = at or timezone.now()
    data = jsonable(data or {})
    event = ComplaintEvent(
        complaint=complaint,
        **rules.event_values(
            action=action,
            from_status=from_status,
            to_status=complaint.status,
            at=at,
            actor_kind=actor.kind,
            actor_label=actor.label,
            actor_user_id=actor.user_id,
            data=data,
            method=method,
        ),
    )
    insert_new([event])
    if actor.user_id is not None and action != Action.RECEIVE:
        # Acting on the complaint answers the person's notices about it (before the effects,
        # which may tell them something new). A complaint just received has no notices yet.
        notifications_read_on_complaint(user_id=actor.user_id, complaint_id=complaint.pk)
    step = effects.Step(
        complaint=complaint, event=event, actor=actor, before=before, extra=extra or {}
    )
    effects.run(step, before_publishing=before_publishing)
    rollup_mark(complaint, unit_ids=[before.get("unit_id")])
    after = snapshot(complaint)
    queue_tally_move(before=before, after=after)
    # Last: the audit chain's head stays locked until commit, and every writer waits for it.
    audit_before, audit_after = rules.audit_change(before, after)
    audit_record(
        actor=actor,
        action=rules.event_audit_action(action),
        target=complaint,
        target_label=complaint.reference,
        before=audit_before,
        after=rules.event_audit_after(audit_after, event_id=event.pk, data=data),
        at=at,
    )
    return event


def act(
    complaint: Complaint,
    actor: Actor,
    action: str,
    change: Change,
    *,
    target: str = SAME,
    method: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Complaint:
    """The common shape of a lifecycle service: lock, check, change, record.

    ``change`` mutates the locked complaint (never ``status``) and returns the event data; it
    may raise to refuse, in which case nothing is written. ``extra`` is filled by ``change``
    when it makes something the effects need (it is read after ``change`` ran).
    """
    locked = lock(complaint)
    check_permission(actor, locked, action)
    from_status = locked.status
    new_status = transition_check(from_status, action, target)
    before = snapshot(locked)
    data = change(locked) or {}
    locked.status = new_status
    locked.save()
    record(
        complaint=locked,
        actor=actor,
        action=action,
        from_status=from_status,
        before=before,
        data=data,
        method=method,
        extra=extra,
    )
    return locked
