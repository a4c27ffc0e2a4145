"""Time-limit policies' targets and the escalation levels, as administrators change them day to
day. (Which complaints a policy applies to — its conditions — and new policies stay in the
Django admin, for superusers.)

Only an administrator (or a superuser, or a system job) changes them. Each change is validated
(the model's own rules: at least 1 or empty, a limit set by law never relaxed or switched off;
each problem named by field, nothing written), audited (``sla.policy_update``,
``sla.escalation_update``) with what changed, and a policy's change recomputes the deadlines of
the open complaints once it commits.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.errors import FieldProblems, ValidationFailed
from redress.core.memo import memo_clear
from redress.sla.models import EscalationLevel, SlaPolicy
from redress.sla.rules import Stage, TimeUnit
from redress.sla.services.calendars import administrator_check
from redress.sla.services.recompute import sla_recompute_schedule

# What an administrator may change of a policy here: names, whether it is used, its targets.
POLICY_FIELDS = (
    "name",
    "name_en",
    "is_active",
    *(f"{stage}_{part}" for stage in Stage.values for part in ("amount", "unit")),
    "near_due_percent",
)
ESCALATION_FIELDS = ("audience", "near_due", "breach", "after_hours", "is_active")


def _snapshot(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in fields}


def _problems_of(error: ValidationError) -> dict[str, list[str]]:
    return {
        field: [str(message) for message in messages]
        for field, messages in error.message_dict.items()
    }


@transaction.atomic
def sla_policy_update(*, actor: Actor, policy: SlaPolicy, **values: Any) -> SlaPolicy:
    """Change a policy's names, active flag, targets per stage (amount and unit; an empty
    amount: no deadline for the stage) and near-due share. A policy set by law keeps its limit
    and stays active. Raises ``ValidationFailed`` naming each bad field and ``NotPermitted``."""
    administrator_check(actor)
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"not a policy setting: {sorted(unknown)}")
    locked = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    before = _snapshot(locked, POLICY_FIELDS)
    problems = FieldProblems()
    if "name" in values and not str(values["name"] or "").strip():
        problems.add("name", _("This field is required."))
    for stage in Stage.values:
        unit = values.get(f"{stage}_unit", getattr(locked, f"{stage}_unit"))
        if unit not in TimeUnit.values:
            problems.add(f"{stage}_unit", _("Choose a unit from the list."))
    near = values.get("near_due_percent", locked.near_due_percent)
    if near is None or not 1 <= near <= 99:
        problems.add("near_due_percent", _("Enter a share between 1 and 99."))
    problems.raise_if_any(_("The policy cannot be saved."))
    for name, value in values.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    try:
        locked.clean()
    except ValidationError as error:
        raise ValidationFailed(
            _("The policy cannot be saved."), fields=_problems_of(error)
        ) from None
    after = _snapshot(locked, POLICY_FIELDS)
    changed = [name for name in POLICY_FIELDS if before[name] != after[name]]
    if not changed:
        return locked
    locked.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="sla.policy_update",
        target=locked,
        target_label=locked.name,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    sla_recompute_schedule()
    return locked


@transaction.atomic
def escalation_level_update(
    *,
    actor: Actor,
    level: EscalationLevel,
    audience: str,
    near_due: bool,
    breach: bool,
    after_hours: int | None,
    is_active: bool,
) -> EscalationLevel:
    """Change who an escalation level tells, of what (a near deadline, a missed one) and how
    many working hours after the deadline. Raises ``ValidationFailed`` naming each bad field."""
    administrator_check(actor)
    locked = EscalationLevel.objects.select_for_update().get(pk=level.pk)
    problems = FieldProblems()
    if audience not in EscalationLevel.Audience.values:
        problems.add("audience", _("Choose from the list."))
    if after_hours is None or after_hours < 0:
        problems.add("after_hours", _("Enter 0 or more hours."))
    if is_active and not (near_due or breach):
        problems.add(
            "breach", _("An active level must tell of a near deadline, a missed one, or both.")
        )
    problems.raise_if_any(_("The escalation level cannot be saved."))
    before = _snapshot(locked, ESCALATION_FIELDS)
    locked.audience, locked.near_due, locked.breach = audience, near_due, breach
    locked.after_hours, locked.is_active = after_hours or 0, is_active
    after = _snapshot(locked, ESCALATION_FIELDS)
    changed = [name for name in ESCALATION_FIELDS if before[name] != after[name]]
    if not changed:
        return locked
    locked.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="sla.escalation_update",
        target=locked,
        target_label=str(locked.level),
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    transaction.on_commit(memo_clear)
    return locked
