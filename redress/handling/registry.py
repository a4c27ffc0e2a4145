"""Every lifecycle action a person or an integration takes, described once: its label, what
is said when it is done, who may take it, the service that performs it and the fields that
service takes. The back office (its workspace forms) and the API (one operation per action)
both read this registry; ``action_perform`` is the one way either calls a service.

Adding an action: its row in ``complaints.transitions``, its roles in ``roles``, its service in
the stage module, its entry here, its effects (if any) in ``effects``, and tests. The back
office form and the API input of an action must carry exactly the fields named here (a test
checks both).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Complaint, Remedy
from redress.complaints.transitions import ACTION_ROLES, Action
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.roles import Role
from redress.handling import services


@dataclass(frozen=True)
class ActionSpec:
    """One action as people and integrations see it."""

    action: str
    label: str | Promise
    done: str | Promise  # what the back office says once it is done
    service: Callable[..., Any]  # called as service(complaint=..., actor=..., **fields)
    fields: tuple[str, ...] = ()
    primary: bool = False  # a step forward in the lifecycle (shown first)

    @property
    def roles(self) -> frozenset[Role]:
        return ACTION_ROLES[self.action]


def _remedy_inputs(rows: Sequence[Mapping[str, Any]]) -> list[services.RemedyInput]:
    """Remedies as forms and API bodies send them (rows without a type are empty lines)."""
    return [
        services.RemedyInput(
            type=row["type"],
            amount=row.get("amount") or 0,
            description=row.get("description") or "",
            due_at=row.get("due_at"),
            currency=row.get("currency") or "VND",
        )
        for row in rows
        if row and row.get("type")
    ]


def _propose(*, remedies: Sequence[Mapping[str, Any]] = (), **values: Any) -> Any:
    return services.complaint_propose_decision(remedies=_remedy_inputs(remedies), **values)


def _settle(*, complaint: Complaint, actor: Actor, remedy: Remedy, waived_reason: str = "") -> Any:
    if remedy.decision.complaint_id != complaint.pk:
        message = gettext("This complaint has no remedy with this id.")
        raise ValidationFailed(message, fields={"remedy": [message]})
    return services.remedy_settle(remedy=remedy, actor=actor, waived_reason=waived_reason)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        Action.ACKNOWLEDGE,
        _("Acknowledge"),
        _("Receipt acknowledged."),
        services.complaint_acknowledge,
        ("note",),
        primary=True,
    ),
    ActionSpec(
        Action.ASSESS,
        _("Assess"),
        _("Assessment recorded."),
        services.complaint_assess,
        (
            "classification",
            "severity",
            "priority",
            "impact",
            "complexity",
            "health_safety",
            "immediate_action",
            "category",
            "reason",
        ),
        primary=True,
    ),
    ActionSpec(
        Action.START_INVESTIGATION,
        _("Start investigation"),
        _("Investigation started."),
        services.complaint_start_investigation,
        ("plan",),
        primary=True,
    ),
    ActionSpec(
        Action.PROPOSE_DECISION,
        _("Propose decision"),
        _("Decision proposed."),
        _propose,
        ("outcome", "summary", "reasons", "remedies"),
        primary=True,
    ),
    ActionSpec(
        Action.APPROVE_DECISION,
        _("Approve decision"),
        _("Decision approved."),
        services.complaint_approve_decision,
        ("note",),
        primary=True,
    ),
    ActionSpec(
        Action.RETURN_DECISION,
        _("Return decision"),
        _("Decision returned."),
        services.complaint_return_decision,
        ("reason",),
    ),
    ActionSpec(
        Action.COMMUNICATE_DECISION,
        _("Communicate decision"),
        _("Decision communicated."),
        services.complaint_communicate_decision,
        ("via", "note"),
        primary=True,
    ),
    ActionSpec(
        Action.RECORD_REACTION,
        _("Record reaction"),
        _("Reaction recorded."),
        services.complaint_record_reaction,
        ("reaction", "note"),
        primary=True,
    ),
    ActionSpec(
        Action.SETTLE_REMEDY,
        _("Settle remedy"),
        _("Remedy settled."),
        _settle,
        ("remedy", "waived_reason"),
        primary=True,
    ),
    ActionSpec(
        Action.CLOSE,
        _("Close"),
        _("Complaint closed."),
        services.complaint_close,
        ("note", "external_options_told"),
        primary=True,
    ),
    ActionSpec(
        Action.ESCALATE,
        _("Escalate to internal review"),
        _("Escalated to internal review."),
        services.complaint_escalate,
        ("reason",),
    ),
    ActionSpec(
        Action.REFER_EXTERNAL,
        _("Refer to an external body"),
        _("Referred."),
        services.complaint_refer_external,
        ("provider", "consent", "note"),
    ),
    ActionSpec(
        Action.ADD_MESSAGE,
        _("Reply to the complainant"),
        _("Reply recorded."),
        services.complaint_add_message,
        ("direction", "body", "subject", "channel", "attachments"),
    ),
    ActionSpec(
        Action.ADD_NOTE,
        _("Add note"),
        _("Note added."),
        services.complaint_add_note,
        ("body", "attachments"),
    ),
    ActionSpec(
        Action.ASSIGN,
        _("Assign"),
        _("Assignment saved."),
        services.complaint_assign,
        ("owner", "unit"),
    ),
    ActionSpec(
        Action.PRIORITISE,
        _("Change priority"),
        _("Priority changed."),
        services.complaint_prioritise,
        ("priority", "reason"),
    ),
    ActionSpec(
        Action.PAUSE,
        _("Pause the clock"),
        _("Clock paused."),
        services.complaint_pause,
        ("reason", "note"),
    ),
    ActionSpec(
        Action.RESUME,
        _("Resume the clock"),
        _("Clock restarted."),
        services.complaint_resume,
        ("note",),
        primary=True,
    ),
    ActionSpec(
        Action.REOPEN,
        _("Reopen"),
        _("Complaint reopened."),
        services.complaint_reopen,
        ("reason",),
    ),
    ActionSpec(
        Action.RATE,
        _("Record satisfaction"),
        _("Satisfaction recorded."),
        services.complaint_rate,
        ("overall", "fairness", "clarity", "speed", "courtesy", "comment"),
    ),
    ActionSpec(
        Action.WITHDRAW,
        _("Withdraw"),
        _("Complaint withdrawn."),
        services.complaint_withdraw,
        ("reason",),
    ),
)
BY_ACTION: dict[str, ActionSpec] = {spec.action: spec for spec in ACTIONS}


def action_perform(
    action: str, *, complaint: Complaint, actor: Actor, values: Mapping[str, Any]
) -> Any:
    """Take ``action`` through its service with the action's fields from ``values`` (other keys,
    such as a form's own helper fields, are not the service's business and are left out; an
    absent field takes the service's default)."""
    spec = BY_ACTION[action]
    given = {name: values[name] for name in spec.fields if name in values}
    return spec.service(complaint=complaint, actor=actor, **given)
