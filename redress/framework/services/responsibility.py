"""The responsibility matrix (ISO 10002 5.3, 5.4): who is responsible, accountable, consulted
and informed at each step of the process. Every step has exactly one accountable row in force:
naming a new accountable ends the previous one the day before, and the only accountable of a
step cannot simply be ended."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.core.models import OrgUnit
from redress.core.roles import Role
from redress.framework.models import ProcessStep, Raci, Responsibility
from redress.framework.roles import Permission
from redress.framework.selectors_responsibility import in_force
from redress.framework.services.common import allowed, choice_check, framework_record

# The matrix a new organisation starts from (its complaints manager edits it).
STANDARD_MATRIX: tuple[tuple[str, str, str], ...] = (
    (ProcessStep.RECEIPT, Role.FRONTLINE, Raci.RESPONSIBLE),
    (ProcessStep.RECEIPT, Role.COMPLAINTS_MANAGER, Raci.ACCOUNTABLE),
    (ProcessStep.ASSESSMENT, Role.HANDLER, Raci.RESPONSIBLE),
    (ProcessStep.ASSESSMENT, Role.COMPLAINTS_MANAGER, Raci.ACCOUNTABLE),
    (ProcessStep.INVESTIGATION, Role.HANDLER, Raci.RESPONSIBLE),
    (ProcessStep.INVESTIGATION, Role.COMPLAINTS_MANAGER, Raci.ACCOUNTABLE),
    (ProcessStep.INVESTIGATION, Role.OTHER_MANAGER, Raci.CONSULTED),
    (ProcessStep.DECISION, Role.HANDLER, Raci.RESPONSIBLE),
    (ProcessStep.DECISION, Role.COMPLAINTS_MANAGER, Raci.ACCOUNTABLE),
    (ProcessStep.DECISION, Role.OTHER_MANAGER, Raci.CONSULTED),
    (ProcessStep.DECISION, Role.TOP_MANAGEMENT, Raci.INFORMED),
    (ProcessStep.COMMUNICATION, Role.HANDLER, Raci.RESPONSIBLE),
    (ProcessStep.COMMUNICATION, Role.COMPLAINTS_MANAGER, Raci.ACCOUNTABLE),
    (ProcessStep.CLOSURE, Role.HANDLER, Raci.RESPONSIBLE),
    (ProcessStep.CLOSURE, Role.COMPLAINTS_MANAGER, Raci.ACCOUNTABLE),
    (ProcessStep.ANALYSIS, Role.COMPLAINTS_MANAGER, Raci.RESPONSIBLE),
    (ProcessStep.ANALYSIS, Role.TOP_MANAGEMENT, Raci.ACCOUNTABLE),
    (ProcessStep.ANALYSIS, Role.DPO, Raci.CONSULTED),
    (ProcessStep.AUDIT, Role.AUDITOR, Raci.RESPONSIBLE),
    (ProcessStep.AUDIT, Role.TOP_MANAGEMENT, Raci.ACCOUNTABLE),
    (ProcessStep.AUDIT, Role.COMPLAINTS_MANAGER, Raci.INFORMED),
    (ProcessStep.REVIEW, Role.COMPLAINTS_MANAGER, Raci.RESPONSIBLE),
    (ProcessStep.REVIEW, Role.TOP_MANAGEMENT, Raci.ACCOUNTABLE),
    (ProcessStep.REVIEW, Role.DPO, Raci.CONSULTED),
)


@transaction.atomic
def responsibility_add(
    *,
    actor: Actor,
    step: str,
    role: str,
    part: str,
    unit: OrgUnit | None = None,
    valid_from: dt.date | None = None,
    note: str = "",
) -> Responsibility:
    """Give a role a part in a step from ``valid_from`` (today). A new accountable replaces the
    step's accountable in force, which ends the day before."""
    allowed(actor, Permission.RESPONSIBILITY_EDIT)
    choice_check("step", step, ProcessStep)
    choice_check("role", role, Role)
    choice_check("part", part, Raci)
    start = valid_from or timezone.localdate()
    current = Responsibility.objects.select_for_update().filter(step=step).filter(in_force(start))
    if current.filter(role=role, unit=unit, part=part).exists():
        raise ValidationFailed(
            _("This role already has this part in this step."),
            fields={"role": [_("Already in the matrix.")]},
        )
    replaced = []
    if part == Raci.ACCOUNTABLE:
        for row in current.filter(part=Raci.ACCOUNTABLE):
            if row.valid_from >= start:
                raise ValidationFailed(
                    _("The step's accountable starts on %(day)s: choose a later date.")
                    % {"day": row.valid_from.isoformat()},
                    fields={"valid_from": [_("Choose a later date.")]},
                )
            row.valid_to = start - dt.timedelta(days=1)
            row.save(update_fields=["valid_to"])
            replaced.append(row.pk)
    row = Responsibility.objects.create(
        step=step, role=role, unit=unit, part=part, valid_from=start, note=note.strip()[:300]
    )
    framework_record(
        actor=actor,
        action="responsibility_add",
        target=row,
        label=str(row),
        after={
            "step": step,
            "role": role,
            "unit": unit.pk if unit else None,
            "part": part,
            "valid_from": start,
            "replaces": replaced,
        },
    )
    return row


@transaction.atomic
def responsibility_end(
    *, actor: Actor, responsibility: Responsibility, on: dt.date | None = None
) -> Responsibility:
    """End a row from ``on`` (today) on; the history keeps it. The accountable of a step is
    replaced (``responsibility_add``), never just ended."""
    allowed(actor, Permission.RESPONSIBILITY_EDIT)
    row = Responsibility.objects.select_for_update().get(pk=responsibility.pk)
    if row.part == Raci.ACCOUNTABLE:
        raise Conflict(
            _(
                "A step always has one accountable: name the new accountable instead of ending this one."
            )
        )
    end = on or timezone.localdate()
    if row.valid_to is not None and row.valid_to < end:
        raise Conflict(_("This responsibility has already ended."))
    row.valid_to = max(end, row.valid_from)
    row.save(update_fields=["valid_to"])
    framework_record(
        actor=actor,
        action="responsibility_end",
        target=row,
        label=str(row),
        after={"valid_to": row.valid_to},
    )
    return row


@transaction.atomic
def responsibility_standard(*, actor: Actor, on: dt.date | None = None) -> int:
    """Fill an empty matrix with the standard one (each step's usual roles); refused once the
    matrix has rows."""
    allowed(actor, Permission.RESPONSIBILITY_EDIT)
    if Responsibility.objects.select_for_update().exists():
        raise Conflict(_("The matrix is not empty: edit it instead."))
    start = on or timezone.localdate()
    for step, role, part in STANDARD_MATRIX:
        responsibility_add(actor=actor, step=step, role=role, part=part, valid_from=start)
    return len(STANDARD_MATRIX)
