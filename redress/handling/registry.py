"""Every lifecycle action a person or an integration takes, described once: its label, what
is said when it is done, who may take it, the service that performs it and the fields that
service takes (name, kind, label, whether required). The back office (its workspace) and the
API (one operation per action) both read this registry: each builds the action's form or input
from these fields, unless it writes its own for what a plain field cannot say (choices that
depend on the complaint, a list of remedies, files); ``action_perform`` is the one way either
calls a service.

Adding an action: its rows in the lifecycle table (``complaints.transitions``), its service in
the stage module, its entry here, its effects (if any) in ``effects``, and tests. A written form
or input must carry exactly the fields named here (a test checks both interfaces).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import (
    Channel,
    Classification,
    Complaint,
    ConflictDeclaration,
    Level,
    Outcome,
    PauseReason,
    Priority,
    Reaction,
    Remedy,
    Severity,
)
from redress.complaints.transitions import ACTION_ROLES, Action
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.roles import Role
from redress.handling import services

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Label
else:
    Label = str  # a str or a lazy translation; the name is for the type checker


class Kind(StrEnum):
    """How a field is asked for. The first five any interface can build a field for; the others
    need a form or an input written for them."""

    TEXT = "text"  # one line
    LONG_TEXT = "long_text"
    FLAG = "flag"  # yes or no
    CHOICE = "choice"  # one of ``Field.choices``
    SCORE = "score"  # 1 to 5
    OWNER = "owner"  # a person who may own the complaint
    UNIT = "unit"
    CATEGORY = "category"
    REMEDY = "remedy"  # one of the complaint's remedies
    REMEDIES = "remedies"  # a list of remedies
    FILES = "files"
    DIRECTION = "direction"  # inbound or outbound
    STAFF = "staff"  # a member of staff of the organisation
    DECLARATION = "declaration"  # one of the complaint's standing conflict-of-interest declarations
    AMOUNT = "amount"  # a whole number of đồng


SIMPLE_KINDS = frozenset({Kind.TEXT, Kind.LONG_TEXT, Kind.FLAG, Kind.CHOICE, Kind.SCORE})


@dataclass(frozen=True)
class Field:
    """One thing an action's service takes. An optional field left out takes the service's
    default."""

    name: str
    kind: Kind
    label: Label
    required: bool = False
    choices: type[models.TextChoices] | None = None  # for CHOICE
    max_length: int | None = None  # for TEXT (300) and LONG_TEXT (5,000) when not the usual
    help: Label = ""


NOTE = _("Note")


def _note(label: Label = NOTE) -> Field:
    return Field("note", Kind.LONG_TEXT, label)


def _other(label: Label) -> Field:
    return Field(
        "other",
        Kind.TEXT,
        label,
        required=True,
        max_length=32,
        help=_("Its reference, e.g. KN-2026-000123."),
    )


def _reason(*, required: bool) -> Field:
    return Field("reason", Kind.LONG_TEXT, _("Reason"), required=required)


@dataclass(frozen=True)
class ActionSpec:
    """One action as people and integrations see it."""

    action: str
    label: Label
    done: Label  # what the back office says once it is done
    service: Callable[..., Any]  # called as service(complaint=..., actor=..., **fields)
    fields: tuple[Field, ...] = ()
    primary: bool = False  # a step forward in the lifecycle (shown first)

    @property
    def roles(self) -> frozenset[Role]:
        return ACTION_ROLES[self.action]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    @property
    def is_simple(self) -> bool:
        """Whether every field is of a kind any interface can build a field for."""
        return all(field.kind in SIMPLE_KINDS for field in self.fields)


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


def _withdraw_conflict(
    *, complaint: Complaint, actor: Actor, declaration: ConflictDeclaration, reason: str
) -> Any:
    if declaration.complaint_id != complaint.pk:
        message = gettext("This complaint has no standing declaration with this id.")
        raise ValidationFailed(message, fields={"declaration": [message]})
    return services.complaint_withdraw_conflict(
        complaint=complaint, actor=actor, declaration=declaration, reason=reason
    )


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        Action.ACKNOWLEDGE,
        _("Acknowledge"),
        _("Receipt acknowledged."),
        services.complaint_acknowledge,
        (_note(),),
        primary=True,
    ),
    ActionSpec(
        Action.ASSESS,
        _("Assess"),
        _("Assessment recorded."),
        services.complaint_assess,
        (
            Field(
                "classification",
                Kind.CHOICE,
                _("Classification"),
                required=True,
                choices=Classification,
            ),
            Field("severity", Kind.CHOICE, _("Severity"), required=True, choices=Severity),
            Field("impact", Kind.CHOICE, _("Impact"), choices=Level),
            Field(
                "priority",
                Kind.CHOICE,
                _("Priority"),
                choices=Priority,
                help=_(
                    "Left out: the priority the matrix proposes for the severity and impact "
                    "(never below urgent for a health or safety risk, high for a vulnerable "
                    "complainant)."
                ),
            ),
            Field(
                "priority_reason",
                Kind.LONG_TEXT,
                _("Reason for another priority"),
                help=_("Required when the priority is not the proposed one; it is recorded."),
            ),
            Field("complexity", Kind.CHOICE, _("Complexity"), choices=Level),
            Field("health_safety", Kind.FLAG, _("Health or safety risk")),
            Field(
                "public_interest",
                Kind.FLAG,
                _("Affects the public or many consumers' interest"),
                help=_("Negotiation and mediation are then not offered (Law 19/2023)."),
            ),
            Field("immediate_action", Kind.LONG_TEXT, _("Immediate action taken")),
            Field("category", Kind.CATEGORY, _("Category")),
            _reason(required=False),
            Field(
                "fee_amount",
                Kind.AMOUNT,
                _("Fee (VND)"),
                help=_("Left out: the organisation's fee (0: free of charge)."),
            ),
            Field("fee_waived", Kind.FLAG, _("Fee waived")),
            Field(
                "fee_waived_reason",
                Kind.LONG_TEXT,
                _("Why the fee is waived"),
                help=_("Required when the fee is waived."),
            ),
        ),
        primary=True,
    ),
    ActionSpec(
        Action.START_INVESTIGATION,
        _("Start investigation"),
        _("Investigation started."),
        services.complaint_start_investigation,
        (Field("plan", Kind.LONG_TEXT, _("Investigation plan")),),
        primary=True,
    ),
    ActionSpec(
        Action.PROPOSE_DECISION,
        _("Propose decision"),
        _("Decision proposed."),
        _propose,
        (
            Field("outcome", Kind.CHOICE, _("Outcome"), required=True, choices=Outcome),
            Field("summary", Kind.LONG_TEXT, _("Decision"), required=True),
            Field("reasons", Kind.LONG_TEXT, _("Reasons"), required=True),
            Field("remedies", Kind.REMEDIES, _("Remedies")),
        ),
        primary=True,
    ),
    ActionSpec(
        Action.APPROVE_DECISION,
        _("Approve decision"),
        _("Decision approved."),
        services.complaint_approve_decision,
        (_note(),),
        primary=True,
    ),
    ActionSpec(
        Action.RETURN_DECISION,
        _("Return decision"),
        _("Decision returned."),
        services.complaint_return_decision,
        (_reason(required=True),),
    ),
    ActionSpec(
        Action.COMMUNICATE_DECISION,
        _("Communicate decision"),
        _("Decision communicated."),
        services.complaint_communicate_decision,
        (
            Field(
                "via",
                Kind.CHOICE,
                _("Communicated by"),
                choices=Channel,
                help=_("Email when left out."),
            ),
            _note(),
        ),
        primary=True,
    ),
    ActionSpec(
        Action.RECORD_REACTION,
        _("Record reaction"),
        _("Reaction recorded."),
        services.complaint_record_reaction,
        (
            Field(
                "reaction",
                Kind.CHOICE,
                _("The complainant's reaction"),
                required=True,
                choices=Reaction,
            ),
            Field(
                "note",
                Kind.LONG_TEXT,
                NOTE,
                help=_("Required when the decision is rejected."),
            ),
        ),
        primary=True,
    ),
    ActionSpec(
        Action.SETTLE_REMEDY,
        _("Settle remedy"),
        _("Remedy settled."),
        _settle,
        (
            Field("remedy", Kind.REMEDY, _("Remedy"), required=True),
            Field("waived_reason", Kind.LONG_TEXT, _("Waived because")),
        ),
        primary=True,
    ),
    ActionSpec(
        Action.CLOSE,
        _("Close"),
        _("Complaint closed."),
        services.complaint_close,
        (
            _note(_("Closing note")),
            Field(
                "external_options_told",
                Kind.FLAG,
                _("The complainant was told of the external options"),
            ),
        ),
        primary=True,
    ),
    ActionSpec(
        Action.ESCALATE,
        _("Escalate to internal review"),
        _("Escalated to internal review."),
        services.complaint_escalate,
        (_reason(required=True),),
    ),
    ActionSpec(
        Action.REFER_EXTERNAL,
        _("Refer to an external body"),
        _("Referred."),
        services.complaint_refer_external,
        (
            Field("provider", Kind.TEXT, _("External body"), required=True, max_length=200),
            Field(
                "consent",
                Kind.FLAG,
                _("The complainant consents to the referral"),
                required=True,
            ),
            _note(),
        ),
    ),
    ActionSpec(
        Action.ADD_MESSAGE,
        _("Reply to the complainant"),
        _("Reply recorded."),
        services.complaint_add_message,
        (
            Field("direction", Kind.DIRECTION, _("Direction"), required=True),
            Field("body", Kind.LONG_TEXT, _("Message"), required=True),
            Field("subject", Kind.TEXT, _("Subject")),
            Field("channel", Kind.CHOICE, _("Sent by"), choices=Channel),
            Field("attachments", Kind.FILES, _("Files")),
        ),
    ),
    ActionSpec(
        Action.RECORD_REFERRAL_OUTCOME,
        _("Record the external body's outcome"),
        _("The external body's outcome is recorded."),
        services.complaint_record_referral_outcome,
        (Field("outcome", Kind.LONG_TEXT, _("What the external body decided"), required=True),),
    ),
    ActionSpec(
        Action.ADD_NOTE,
        _("Add note"),
        _("Note added."),
        services.complaint_add_note,
        (
            Field("body", Kind.LONG_TEXT, _("Internal note"), required=True),
            Field("attachments", Kind.FILES, _("Evidence files")),
        ),
    ),
    ActionSpec(
        Action.ASSIGN,
        _("Assign"),
        _("Assignment saved."),
        services.complaint_assign,
        (
            Field("owner", Kind.OWNER, _("Owner")),
            Field("unit", Kind.UNIT, _("Move to unit")),
            Field(
                "override_reason",
                Kind.LONG_TEXT,
                _("Reason to assign without current training"),
                help=_(
                    "Only when the owner lacks a course their role requires; the reason is "
                    "recorded."
                ),
            ),
        ),
    ),
    ActionSpec(
        Action.RECORD_SUBJECT_STAFF,
        _("Record the person complained about"),
        _("The person complained about is recorded."),
        services.complaint_record_subject_staff,
        (
            Field(
                "person",
                Kind.STAFF,
                _("Person complained about"),
                help=_(
                    "A member of staff the complaint is about: they will no longer see it. "
                    "Empty: no one (clears a name recorded by mistake)."
                ),
            ),
            _reason(required=True),
        ),
    ),
    ActionSpec(
        Action.DECLARE_CONFLICT,
        _("Declare a conflict of interest"),
        _("Your conflict of interest is recorded."),
        services.complaint_declare_conflict,
        (
            Field(
                "reason",
                Kind.LONG_TEXT,
                _("Reason"),
                required=True,
                help=_(
                    "You will no longer own or decide this complaint; if you own it, it goes "
                    "back to its unit's queue."
                ),
            ),
        ),
    ),
    ActionSpec(
        Action.WITHDRAW_CONFLICT,
        _("Withdraw a conflict-of-interest declaration"),
        _("The declaration is withdrawn."),
        _withdraw_conflict,
        (
            Field("declaration", Kind.DECLARATION, _("Declaration"), required=True),
            _reason(required=True),
        ),
    ),
    ActionSpec(
        Action.PRIORITISE,
        _("Change priority"),
        _("Priority changed."),
        services.complaint_prioritise,
        (
            Field("priority", Kind.CHOICE, _("Priority"), required=True, choices=Priority),
            Field("reason", Kind.LONG_TEXT, _("Reason")),
        ),
    ),
    ActionSpec(
        Action.PAUSE,
        _("Pause the clock"),
        _("Clock paused."),
        services.complaint_pause,
        (
            Field("reason", Kind.CHOICE, _("Waiting for"), required=True, choices=PauseReason),
            Field(
                "note",
                Kind.LONG_TEXT,
                _("What is needed"),
                help=_("Required when the reason is “other”."),
            ),
        ),
    ),
    ActionSpec(
        Action.RESUME,
        _("Resume the clock"),
        _("Clock restarted."),
        services.complaint_resume,
        (_note(),),
        primary=True,
    ),
    ActionSpec(
        Action.REOPEN,
        _("Reopen"),
        _("Complaint reopened."),
        services.complaint_reopen,
        (_reason(required=True),),
    ),
    ActionSpec(
        Action.RATE,
        _("Record satisfaction"),
        _("Satisfaction recorded."),
        services.complaint_rate,
        (
            Field("overall", Kind.SCORE, _("Overall"), required=True),
            Field("fairness", Kind.SCORE, _("Fairness")),
            Field("clarity", Kind.SCORE, _("Clarity")),
            Field("speed", Kind.SCORE, _("Speed")),
            Field("courtesy", Kind.SCORE, _("Courtesy")),
            Field("comment", Kind.LONG_TEXT, _("Comment")),
            Field(
                "via",
                Kind.CHOICE,
                _("Answer given by"),
                choices=Channel,
                help=_("How the complainant gave the answer to the person recording it."),
            ),
        ),
    ),
    ActionSpec(
        Action.LINK,
        _("Link to a related complaint"),
        _("The complaints are linked."),
        services.complaint_link,
        (_other(_("Related complaint")), _note()),
    ),
    ActionSpec(
        Action.DISMISS_DUPLICATE,
        _("Not a duplicate"),
        _("The suggested duplicate is dismissed."),
        services.complaint_dismiss_duplicate,
        (_other(_("Suggested duplicate")), _note()),
    ),
    ActionSpec(
        Action.MERGE,
        _("Merge into another complaint"),
        _("The complaint is merged and closed."),
        services.complaint_merge,
        (
            _other(_("Complaint it repeats")),
            Field(
                "note",
                Kind.LONG_TEXT,
                NOTE,
                help=_("Sent to the complainant with the notice of the merge."),
            ),
        ),
    ),
    ActionSpec(
        Action.WITHDRAW,
        _("Withdraw"),
        _("Complaint withdrawn."),
        services.complaint_withdraw,
        (_reason(required=False),),
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
    given = {name: values[name] for name in spec.field_names if name in values}
    return spec.service(complaint=complaint, actor=actor, **given)
