"""The actions of the complaint workspace: for each lifecycle action, its form, when it is
offered, why it may be refused up front, and the one service call that performs it.

What is offered is the intersection of the lifecycle table (``allowed_actions(status)``) and the
person's roles for this complaint (``ACTION_ROLES``); the service checks both again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms import actions as action_forms
from redress.complaints import services
from redress.complaints.attachments import IncomingFile
from redress.complaints.models import Complaint, Decision, Message, Status
from redress.complaints.permissions import ACTION_ROLES
from redress.complaints.queues import owner_workload
from redress.complaints.transitions import Action, allowed_actions
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import unit_ancestor_ids, users_with_role


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


@dataclass(frozen=True)
class Spec:
    action: str
    label: Any
    form: type[action_forms.ActionForm]
    perform: Callable[[Context, Any, Any], Any]
    done: Any
    primary: bool = False
    available: Callable[[Context], bool] = lambda ctx: True
    blocked: Callable[[Context], str] = lambda ctx: ""
    form_kwargs: Callable[[Context], dict[str, Any]] = lambda ctx: {}


# --------------------------------------------------------------------------------------------
# Choices that depend on the complaint


def assign_candidates(ctx: Context) -> list[tuple[User, Any]]:
    """Who may own the complaint (handlers of its unit, managers above it), with their workload.

    A handler who is not a manager may only take it for themselves."""
    if "candidates" in ctx.cache:
        return ctx.cache["candidates"]
    if Role.COMPLAINTS_MANAGER in ctx.roles:
        people = {u.pk: u for u in users_with_role(Role.HANDLER, unit_ids=[ctx.complaint.unit_id])}
        for manager in users_with_role(
            Role.COMPLAINTS_MANAGER, unit_ids=unit_ancestor_ids(ctx.complaint.unit_id)
        ):
            people.setdefault(manager.pk, manager)
        if ctx.complaint.subject_staff_id:
            people.pop(ctx.complaint.subject_staff_id, None)
        users = sorted(
            people.values(), key=lambda u: (u.get_full_name() or u.get_username()).lower()
        )
    else:
        users = [ctx.user]
    load = owner_workload(ctx.user, [u.pk for u in users])
    ctx.cache["candidates"] = [(u, load[u.pk]) for u in users]
    return ctx.cache["candidates"]


def reply_templates(ctx: Context) -> list[tuple[str, str]]:
    from redress.notifications.models import MessageTemplate

    language = ctx.complaint.complainant.preferred_language
    rows = MessageTemplate.objects.filter(
        purpose=MessageTemplate.Purpose.REPLY, is_active=True, language=language
    )
    return [(t.code, t.name) for t in rows.order_by("name")]


# --------------------------------------------------------------------------------------------
# Performing (one service call each)


def _acknowledge(ctx: Context, form: Any, _files: Any) -> Any:
    return services.complaint_acknowledge(
        complaint=ctx.complaint, actor=ctx.actor, note=form.cleaned_data["note"]
    )


def _assess(ctx: Context, form: Any, _files: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_assess(
        complaint=ctx.complaint,
        actor=ctx.actor,
        classification=d["classification"],
        severity=d["severity"],
        priority=d["priority"],
        impact=d["impact"],
        complexity=d["complexity"],
        health_safety=d["health_safety"],
        immediate_action=d["immediate_action"],
        category=d["category"],
        reason=d["reason"],
    )


def _assign(ctx: Context, form: Any, _files: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_assign(
        complaint=ctx.complaint, actor=ctx.actor, owner=d.get("owner"), unit=d.get("unit")
    )


def _prioritise(ctx: Context, form: Any, _files: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_prioritise(
        complaint=ctx.complaint, actor=ctx.actor, priority=d["priority"], reason=d["reason"]
    )


def _pause(ctx: Context, form: Any, _files: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_pause(
        complaint=ctx.complaint, actor=ctx.actor, reason=d["reason"], note=d["note"]
    )


def _resume(ctx: Context, form: Any, _files: Any) -> Any:
    return services.complaint_resume(
        complaint=ctx.complaint, actor=ctx.actor, note=form.cleaned_data["note"]
    )


def _investigate(ctx: Context, form: Any, _files: Any) -> Any:
    return services.complaint_start_investigation(
        complaint=ctx.complaint, actor=ctx.actor, plan=form.cleaned_data["plan"]
    )


def _incoming(files: list[Any]) -> list[IncomingFile]:
    return [IncomingFile(name=upload.name, content=upload.read()) for upload in files]


def _note(ctx: Context, form: Any, _files: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_add_note(
        complaint=ctx.complaint,
        actor=ctx.actor,
        body=d["body"],
        attachments=_incoming(d["attachments"]),
    )


def _reply(ctx: Context, form: Any, _files: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_add_message(
        complaint=ctx.complaint,
        actor=ctx.actor,
        direction=Message.Direction.OUTBOUND,
        body=d["body"],
        subject=d["subject"],
        channel=d["channel"],
    )


def _propose(ctx: Context, form: Any, remedies: Any) -> Any:
    d = form.cleaned_data
    inputs = [
        services.RemedyInput(
            type=r["type"],
            amount=r.get("amount") or 0,
            description=r.get("description") or "",
            due_at=r.get("due_at"),
        )
        for r in (remedies.cleaned_data if remedies is not None else [])
        if r and r.get("type")
    ]
    return services.complaint_propose_decision(
        complaint=ctx.complaint,
        actor=ctx.actor,
        outcome=d["outcome"],
        summary=d["summary"],
        reasons=d["reasons"],
        remedies=inputs,
    )


def _approve(ctx: Context, form: Any, _files: Any) -> Any:
    return services.complaint_approve_decision(
        complaint=ctx.complaint, actor=ctx.actor, note=form.cleaned_data["note"]
    )


def _return(ctx: Context, form: Any, _files: Any) -> Any:
    return services.complaint_return_decision(
        complaint=ctx.complaint, actor=ctx.actor, reason=form.cleaned_data["reason"]
    )


def _communicate(ctx: Context, form: Any, _files: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_communicate_decision(
        complaint=ctx.complaint, actor=ctx.actor, via=d["via"], note=d["note"]
    )


def _reaction(ctx: Context, form: Any, _files: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_record_reaction(
        complaint=ctx.complaint, actor=ctx.actor, reaction=d["reaction"], note=d["note"]
    )


def _escalate(ctx: Context, form: Any, _files: Any) -> Any:
    return services.complaint_escalate(
        complaint=ctx.complaint, actor=ctx.actor, reason=form.cleaned_data["reason"]
    )


def _refer(ctx: Context, form: Any, _files: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_refer_external(
        complaint=ctx.complaint,
        actor=ctx.actor,
        provider=d["provider"],
        consent=d["consent"],
        note=d["note"],
    )


def _settle(ctx: Context, form: Any, _files: Any) -> Any:
    d = form.cleaned_data
    return services.remedy_settle(
        remedy=d["remedy"], actor=ctx.actor, waived_reason=d["waived_reason"]
    )


def _close(ctx: Context, form: Any, _files: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_close(
        complaint=ctx.complaint,
        actor=ctx.actor,
        note=d["note"],
        external_options_told=d.get("external_options_told", False),
    )


def _reopen(ctx: Context, form: Any, _files: Any) -> Any:
    return services.complaint_reopen(
        complaint=ctx.complaint, actor=ctx.actor, reason=form.cleaned_data["reason"]
    )


def _withdraw(ctx: Context, form: Any, _files: Any) -> Any:
    return services.complaint_withdraw(
        complaint=ctx.complaint, actor=ctx.actor, reason=form.cleaned_data["reason"]
    )


# --------------------------------------------------------------------------------------------
# Refusals explained before anyone clicks


def _approve_blocked(ctx: Context) -> str:
    decision = ctx.decision_in(Decision.State.PROPOSED)
    if decision is None:
        return gettext("There is no proposed decision.")
    if decision.proposed_by_id == ctx.user.pk and services.four_eyes_required(decision):
        return gettext(
            "Four-eyes rule: you proposed this decision and its remedies are above the limit, "
            "so someone else must approve it."
        )
    return ""


def _close_blocked(ctx: Context) -> str:
    if ctx.complaint.status == Status.RESOLVED:
        count = len(ctx.open_remedies())
        if count:
            return gettext(
                "%(count)s agreed remedies are not yet fulfilled or waived; settle them first."
            ) % {"count": count}
    return ""


def _assign_available(ctx: Context) -> bool:
    if Role.COMPLAINTS_MANAGER in ctx.roles:
        return True
    return ctx.complaint.owner_id != ctx.user.pk and Role.HANDLER in ctx.roles


SPECS: list[Spec] = [
    Spec(
        Action.ACKNOWLEDGE,
        _("Acknowledge"),
        action_forms.AcknowledgeForm,
        _acknowledge,
        _("Receipt acknowledged."),
        primary=True,
    ),
    Spec(
        Action.ASSESS,
        _("Assess"),
        action_forms.AssessForm,
        _assess,
        _("Assessment recorded."),
        primary=True,
    ),
    Spec(
        Action.START_INVESTIGATION,
        _("Start investigation"),
        action_forms.StartInvestigationForm,
        _investigate,
        _("Investigation started."),
        primary=True,
    ),
    Spec(
        Action.PROPOSE_DECISION,
        _("Propose decision"),
        action_forms.ProposeDecisionForm,
        _propose,
        _("Decision proposed."),
        primary=True,
    ),
    Spec(
        Action.APPROVE_DECISION,
        _("Approve decision"),
        action_forms.ApproveForm,
        _approve,
        _("Decision approved."),
        primary=True,
        blocked=_approve_blocked,
    ),
    Spec(
        Action.RETURN_DECISION,
        _("Return decision"),
        action_forms.ReturnDecisionForm,
        _return,
        _("Decision returned."),
    ),
    Spec(
        Action.COMMUNICATE_DECISION,
        _("Communicate decision"),
        action_forms.CommunicateForm,
        _communicate,
        _("Decision communicated."),
        primary=True,
    ),
    Spec(
        Action.RECORD_REACTION,
        _("Record reaction"),
        action_forms.ReactionForm,
        _reaction,
        _("Reaction recorded."),
        primary=True,
    ),
    Spec(
        Action.SETTLE_REMEDY,
        _("Settle remedy"),
        action_forms.SettleRemedyForm,
        _settle,
        _("Remedy settled."),
        primary=True,
        available=lambda ctx: bool(ctx.open_remedies()),
        form_kwargs=lambda ctx: {"remedies": ctx.open_remedies()},
    ),
    Spec(
        Action.CLOSE,
        _("Close"),
        action_forms.CloseForm,
        _close,
        _("Complaint closed."),
        primary=True,
        blocked=_close_blocked,
    ),
    Spec(
        Action.ESCALATE,
        _("Escalate to internal review"),
        action_forms.EscalateForm,
        _escalate,
        _("Escalated to internal review."),
    ),
    Spec(
        Action.REFER_EXTERNAL,
        _("Refer to an external body"),
        action_forms.ReferExternalForm,
        _refer,
        _("Referred."),
    ),
    Spec(
        Action.ADD_MESSAGE,
        _("Reply to the complainant"),
        action_forms.ReplyForm,
        _reply,
        _("Reply recorded."),
        form_kwargs=lambda ctx: {"templates": reply_templates(ctx)},
    ),
    Spec(Action.ADD_NOTE, _("Add note"), action_forms.NoteForm, _note, _("Note added.")),
    Spec(
        Action.ASSIGN,
        _("Assign"),
        action_forms.AssignForm,
        _assign,
        _("Assignment saved."),
        available=_assign_available,
        form_kwargs=lambda ctx: {
            "candidates": assign_candidates(ctx),
            "may_move": Role.COMPLAINTS_MANAGER in ctx.roles,
        },
    ),
    Spec(
        Action.PRIORITISE,
        _("Change priority"),
        action_forms.PrioritiseForm,
        _prioritise,
        _("Priority changed."),
    ),
    Spec(
        Action.PAUSE,
        _("Pause the clock"),
        action_forms.PauseForm,
        _pause,
        _("Clock paused."),
        available=lambda ctx: ctx.complaint.paused_at is None,
    ),
    Spec(
        Action.RESUME,
        _("Resume the clock"),
        action_forms.ResumeForm,
        _resume,
        _("Clock restarted."),
        primary=True,
        available=lambda ctx: ctx.complaint.paused_at is not None,
    ),
    Spec(Action.REOPEN, _("Reopen"), action_forms.ReopenForm, _reopen, _("Complaint reopened.")),
    Spec(
        Action.WITHDRAW,
        _("Withdraw"),
        action_forms.WithdrawForm,
        _withdraw,
        _("Complaint withdrawn."),
    ),
]
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
        return 409, gettext("The action “%(action)s” has nothing to do now.") % {
            "action": spec.label
        }
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
