"""Bring a complaint to any stage through the real services (for tests and demo data)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from redress.complaints.models import (
    Classification,
    Complaint,
    Outcome,
    PauseReason,
    Reaction,
    RemedyType,
    Status,
)
from redress.complaints.testing import ComplainantFactory
from redress.core.actors import Actor
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling import services


@dataclass
class Team:
    unit: OrgUnit
    frontline: User
    handler: User
    manager: User
    top: User
    auditor: User


def make_team(unit: OrgUnit | None = None) -> Team:
    unit = unit or UnitFactory.create()
    assert unit is not None
    return Team(
        unit=unit,
        frontline=staff(Role.FRONTLINE, unit),
        handler=staff(Role.HANDLER, unit),
        manager=staff(Role.COMPLAINTS_MANAGER, unit),
        top=staff(Role.TOP_MANAGEMENT, unit),
        auditor=staff(Role.AUDITOR, unit),
    )


# The path of actions that leads to each state.
PATHS: dict[str, list[str]] = {
    Status.RECEIVED: [],
    Status.ACKNOWLEDGED: ["acknowledge"],
    Status.ASSESSED: ["acknowledge", "assess"],
    Status.INVESTIGATING: ["acknowledge", "assess", "investigate"],
    Status.DECISION_PROPOSED: ["acknowledge", "assess", "investigate", "propose"],
    Status.DECISION_APPROVED: ["acknowledge", "assess", "investigate", "propose", "approve"],
    Status.DECISION_COMMUNICATED: [
        "acknowledge",
        "assess",
        "investigate",
        "propose",
        "approve",
        "communicate",
    ],
    Status.RESOLVED: [
        "acknowledge",
        "assess",
        "investigate",
        "propose",
        "approve",
        "communicate",
        "accept",
    ],
    Status.UNDER_REVIEW: [
        "acknowledge",
        "assess",
        "investigate",
        "propose",
        "approve",
        "communicate",
        "reject",
    ],
    Status.REFERRED_EXTERNAL: [
        "acknowledge",
        "assess",
        "investigate",
        "propose",
        "approve",
        "communicate",
        "reject",
        "refer",
    ],
    Status.NOT_ACCEPTED: ["acknowledge", "not_accepted"],
    Status.WITHDRAWN: ["withdraw"],
    Status.CLOSED: [
        "acknowledge",
        "assess",
        "investigate",
        "propose",
        "approve",
        "communicate",
        "accept",
        "settle",
        "close",
    ],
}


def receive(team: Team, **kwargs: object) -> services.Received:
    defaults: dict[str, object] = {
        "complainant": ComplainantFactory.create(),
        "channel": "web",
        "subject": "Hóa đơn tính sai tiền",
        "description": "Tôi bị tính tiền hai lần cho cùng một đơn hàng.",
        "unit": team.unit,
    }
    defaults.update(kwargs)
    return services.complaint_receive(actor=Actor.channel("web"), **defaults)  # type: ignore[arg-type]


def advance(
    complaint: Complaint, team: Team, step: str, *, remedy_amount: int = 100_000
) -> Complaint:
    handler, manager = Actor.for_user(team.handler), Actor.for_user(team.manager)
    match step:
        case "acknowledge":
            services.complaint_acknowledge(complaint=complaint, actor=handler)
        case "assess":
            services.complaint_assess(complaint=complaint, actor=handler)
        case "not_accepted":
            services.complaint_assess(
                complaint=complaint,
                actor=handler,
                classification=Classification.NOT_A_COMPLAINT,
                reason="Câu hỏi",
            )
        case "investigate":
            services.complaint_start_investigation(complaint=complaint, actor=handler)
        case "propose":
            services.complaint_propose_decision(
                complaint=complaint,
                actor=handler,
                outcome=Outcome.UPHELD,
                summary="Hoàn tiền",
                reasons="Tính tiền hai lần",
                remedies=[services.RemedyInput(type=RemedyType.REFUND, amount=remedy_amount)],
            )
        case "approve":
            services.complaint_approve_decision(complaint=complaint, actor=manager)
        case "communicate":
            services.complaint_communicate_decision(complaint=complaint, actor=handler)
        case "accept":
            services.complaint_record_reaction(
                complaint=complaint, actor=handler, reaction=Reaction.ACCEPTED
            )
        case "reject":
            services.complaint_record_reaction(
                complaint=complaint,
                actor=handler,
                reaction=Reaction.REJECTED,
                note="Chưa thỏa đáng",
            )
        case "refer":
            services.complaint_refer_external(
                complaint=complaint, actor=manager, provider="Sở Công Thương", consent=True
            )
        case "settle":
            for decision in complaint.decisions.all():
                for remedy in decision.remedies.all():
                    services.remedy_settle(remedy=remedy, actor=handler)
        case "close":
            services.complaint_close(complaint=complaint, actor=handler)
        case "withdraw":
            services.complaint_withdraw(
                complaint=complaint, actor=Actor.channel("web"), reason="Đã tự giải quyết"
            )
        case _:
            raise ValueError(step)
    return Complaint.objects.get(pk=complaint.pk)


def complaint_in_state(state: str, team: Team, **kwargs: object) -> Complaint:
    complaint = receive(team, **kwargs).complaint
    for step in PATHS[state]:
        complaint = advance(complaint, team, step)
    assert complaint.status == state, (complaint.status, state)
    return complaint


# The steps that may follow each state (closing, moving, pausing are drawn apart).
_FORWARD: dict[str, list[str]] = {
    Status.RECEIVED: ["acknowledge", "withdraw"],
    Status.ACKNOWLEDGED: ["assess", "not_accepted"],
    Status.ASSESSED: ["investigate"],
    Status.INVESTIGATING: ["propose"],
    Status.DECISION_PROPOSED: ["approve"],
    Status.DECISION_APPROVED: ["communicate"],
    Status.DECISION_COMMUNICATED: ["accept", "reject"],
    Status.RESOLVED: ["settle"],
    Status.UNDER_REVIEW: ["refer"],
}


def random_action(rng: random.Random, complaints: list[Complaint], teams: list[Team]) -> None:
    """One lifecycle action on one of ``complaints``, drawn at random: a step forward, a new
    owner or unit, a pause, a resumption, a closure or a reopening (``ApplicationError`` when
    the lifecycle refuses it, which changes nothing). The first team's manager moves work."""
    complaint = Complaint.objects.get(pk=rng.choice(complaints).pk)
    team = {t.unit.pk: t for t in teams}[complaint.unit_id]
    manager = Actor.for_user(teams[0].manager)
    kind = rng.choice(["forward", "forward", "assign", "move", "pause", "resume", "close"])
    if kind == "forward" and complaint.status in _FORWARD:
        advance(complaint, team, rng.choice(_FORWARD[complaint.status]))
    elif kind == "assign":
        owner = rng.choice([team.handler, team.manager, teams[0].manager])
        services.complaint_assign(complaint=complaint, actor=manager, owner=owner)
    elif kind == "move":
        target = rng.choice(teams)
        services.complaint_assign(complaint=complaint, actor=manager, unit=target.unit)
    elif kind == "pause":
        reason = rng.choice([PauseReason.COMPLAINANT, PauseReason.THIRD_PARTY])
        services.complaint_pause(complaint=complaint, actor=manager, reason=reason, note="Chờ")
    elif kind == "resume":
        services.complaint_resume(complaint=complaint, actor=manager)
    elif complaint.status == Status.CLOSED:
        services.complaint_reopen(complaint=complaint, actor=manager, reason="Chưa xong")
    else:
        advance(complaint, team, "close")
