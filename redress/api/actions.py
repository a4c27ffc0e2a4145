"""Lifecycle actions: ``POST /complaints/{reference}/actions/{action}``, one operation per
action so that each documents its own fields.

The complaint is found through the visibility gate (404); the service then checks the user's
roles (403), the lifecycle table (409, naming the state and the action) and the fields (422).
"""

from collections.abc import Callable
from typing import Any, TypeAlias

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import Field

from redress.api.auth import ACTIONS, api_user
from redress.api.complaints import complaint_for, detail_response, incoming_files, lookup
from redress.api.errors import error_responses
from redress.api.schemas import (
    Amount,
    ChannelValue,
    ClassificationValue,
    ComplaintDetail,
    Day,
    FileIn,
    In,
    LevelValue,
    OutcomeValue,
    PauseReasonValue,
    PriorityValue,
    ReactionValue,
    RemedyTypeValue,
    Required200,
    Required5000,
    Required20000,
    Score,
    SeverityValue,
    Text3,
    Text60,
    Text150,
    Text300,
    Text5000,
)
from redress.complaints import services
from redress.complaints.models import (
    Category,
    Channel,
    Classification,
    Complaint,
    Priority,
    Remedy,
    Severity,
)
from redress.complaints.transitions import Action
from redress.core.actors import Actor
from redress.core.errors import NotFound, ValidationFailed
from redress.core.models import OrgUnit, User

router = Router(tags=["actions"])

Note: TypeAlias = Text5000
Reason: TypeAlias = Text5000


class NoteIn(In):
    note: Note = ""


class ReasonIn(In):
    reason: Reason = ""


class AssessIn(In):
    classification: ClassificationValue = Classification.COMPLAINT
    severity: SeverityValue = Severity.MEDIUM
    priority: PriorityValue = Priority.NORMAL
    impact: LevelValue = ""
    complexity: LevelValue = ""
    health_safety: bool = False
    immediate_action: Text5000 = ""
    category: Text60 | None = None
    reason: Reason = Field(
        "", description="Required when the item is not a complaint or out of scope."
    )


class AssignIn(In):
    owner: Text150 | None = Field(None, description="Username of the new owner.")
    unit: Text60 | None = Field(None, description="Code of the unit to move the complaint to.")


class PrioritiseIn(In):
    priority: PriorityValue
    reason: Reason = ""


class PauseIn(In):
    reason: PauseReasonValue
    note: Note = Field("", description="Required when the reason is “other”.")


class PlanIn(In):
    plan: Text5000 = ""


class NoteBodyIn(In):
    body: Required20000
    attachments: list[FileIn] = Field(default_factory=list, max_length=10)


class MessageActionIn(In):
    direction: str = Field(description="inbound or outbound", pattern="^(inbound|outbound)$")
    body: Required20000
    subject: Text300 = ""
    channel: ChannelValue | None = None
    attachments: list[FileIn] = Field(default_factory=list, max_length=10)


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


class CommunicateIn(In):
    via: ChannelValue = Channel.EMAIL
    note: Note = ""


class ReactionIn(In):
    reaction: ReactionValue
    note: Note = Field("", description="Required when the decision is rejected.")


class ReferIn(In):
    provider: Required200
    consent: bool
    note: Note = ""


class SettleIn(In):
    remedy: int = Field(
        ge=1, le=2**62, description="Id of the remedy (see the complaint's decisions)."
    )
    waived_reason: Reason = Field(
        "", description="Waive the remedy with this reason instead of fulfilling it."
    )


class CloseIn(In):
    note: Note = ""
    external_options_told: bool = False


class RequiredReasonIn(In):
    reason: Required5000


class RateIn(In):
    overall: Score
    fairness: Score | None = None
    clarity: Score | None = None
    speed: Score | None = None
    courtesy: Score | None = None
    comment: Text5000 = ""


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


Handler = Callable[[Complaint, Actor, Any], object]

# action → (input schema, what it does, summary)
ACTIONS_TABLE: list[tuple[str, type[In], Handler, str]] = [
    (
        Action.ACKNOWLEDGE,
        NoteIn,
        lambda c, a, p: services.complaint_acknowledge(complaint=c, actor=a, note=p.note),
        "Acknowledge receipt",
    ),
    (
        Action.ASSESS,
        AssessIn,
        lambda c, a, p: services.complaint_assess(
            complaint=c,
            actor=a,
            classification=p.classification,
            severity=p.severity,
            priority=p.priority,
            impact=p.impact,
            complexity=p.complexity,
            health_safety=p.health_safety,
            immediate_action=p.immediate_action,
            category=lookup(Category, "category", p.category),
            reason=p.reason,
        ),
        "Assess",
    ),
    (
        Action.ASSIGN,
        AssignIn,
        lambda c, a, p: services.complaint_assign(
            complaint=c, actor=a, owner=_owner(p.owner), unit=lookup(OrgUnit, "unit", p.unit)
        ),
        "Assign an owner or move to a unit",
    ),
    (
        Action.PRIORITISE,
        PrioritiseIn,
        lambda c, a, p: services.complaint_prioritise(
            complaint=c, actor=a, priority=p.priority, reason=p.reason
        ),
        "Change the priority",
    ),
    (
        Action.PAUSE,
        PauseIn,
        lambda c, a, p: services.complaint_pause(
            complaint=c, actor=a, reason=p.reason, note=p.note
        ),
        "Pause the clock",
    ),
    (
        Action.RESUME,
        NoteIn,
        lambda c, a, p: services.complaint_resume(complaint=c, actor=a, note=p.note),
        "Resume the clock",
    ),
    (
        Action.START_INVESTIGATION,
        PlanIn,
        lambda c, a, p: services.complaint_start_investigation(complaint=c, actor=a, plan=p.plan),
        "Start the investigation",
    ),
    (
        Action.ADD_NOTE,
        NoteBodyIn,
        lambda c, a, p: services.complaint_add_note(
            complaint=c, actor=a, body=p.body, attachments=incoming_files(p.attachments)
        ),
        "Add an internal note",
    ),
    (
        Action.ADD_MESSAGE,
        MessageActionIn,
        lambda c, a, p: services.complaint_add_message(
            complaint=c,
            actor=a,
            direction=p.direction,
            body=p.body,
            subject=p.subject,
            channel=p.channel or "",
            attachments=incoming_files(p.attachments),
        ),
        "Add a message from or to the complainant",
    ),
    (
        Action.PROPOSE_DECISION,
        ProposeIn,
        lambda c, a, p: services.complaint_propose_decision(
            complaint=c,
            actor=a,
            outcome=p.outcome,
            summary=p.summary,
            reasons=p.reasons,
            remedies=[
                services.RemedyInput(
                    type=r.type,
                    amount=r.amount,
                    description=r.description,
                    due_at=r.due_at,
                    currency=r.currency,
                )
                for r in p.remedies
            ],
        ),
        "Propose a decision with remedies",
    ),
    (
        Action.APPROVE_DECISION,
        NoteIn,
        lambda c, a, p: services.complaint_approve_decision(complaint=c, actor=a, note=p.note),
        "Approve the proposed decision",
    ),
    (
        Action.RETURN_DECISION,
        RequiredReasonIn,
        lambda c, a, p: services.complaint_return_decision(complaint=c, actor=a, reason=p.reason),
        "Return the proposed decision",
    ),
    (
        Action.COMMUNICATE_DECISION,
        CommunicateIn,
        lambda c, a, p: services.complaint_communicate_decision(
            complaint=c, actor=a, via=p.via, note=p.note
        ),
        "Communicate the decision",
    ),
    (
        Action.RECORD_REACTION,
        ReactionIn,
        lambda c, a, p: services.complaint_record_reaction(
            complaint=c, actor=a, reaction=p.reaction, note=p.note
        ),
        "Record the complainant's reaction",
    ),
    (
        Action.ESCALATE,
        RequiredReasonIn,
        lambda c, a, p: services.complaint_escalate(complaint=c, actor=a, reason=p.reason),
        "Escalate to internal review",
    ),
    (
        Action.REFER_EXTERNAL,
        ReferIn,
        lambda c, a, p: services.complaint_refer_external(
            complaint=c, actor=a, provider=p.provider, consent=p.consent, note=p.note
        ),
        "Refer to an external body",
    ),
    (
        Action.SETTLE_REMEDY,
        SettleIn,
        lambda c, a, p: services.remedy_settle(
            remedy=_remedy(c, p.remedy), actor=a, waived_reason=p.waived_reason
        ),
        "Settle (fulfil or waive) a remedy",
    ),
    (
        Action.CLOSE,
        CloseIn,
        lambda c, a, p: services.complaint_close(
            complaint=c, actor=a, note=p.note, external_options_told=p.external_options_told
        ),
        "Close",
    ),
    (
        Action.REOPEN,
        RequiredReasonIn,
        lambda c, a, p: services.complaint_reopen(complaint=c, actor=a, reason=p.reason),
        "Reopen",
    ),
    (
        Action.RATE,
        RateIn,
        lambda c, a, p: services.complaint_rate(
            complaint=c,
            actor=a,
            overall=p.overall,
            fairness=p.fairness,
            clarity=p.clarity,
            speed=p.speed,
            courtesy=p.courtesy,
            comment=p.comment,
        ),
        "Record the complainant's satisfaction",
    ),
    (
        Action.WITHDRAW,
        ReasonIn,
        lambda c, a, p: services.complaint_withdraw(complaint=c, actor=a, reason=p.reason),
        "Withdraw",
    ),
]


def _register(action: str, schema: type[In], handler: Handler, summary: str) -> None:
    def view(request: HttpRequest, reference: str, payload: Any) -> Any:
        complaint = complaint_for(request, reference)
        handler(complaint, Actor.for_user(api_user(request)), payload)
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
        auth=ACTIONS,
        response={200: ComplaintDetail, **error_responses()},
        operation_id=f"complaint_action_{action}",
        summary=summary,
        url_name=f"complaint-action-{action}",
    )(view)


for _action, _schema, _handler, _summary in ACTIONS_TABLE:
    _register(_action, _schema, _handler, _summary)


@router.post(
    "/complaints/{reference}/actions/{action}",
    auth=ACTIONS,
    response={404: dict, **error_responses(401, 403, 429)},
    operation_id="complaint_action_unknown",
    summary="Any other action name",
    include_in_schema=False,
)
def complaint_action_unknown(request: HttpRequest, reference: str, action: str) -> Any:
    """An action name that does not exist is a 404 listing the ones that do."""
    raise NotFound(
        _("There is no action “%(action)s”. Actions: %(actions)s.")
        % {"action": action[:50], "actions": ", ".join(a for a, *_rest in ACTIONS_TABLE)}
    )
