"""Lifecycle actions: ``POST /complaints/{reference}/actions/{action}``, one operation per
action so that each documents its own fields.

The complaint is found through the visibility gate (404); the service then checks the user's
roles (403), the lifecycle table (409, naming the state and the action) and the fields (422).
"""

from collections.abc import Callable
from typing import Any, TypeAlias

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import ConfigDict, Field, create_model, model_validator

from redress.api.auth import ACTIONS as ACTION_SCOPES
from redress.api.auth import api_user
from redress.api.complaints import complaint_for, detail_response, incoming_files, lookup
from redress.api.errors import error_responses
from redress.api.schemas import (
    SAYS_SOMETHING,
    Amount,
    ChannelValue,
    ClassificationValue,
    ComplaintDetail,
    Day,
    FileIn,
    Flag,
    In,
    LevelValue,
    OutcomeValue,
    PauseReasonValue,
    PriorityValue,
    RemedyTypeValue,
    Required5000,
    Required20000,
    Score,
    SeverityValue,
    Text3,
    Text60,
    Text150,
    Text300,
    Text5000,
    _text,
    check_one_of_given,
    one_of_given,
)
from redress.complaints.attachments import MAX_FILES
from redress.complaints.models import (
    Category,
    Classification,
    Complaint,
    ConflictDeclaration,
    PauseReason,
    Remedy,
    Severity,
)
from redress.complaints.transitions import Action
from redress.core.actors import Actor
from redress.core.errors import NotFound, ValidationFailed
from redress.core.models import OrgUnit, User
from redress.core.selectors import staff_members
from redress.handling import registry
from redress.handling.registry import ActionSpec, Kind, action_perform

router = Router(tags=["actions"])

Reason: TypeAlias = Text5000


class AssessIn(In):
    classification: ClassificationValue = Classification.COMPLAINT
    severity: SeverityValue = Severity.MEDIUM
    impact: LevelValue = ""
    priority: PriorityValue | None = Field(
        None,
        description=(
            "Left out: the priority the organisation's severity × impact matrix proposes, "
            "never below urgent for a health or safety risk nor below high for a vulnerable "
            "complainant. Another priority needs priority_reason (422 naming it otherwise)."
        ),
    )
    priority_reason: Reason = Field(
        "", description="Why the priority is not the proposed one (recorded in the event)."
    )
    complexity: LevelValue = ""
    health_safety: Flag = False
    public_interest: Flag = Field(
        False,
        description=(
            "Affects the State's, many consumers' or the public interest (Law 19/2023): "
            "negotiation and mediation are then not offered, and a referral to a mediation "
            "body is refused."
        ),
    )
    immediate_action: Text5000 = ""
    category: Text60 | None = None
    reason: Reason = Field(
        "", description="Required when the item is not a complaint or out of scope."
    )
    fee_amount: Amount | None = Field(
        None,
        description="Fee charged, in VND (ISO 10002 4.8). Left out: the organisation's fee.",
    )
    fee_waived: Flag = False
    fee_waived_reason: Reason = Field("", description="Required when fee_waived is true.")


class AssignIn(In):
    """A new owner, a new unit, or both: at least one of them."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=one_of_given("owner", "unit"))

    owner: Text150 | None = Field(None, description="Username of the new owner.")
    unit: Text60 | None = Field(None, description="Code of the unit to move the complaint to.")
    override_reason: Text5000 = Field(
        "",
        description=(
            "A complaints manager's reason to make an owner without current training in a "
            "course their role requires (recorded in the event); refused to anyone else."
        ),
    )

    @model_validator(mode="after")
    def _something(self) -> "AssignIn":
        check_one_of_given(self, ("owner", "unit"), _("Choose an owner or a unit."))
        return self


class PauseIn(In):
    """What the clock waits for; a note saying what is needed when the reason is “other”."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"properties": {"reason": {"not": {"const": PauseReason.OTHER.value}}}},
                {
                    "required": ["note"],
                    "properties": {"note": {"type": "string", "pattern": SAYS_SOMETHING}},
                },
            ]
        },
    )

    reason: PauseReasonValue = Field(title="Waiting for")
    note: Text5000 = Field(
        "", title="What is needed", description="Required when the reason is “other”."
    )

    @model_validator(mode="after")
    def _note(self) -> "PauseIn":
        if self.reason == PauseReason.OTHER:
            check_one_of_given(self, ("note",), _("Say what is needed."))
        return self


class NoteBodyIn(In):
    body: Required20000
    attachments: list[FileIn] = Field(default_factory=list, max_length=MAX_FILES)


class MessageActionIn(In):
    direction: str = Field(description="inbound or outbound", pattern="^(inbound|outbound)$")
    body: Required20000
    subject: Text300 = ""
    channel: ChannelValue | None = None
    attachments: list[FileIn] = Field(default_factory=list, max_length=MAX_FILES)


class RemedyIn(In):
    type: RemedyTypeValue
    amount: Amount = 0
    description: Text300 = ""
    due_at: Day | None = None
    currency: Text3 = "VND"


class ProposeIn(In):
    outcome: OutcomeValue
    summary: Required20000
    reasons: Required20000
    remedies: list[RemedyIn] = Field(default_factory=list, max_length=20)


class SettleIn(In):
    remedy: int = Field(
        ge=1, le=2**62, strict=True, description="Id of the remedy (see the complaint's decisions)."
    )
    waived_reason: Reason = Field(
        "", description="Waive the remedy with this reason instead of fulfilling it."
    )


class RecordSubjectStaffIn(In):
    """The member of staff the complaint is about (they lose sight of it), with the reason."""

    person: Text150 | None = Field(
        description=(
            "Username of a member of staff of the organisation; null clears a name recorded by "
            "mistake. Refused (409) when the person owns the complaint: reassign it first."
        )
    )
    reason: Required5000


class WithdrawConflictIn(In):
    declaration: int = Field(
        ge=1,
        le=2**62,
        strict=True,
        description="Id of a standing conflict-of-interest declaration on the complaint.",
    )
    reason: Required5000


def _staff(username: str) -> User:
    user = staff_members().filter(username=username).first()
    if user is None:
        message = _("No member of staff with the username “%(username)s”.") % {"username": username}
        raise ValidationFailed(message, fields={"person": [message]})
    return user


def _declaration(complaint: Complaint, declaration_id: int) -> ConflictDeclaration:
    found = ConflictDeclaration.objects.filter(
        pk=declaration_id, complaint=complaint, withdrawn_at__isnull=True
    ).first()
    if found is None:
        message = _("This complaint has no standing declaration with this id.")
        raise ValidationFailed(message, fields={"declaration": [message]})
    return found


def _owner(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        message = _("No active person with the username “%(username)s”.") % {"username": username}
        raise ValidationFailed(message, fields={"owner": [message]})
    return user


def _remedy(complaint: Complaint, remedy_id: int) -> Remedy:
    remedy = (
        Remedy.objects.select_related("decision__complaint")
        .filter(pk=remedy_id, decision__complaint=complaint)
        .first()
    )
    if remedy is None:
        message = _("This complaint has no remedy with this id.")
        raise ValidationFailed(message, fields={"remedy": [message]})
    return remedy


# The inputs written for actions whose fields a generated input cannot express (a category,
# a person or a unit by code, remedies, files); every other action's input is built from its
# fields in the registry. Either way the fields are the registry's (a test checks it).
WRITTEN: dict[str, type[In]] = {
    Action.ASSESS: AssessIn,
    Action.ASSIGN: AssignIn,
    Action.PAUSE: PauseIn,
    Action.ADD_NOTE: NoteBodyIn,
    Action.ADD_MESSAGE: MessageActionIn,
    Action.PROPOSE_DECISION: ProposeIn,
    Action.SETTLE_REMEDY: SettleIn,
    Action.RECORD_SUBJECT_STAFF: RecordSubjectStaffIn,
    Action.WITHDRAW_CONFLICT: WithdrawConflictIn,
}


def _annotation(field: registry.Field) -> tuple[Any, Any]:
    """The type and default of a plain field (an optional one left out takes the service's
    default: ``_values`` sends only what was given)."""
    match field.kind:
        case Kind.TEXT | Kind.LONG_TEXT:
            limit = field.max_length or (300 if field.kind == Kind.TEXT else 5000)
            return _text(limit, 1 if field.required else 0), ... if field.required else ""
        case Kind.FLAG:
            return Flag, ... if field.required else False
        case Kind.CHOICE:
            assert field.choices is not None
            return (field.choices, ...) if field.required else (field.choices | None, None)
        case Kind.SCORE:
            return (Score, ...) if field.required else (Score | None, None)
    raise ValueError(f"{field.name}: a {field.kind} field needs an input written for it")


def action_input(spec: ActionSpec) -> type[In]:
    """The API input of an action, built from its fields in the registry."""
    fields: dict[str, Any] = {}
    with translation.override("en"):
        for field in spec.fields:
            kind, default = _annotation(field)
            fields[field.name] = (
                kind,
                Field(default, title=str(field.label), description=str(field.help) or None),
            )
    name = "".join(word.title() for word in spec.action.split("_")) + "In"
    model: type[In] = create_model(name, __base__=In, **fields)
    return model


INPUTS: dict[str, type[In]] = {
    spec.action: WRITTEN.get(spec.action) or action_input(spec) for spec in registry.ACTIONS
}

# How a field given by name or id in the API becomes what the service takes.
_RESOLVE: dict[str, Callable[[Complaint, Any], Any]] = {
    "category": lambda c, code: lookup(Category, "category", code),
    "unit": lambda c, code: lookup(OrgUnit, "unit", code),
    "owner": lambda c, username: _owner(username),
    "remedy": _remedy,
    "person": lambda c, username: _staff(username),
    "declaration": _declaration,
    "attachments": lambda c, files: incoming_files(files),
    "channel": lambda c, channel: channel or "",
    "remedies": lambda c, remedies: [remedy.model_dump() for remedy in remedies],
}


def _values(complaint: Complaint, payload: In) -> dict[str, Any]:
    # What the client sent: a field left out (or null) takes the service's default.
    values = {
        name: getattr(payload, name)
        for name in payload.model_fields_set
        if getattr(payload, name) is not None
    }
    for name, resolve in _RESOLVE.items():
        if name in values:
            values[name] = resolve(complaint, values[name])
    return values


def _register(spec: ActionSpec, schema: type[In]) -> None:
    action = spec.action
    with translation.override("en"):
        summary = str(spec.label)

    def view(request: HttpRequest, reference: str, payload: Any) -> Any:
        complaint = complaint_for(request, reference)
        action_perform(
            action,
            complaint=complaint,
            actor=Actor.for_user(api_user(request)),
            values=_values(complaint, payload),
        )
        return detail_response(request, complaint)

    view.__annotations__ = {
        "request": HttpRequest,
        "reference": str,
        "payload": schema,
        "return": Any,
    }
    view.__name__ = f"complaint_{action}"
    view.__doc__ = f"{summary}. Answers with the complaint as it is after the action."
    router.post(
        f"/complaints/{{reference}}/actions/{action}",
        auth=ACTION_SCOPES,
        response={200: ComplaintDetail, **error_responses()},
        operation_id=f"complaint_action_{action}",
        summary=summary,
        url_name=f"complaint-action-{action}",
    )(view)


for _spec in registry.ACTIONS:
    _register(_spec, INPUTS[_spec.action])


@router.post(
    "/complaints/{reference}/actions/{action}",
    auth=ACTION_SCOPES,
    response={404: dict, **error_responses(401, 403, 429)},
    operation_id="complaint_action_unknown",
    summary="Any other action name",
    include_in_schema=False,
)
def complaint_action_unknown(request: HttpRequest, reference: str, action: str) -> Any:
    """An action name that does not exist is a 404 listing the ones that do."""
    raise NotFound(
        _("There is no action “%(action)s”. Actions: %(actions)s.")
        % {"action": action[:50], "actions": ", ".join(spec.action for spec in registry.ACTIONS)}
    )
