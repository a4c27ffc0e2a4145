"""The actions of the complaint workspace: for each lifecycle action, its form, when it is
offered, why it may be refused up front, and the one service call that performs it.

What is offered is the intersection of the lifecycle table (``allowed_actions(status)``) and the
person's roles for this complaint (``ACTION_ROLES``); the service checks both again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext

from redress.backoffice.decision_preview import decision_preview_for
from redress.backoffice.forms import actions as action_forms
from redress.complaints.attachments import IncomingFile
from redress.complaints.models import (
    Channel,
    Complaint,
    ConflictDeclaration,
    Decision,
    Message,
    SatisfactionResponse,
    Status,
)
from redress.complaints.queues import owner_workload
from redress.complaints.selectors import conflict_declarations
from redress.complaints.transitions import ACTION_ROLES, Action, allowed_actions
from redress.core.actors import Actor
from redress.core.collation import person_key
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import staff_members, unit_ancestor_ids, users_with_role
from redress.handling import services
from redress.handling.registry import ACTIONS as REGISTERED_ACTIONS
from redress.handling.registry import BY_ACTION as BY_REGISTERED
from redress.handling.registry import ActionSpec, action_perform
from redress.notifications.models import MessageTemplate


@dataclass
class Context:
    """Everything an action needs to know about who acts on what."""

    user: User
    complaint: Complaint
    roles: set[Role]
    _decisions: list[Decision] | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        return Actor.for_user(self.user)

    @property
    def decisions(self) -> list[Decision]:
        if self._decisions is None:
            self._decisions = list(
                self.complaint.decisions.select_related(
                    "proposed_by", "approved_by"
                ).prefetch_related("remedies")
            )
        return self._decisions

    def decision_in(self, state: str) -> Decision | None:
        found = [d for d in self.decisions if d.state == state]
        return found[-1] if found else None

    def open_remedies(self) -> list[Any]:
        decision = self.decision_in(Decision.State.COMMUNICATED)
        return [r for r in decision.remedies.all() if not r.is_settled] if decision else []

    @property
    def declarations(self) -> list[ConflictDeclaration]:
        """Every conflict-of-interest declaration on the complaint, withdrawn ones included
        (one query, shared by the workspace and the actions that need them)."""
        if "declarations" not in self.cache:
            self.cache["declarations"] = conflict_declarations(self.complaint, withdrawn=True)
        return self.cache["declarations"]

    def standing_declarations(self) -> list[ConflictDeclaration]:
        return [d for d in self.declarations if d.is_standing]

    def conflicted(self, user_id: int | None) -> bool:
        return any(d.person_id == user_id for d in self.standing_declarations())

    def satisfaction(self) -> SatisfactionResponse | None:
        """The complainant's answer to the satisfaction survey, if they gave one."""
        if "satisfaction" not in self.cache:
            self.cache["satisfaction"] = SatisfactionResponse.objects.filter(
                complaint=self.complaint
            ).first()
        return self.cache["satisfaction"]


def _cleaned(ctx: Context, form: Any, remedies: Any) -> dict[str, Any]:
    return dict(form.cleaned_data)


@dataclass(frozen=True)
class Spec:
    """An action of the registry as the workspace offers it: its form, when it is offered, why
    it may be refused up front, and what the form sends to the service."""

    action: str
    form: type[action_forms.ActionForm]
    available: Callable[[Context], bool] = lambda ctx: True
    blocked: Callable[[Context], str] = lambda ctx: ""
    # Why the action has nothing to do when ``available`` says no (else a general sentence).
    unavailable: Callable[[Context], str] = lambda ctx: ""
    form_kwargs: Callable[[Context], dict[str, Any]] = lambda ctx: {}
    values: Callable[[Context, Any, Any], dict[str, Any]] = _cleaned

    @property
    def registered(self) -> ActionSpec:
        return BY_REGISTERED[self.action]

    @property
    def label(self) -> Any:
        return self.registered.label

    @property
    def done(self) -> Any:
        return self.registered.done

    @property
    def primary(self) -> bool:
        return self.registered.primary

    def perform(self, ctx: Context, form: Any, remedies: Any) -> Any:
        return action_perform(
            self.action,
            complaint=ctx.complaint,
            actor=ctx.actor,
            values=self.values(ctx, form, remedies),
        )


# --------------------------------------------------------------------------------------------
# Choices that depend on the complaint


def assign_candidates(ctx: Context) -> list[tuple[User, Any]]:
    """Who may own the complaint (handlers of its unit, managers above it), with their workload.

    A handler who is not a manager may only take it for themselves."""
    if "candidates" in ctx.cache:
        return ctx.cache["candidates"]
    if Role.COMPLAINTS_MANAGER in ctx.roles:
        # The unit the complaint is being moved to, when one is chosen in the same step.
        unit_id = ctx.cache.get("assign_unit") or ctx.complaint.unit_id
        people = {u.pk: u for u in users_with_role(Role.HANDLER, unit_ids=[unit_id])}
        for manager in users_with_role(
            Role.COMPLAINTS_MANAGER, unit_ids=unit_ancestor_ids(unit_id)
        ):
            people.setdefault(manager.pk, manager)
        if ctx.complaint.subject_staff_id:
            people.pop(ctx.complaint.subject_staff_id, None)
        for declaration in ctx.standing_declarations():
            people.pop(declaration.person_id, None)
        users = sorted(people.values(), key=person_key)
    else:
        users = [] if ctx.conflicted(ctx.user.pk) else [ctx.user]
    load = owner_workload(ctx.user, [u.pk for u in users])
    ctx.cache["candidates"] = [(u, load[u.pk]) for u in users]
    return ctx.cache["candidates"]


def returned_proposal(ctx: Context) -> Decision | None:
    """The proposal returned for rework, when it is the complaint's latest decision: a new
    proposal starts from it."""
    latest = ctx.decisions[-1] if ctx.decisions else None
    return latest if latest is not None and latest.state == Decision.State.RETURNED else None


def proposal_initial(ctx: Context) -> dict[str, Any]:
    """The proposal form's starting values: the returned proposal's outcome, text and reasons."""
    returned = returned_proposal(ctx)
    if returned is None:
        return {}
    return {"outcome": returned.outcome, "summary": returned.summary, "reasons": returned.reasons}


def remedy_formset(ctx: Context, data: Any = None) -> Any:
    """The remedies of a proposal: empty rows, after the returned proposal's remedies if any."""
    if data is not None:
        return action_forms.RemedyFormSet(data, prefix="remedies")
    returned = returned_proposal(ctx)
    initial = [
        {
            "type": r.type,
            "amount": r.amount or None,
            "description": r.description,
            "due_at": r.due_at,
        }
        for r in (returned.remedies.all() if returned is not None else [])
    ]
    return action_forms.RemedyFormSet(prefix="remedies", initial=initial)


def reply_templates(ctx: Context) -> list[tuple[str, str]]:
    language = ctx.complaint.complainant.preferred_language
    rows = MessageTemplate.objects.filter(
        purpose=MessageTemplate.Purpose.REPLY, is_active=True, language=language
    )
    return [(t.code, t.name) for t in rows.order_by("name")]


# --------------------------------------------------------------------------------------------
# What a form sends to the action's service (``registry.action_perform``)


def _files(ctx: Context, form: Any, remedies: Any) -> dict[str, Any]:
    uploads = form.cleaned_data.get("attachments") or []
    return {
        **form.cleaned_data,
        "attachments": [
            IncomingFile(name=upload.name, content=upload.read()) for upload in uploads
        ],
    }


def _reply(ctx: Context, form: Any, remedies: Any) -> dict[str, Any]:
    return {**_files(ctx, form, remedies), "direction": Message.Direction.OUTBOUND}


def _by_phone(ctx: Context, form: Any, remedies: Any) -> dict[str, Any]:
    # The complainant answers the survey on the portal; in the workspace, staff type in an
    # answer given to them by phone: the event says it came by phone, and who typed it in.
    return {**form.cleaned_data, "via": Channel.PHONE}


def _proposal(ctx: Context, form: Any, remedies: Any) -> dict[str, Any]:
    return {**form.cleaned_data, "remedies": remedies.cleaned_data if remedies is not None else []}


# --------------------------------------------------------------------------------------------
# Refusals explained before anyone clicks


def _approve_blocked(ctx: Context) -> str:
    decision = ctx.decision_in(Decision.State.PROPOSED)
    if decision is None:
        return gettext("There is no proposed decision.")
    if ctx.conflicted(ctx.user.pk):
        return _conflicted_message()
    if decision.proposed_by_id == ctx.user.pk and services.four_eyes_required(decision):
        return gettext(
            "Four-eyes rule: you proposed this decision and its remedies are above the limit, "
            "so someone else must approve it."
        )
    return ""


def _conflicted_message() -> str:
    return gettext("You declared a conflict of interest and cannot decide this complaint.")


def _decide_blocked(ctx: Context) -> str:
    return _conflicted_message() if ctx.conflicted(ctx.user.pk) else ""


def _already_declared(ctx: Context) -> str:
    return gettext("You have already declared a conflict of interest on this complaint.")


def _close_blocked(ctx: Context) -> str:
    if ctx.complaint.status == Status.RESOLVED:
        count = len(ctx.open_remedies())
        if count:
            return gettext(
                "%(count)s agreed remedies are not yet fulfilled or waived; settle them first."
            ) % {"count": count}
    return ""


def _already_rated(ctx: Context) -> str:
    answer = ctx.satisfaction()
    if answer is None:
        return ""
    return gettext(
        "The complainant's satisfaction answer was already recorded on %(date)s; a complaint "
        "takes one answer only."
    ) % {"date": date_format(localtime(answer.submitted_at), "d/m/Y H:i")}


def _assign_available(ctx: Context) -> bool:
    if Role.COMPLAINTS_MANAGER in ctx.roles:
        return True
    return (
        ctx.complaint.owner_id != ctx.user.pk
        and Role.HANDLER in ctx.roles
        and not ctx.conflicted(ctx.user.pk)
    )


# The actions whose workspace form is written for them: choices that depend on the complaint,
# remedies, files, help where the rule needs explaining. Any other action the registry gives
# people gets a form built from its fields.
WRITTEN: list[Spec] = [
    Spec(Action.ACKNOWLEDGE, action_forms.AcknowledgeForm),
    Spec(Action.ASSESS, action_forms.AssessForm),
    Spec(Action.START_INVESTIGATION, action_forms.StartInvestigationForm),
    Spec(
        Action.PROPOSE_DECISION,
        action_forms.ProposeDecisionForm,
        blocked=_decide_blocked,
        form_kwargs=lambda ctx: {"initial": proposal_initial(ctx)},
        values=_proposal,
    ),
    Spec(Action.APPROVE_DECISION, action_forms.ApproveForm, blocked=_approve_blocked),
    Spec(Action.RETURN_DECISION, action_forms.ReturnDecisionForm, blocked=_decide_blocked),
    Spec(
        Action.COMMUNICATE_DECISION,
        action_forms.CommunicateForm,
        form_kwargs=lambda ctx: {"preview": decision_preview_for(ctx.complaint, ctx.user)},
    ),
    Spec(Action.RECORD_REACTION, action_forms.ReactionForm),
    Spec(
        Action.SETTLE_REMEDY,
        action_forms.SettleRemedyForm,
        available=lambda ctx: bool(ctx.open_remedies()),
        form_kwargs=lambda ctx: {"remedies": ctx.open_remedies()},
    ),
    Spec(Action.CLOSE, action_forms.CloseForm, blocked=_close_blocked),
    Spec(Action.ESCALATE, action_forms.EscalateForm),
    Spec(Action.REFER_EXTERNAL, action_forms.ReferExternalForm),
    Spec(
        Action.ADD_MESSAGE,
        action_forms.ReplyForm,
        form_kwargs=lambda ctx: {"templates": reply_templates(ctx)},
        values=_reply,
    ),
    Spec(Action.ADD_NOTE, action_forms.NoteForm, values=_files),
    Spec(
        Action.ASSIGN,
        action_forms.AssignForm,
        available=_assign_available,
        form_kwargs=lambda ctx: {
            "candidates": assign_candidates(ctx),
            "may_move": Role.COMPLAINTS_MANAGER in ctx.roles,
            "unit_id": ctx.cache.get("assign_unit"),
        },
    ),
    Spec(Action.PRIORITISE, action_forms.PrioritiseForm),
    Spec(
        Action.PAUSE, action_forms.PauseForm, available=lambda ctx: ctx.complaint.paused_at is None
    ),
    Spec(
        Action.RESUME,
        action_forms.ResumeForm,
        available=lambda ctx: ctx.complaint.paused_at is not None,
    ),
    Spec(Action.REOPEN, action_forms.ReopenForm),
    Spec(
        Action.RECORD_SUBJECT_STAFF,
        action_forms.SubjectStaffForm,
        form_kwargs=lambda ctx: {"people": list(staff_members())},
    ),
    Spec(
        Action.DECLARE_CONFLICT,
        action_forms.action_form(BY_REGISTERED[Action.DECLARE_CONFLICT]),
        available=lambda ctx: not ctx.conflicted(ctx.user.pk),
        unavailable=_already_declared,
    ),
    Spec(
        Action.WITHDRAW_CONFLICT,
        action_forms.WithdrawConflictForm,
        available=lambda ctx: bool(ctx.standing_declarations()),
        form_kwargs=lambda ctx: {"declarations": ctx.standing_declarations()},
    ),
    Spec(Action.WITHDRAW, action_forms.WithdrawForm),
    Spec(
        Action.RATE,
        action_forms.action_form(
            BY_REGISTERED[Action.RATE],
            leave_out=frozenset({"via"}),
            base=action_forms.PhoneAnswerForm,
        ),
        available=lambda ctx: ctx.satisfaction() is None,
        unavailable=_already_rated,
        values=_by_phone,
    ),
]


def _workspace_specs() -> list[Spec]:
    written = {spec.action: spec for spec in WRITTEN}
    return [
        written.get(registered.action)
        or Spec(registered.action, action_forms.action_form(registered))
        for registered in REGISTERED_ACTIONS
        if registered.roles
    ]


SPECS: list[Spec] = _workspace_specs()
BY_ACTION = {spec.action: spec for spec in SPECS}


@dataclass(frozen=True)
class Offer:
    spec: Spec
    blocked: str


def role_allows(ctx: Context, action: str) -> bool:
    return bool(ctx.roles & ACTION_ROLES[action])


def refusal(ctx: Context, spec: Spec) -> tuple[int, str]:
    """(HTTP status, reason) when the action cannot be taken now; (0, "") when it can."""
    if spec.action not in allowed_actions(ctx.complaint.status):
        return 409, gettext(
            "The action “%(action)s” is not allowed while the complaint is “%(state)s”."
        ) % {
            "action": spec.label,
            "state": ctx.complaint.get_status_display(),
        }
    if not role_allows(ctx, spec.action):
        return 403, gettext(
            "Your role does not allow the action “%(action)s” on this complaint."
        ) % {"action": spec.label}
    if not spec.available(ctx):
        return 409, spec.unavailable(ctx) or gettext(
            "The action “%(action)s” has nothing to do now."
        ) % {"action": spec.label}
    return 0, ""


def offers(ctx: Context) -> tuple[list[Offer], list[tuple[Spec, str]]]:
    """(actions offered now, with a reason when refused up front; actions the lifecycle allows
    now but the person's role does not, with the reason)."""
    offered: list[Offer] = []
    not_yours: list[tuple[Spec, str]] = []
    allowed = set(allowed_actions(ctx.complaint.status))
    for spec in SPECS:
        if spec.action not in allowed:
            continue
        if not role_allows(ctx, spec.action):
            not_yours.append((spec, gettext("Your role does not allow this on this complaint.")))
            continue
        if spec.available(ctx):
            offered.append(Offer(spec=spec, blocked=spec.blocked(ctx)))
    return offered, not_yours
