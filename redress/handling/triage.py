"""Acknowledgement, initial assessment, ownership and the clock (ISO 10002 7.4, 7.5, 4.12)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from redress.complaints import rules
from redress.complaints.models import (
    Category,
    Classification,
    Complaint,
    Level,
    PauseReason,
    Priority,
    Severity,
    Status,
)
from redress.complaints.selectors import complaint_roles, priority_matrix_cells
from redress.complaints.transitions import Action
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import organisation_get, unit_descendant_ids, user_roles
from redress.framework.roles import Permission, may
from redress.framework.selectors_training import untrained_for
from redress.framework.services.common import person as person_of
from redress.handling.kernel import (
    act,
    check_choice,
    flag_significance,
    parse_amount,
    require,
)
from redress.handling.objectivity import conflict_check


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, actor: Actor, note: str = "") -> Complaint:
    """Acknowledge receipt to the complainant (7.4)."""

    def change(c: Complaint) -> dict[str, Any]:
        c.acknowledged_at = timezone.now()
        return {"note": note} if note else {}

    return act(complaint, actor, Action.ACKNOWLEDGE, change)


@transaction.atomic
def complaint_assess(
    *,
    complaint: Complaint,
    actor: Actor,
    classification: str = Classification.COMPLAINT,
    severity: str = Severity.MEDIUM,
    priority: str = "",
    priority_reason: str = "",
    impact: str = "",
    complexity: str = "",
    health_safety: bool = False,
    public_interest: bool = False,
    immediate_action: str = "",
    category: Category | None = None,
    reason: str = "",
    fee_amount: object = None,
    fee_waived: bool = False,
    fee_waived_reason: str = "",
) -> Complaint:
    """Initial assessment (7.5). Classifying the item as not a complaint or out of scope needs a
    reason and ends in ``not_accepted``.

    The priority is the one the organisation's severity × impact matrix proposes, never below
    the statutory floor (health/safety: urgent; a vulnerable complainant: high;
    ``rules.proposed_priority``). ``priority`` left empty takes the proposal; another one needs
    ``priority_reason`` (recorded in the event), and is still raised to the floor.
    ``public_interest`` (REQ-VN-3) withholds negotiation and mediation routes. The fee
    (ISO 10002 4.8) is the organisation's unless ``fee_amount`` says otherwise; waiving it
    needs ``fee_waived_reason``."""
    check_choice("classification", classification, Classification)
    check_choice("severity", severity, Severity)
    check_choice("priority", priority, Priority, blank=True)
    check_choice("impact", impact, Level, blank=True)
    check_choice("complexity", complexity, Level, blank=True)
    accepted = classification == Classification.COMPLAINT
    if not accepted:
        require({"reason": reason})
    fee = parse_amount(fee_amount, "fee_amount")
    if fee is None:
        fee = organisation_get().complaint_fee
    if fee_waived:
        require({"fee_waived_reason": fee_waived_reason})

    def change(c: Complaint) -> dict[str, Any]:
        proposed = rules.proposed_priority(
            priority_matrix_cells(),
            severity=severity,
            impact=impact,
            health_safety=health_safety,
            vulnerable=bool(c.vulnerable_group),
        )
        floor = rules.priority_floor(
            health_safety=health_safety, vulnerable=bool(c.vulnerable_group)
        )
        chosen = rules.priority_at_least(priority or proposed, floor)
        if accepted and chosen != proposed and not priority_reason.strip():
            message = _(
                "The priority “%(chosen)s” is not the one proposed for this severity and impact "
                "(“%(proposed)s”): give the reason for the other priority."
            ) % {"chosen": Priority(chosen).label, "proposed": Priority(proposed).label}
            raise ValidationFailed(
                message,
                fields={
                    "priority_reason": [_("Required when the priority is not the proposed one.")]
                },
            )
        c.classification = classification
        c.severity = severity
        c.priority = chosen
        c.impact = impact
        c.complexity = complexity
        c.health_safety = health_safety
        c.public_interest = public_interest
        c.immediate_action = immediate_action.strip()
        c.fee_amount = fee
        c.fee_waived = fee_waived
        c.fee_waived_reason = fee_waived_reason.strip() if fee_waived else ""
        if category is not None:
            c.category = category
        c.assessed_at = timezone.now()
        flag_significance(c)
        return {
            "classification": classification,
            "severity": severity,
            "impact": impact,
            "priority": c.priority,
            "proposed_priority": proposed,
            **({"priority_reason": priority_reason.strip()} if chosen != proposed else {}),
            "health_safety": health_safety,
            "public_interest": public_interest,
            "fee": {
                "amount": int(fee),
                "waived": fee_waived,
                **({"reason": c.fee_waived_reason} if fee_waived else {}),
            },
            **({"reason": reason.strip()} if reason.strip() else {}),
        }

    target = Status.ASSESSED if accepted else Status.NOT_ACCEPTED
    return act(complaint, actor, Action.ASSESS, change, target=target)


def _owning_role(user: User, unit_id: int) -> Role | None:
    """The role by which ``user`` may own a complaint of the unit: handler of the unit, else
    complaints manager of it or of a unit above it; None when neither."""
    roles = user_roles(user)
    if unit_id in roles.get(Role.HANDLER, set()):
        return Role.HANDLER
    managed = roles.get(Role.COMPLAINTS_MANAGER)
    if managed is not None and unit_id in unit_descendant_ids(managed):
        return Role.COMPLAINTS_MANAGER
    return None


def _can_own(user: User, unit_id: int) -> bool:
    return _owning_role(user, unit_id) is not None


def _training_gate(actor: Actor, owner: User, role: Role, override_reason: str) -> dict[str, Any]:
    """The training gate (ISO 10002 4.14; docs/management-system.md, "Competence"): the new
    owner needs current training in every course their owning role requires. Without it the
    assignment is refused naming the missing courses, unless a complaints manager gives a
    reason to override; the override is returned for the event (and so the audit entry)."""
    missing = untrained_for(owner, role)
    if not missing:
        return {}
    names = ", ".join(course.display_name(get_language() or "vi") for course in missing)
    if not override_reason.strip():
        message = _("%(name)s has no current training in: %(courses)s.") % {
            "name": owner,
            "courses": names,
        }
        raise ValidationFailed(
            message,
            fields={"owner": [_("Missing training: %(courses)s.") % {"courses": names}]},
        )
    if actor.kind != "system" and not may(person_of(actor), Permission.ASSIGN_OVERRIDE):
        raise NotPermitted(
            _("Only a complaints manager can assign a person without current training.")
        )
    return {
        "training_override": {
            "reason": override_reason.strip(),
            "missing": [course.code for course in missing],
        }
    }


@transaction.atomic
def complaint_assign(
    *,
    complaint: Complaint,
    actor: Actor,
    owner: User | None = None,
    unit: OrgUnit | None = None,
    override_reason: str = "",
) -> Complaint:
    """Give the complaint an owner and/or move it to a unit (4.12: exactly one owner).

    The owner must handle complaints of the unit and may be neither the person complained about
    nor someone who declared a conflict of interest on it (``handling.objectivity``).
    A handler may only take a complaint for themselves; managers assign anyone. The owner
    needs current training in the courses their role requires, unless a complaints manager
    overrides with ``override_reason`` (recorded in the event).
    """
    if owner is None and unit is None:
        raise ValidationFailed(
            _("Choose an owner or a unit."), fields={"owner": [_("This field is required.")]}
        )

    def change(c: Complaint) -> dict[str, Any]:
        new_unit = unit or c.unit
        override: dict[str, Any] = {}
        if owner is not None:
            if owner.pk == c.subject_staff_id:
                raise Conflict(
                    _("The person complained about cannot own the complaint."), code="subject_staff"
                )
            conflict_check(c, owner.pk, owning=True)
            if not owner.is_active or not _can_own(owner, new_unit.pk):
                raise ValidationFailed(
                    _("%(name)s does not handle complaints of this unit.") % {"name": owner},
                    fields={"owner": [_("Not a handler of this unit.")]},
                )
            if (
                actor.user is not None
                and owner.pk != actor.user.pk
                and Role.COMPLAINTS_MANAGER not in complaint_roles(actor.user, c)
            ):
                raise NotPermitted(
                    _("Only a complaints manager can assign a complaint to someone else.")
                )
            override = _training_gate(
                actor, owner, _owning_role(owner, new_unit.pk) or Role.HANDLER, override_reason
            )
        if (
            unit is not None
            and actor.user is not None
            and Role.COMPLAINTS_MANAGER not in complaint_roles(actor.user, c)
        ):
            raise NotPermitted(_("Only a complaints manager can move a complaint to another unit."))
        c.unit = new_unit
        if owner is not None:
            c.owner = owner
        elif unit is not None and c.owner_id and not _can_own(c.owner, new_unit.pk):  # type: ignore[arg-type]
            c.owner = None
        return {"owner": c.owner_id, "unit": c.unit_id, **override}

    return act(complaint, actor, Action.ASSIGN, change)


@transaction.atomic
def complaint_prioritise(
    *, complaint: Complaint, actor: Actor, priority: str, reason: str = ""
) -> Complaint:
    """Change the priority (deadlines are recomputed by the SLA engine)."""
    check_choice("priority", priority, Priority)

    def change(c: Complaint) -> dict[str, Any]:
        previous = c.priority
        c.priority = priority
        return {
            "from": previous,
            "to": priority,
            **({"reason": reason.strip()} if reason.strip() else {}),
        }

    return act(complaint, actor, Action.PRIORITISE, change)


@transaction.atomic
def complaint_pause(
    *, complaint: Complaint, actor: Actor, reason: str, note: str = ""
) -> Complaint:
    """Stop the clock while waiting for the complainant or a third party (reason recorded)."""
    check_choice("reason", reason, PauseReason)
    if reason == PauseReason.OTHER:
        require({"note": note})

    def change(c: Complaint) -> dict[str, Any]:
        if c.paused_at is not None:
            raise Conflict(_("The complaint is already paused."), code="already_paused")
        c.paused_at = timezone.now()
        c.pause_reason = reason
        return {"reason": reason, "note": note.strip()}

    return act(complaint, actor, Action.PAUSE, change)


def resume_change(note: str) -> Callable[[Complaint], dict[str, Any]]:
    def change(c: Complaint) -> dict[str, Any]:
        if c.paused_at is None:
            raise Conflict(_("The complaint is not paused."), code="not_paused")
        paused_for = timezone.now() - c.paused_at
        data = {
            "reason": c.pause_reason,
            "paused_seconds": int(paused_for.total_seconds()),
            "note": note.strip(),
        }
        c.paused_at = None
        c.pause_reason = ""
        return data

    return change


@transaction.atomic
def complaint_resume(*, complaint: Complaint, actor: Actor, note: str = "") -> Complaint:
    """Restart the clock; the event records how long it was stopped."""
    return act(complaint, actor, Action.RESUME, resume_change(note))


@transaction.atomic
def complaint_start_investigation(
    *, complaint: Complaint, actor: Actor, plan: str = ""
) -> Complaint:
    """Begin the investigation (7.6)."""
    return act(
        complaint,
        actor,
        Action.START_INVESTIGATION,
        lambda c: {"plan": plan.strip()} if plan.strip() else {},
    )
