"""Generated complaints and their lifecycle, as plain rows (``intake.seed.load`` writes them).

Each complaint is received by the rules of ``complaint_receive`` (``complaints.rules``: priority,
severity and significance, search text, the "receive" event) and then follows its path of
lifecycle steps to its state, in time order, with the decisions, remedies, notes and referrals
that state implies; every event has the audit entry a service would write with it (the audited
fields before and after). What the seed simplifies: a complaint's owner is set from receipt (no
"assign" events), and ordinary complaints are given a spread of priorities and severities at
assessment.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from redress.complaints.models import (
    Channel,
    Classification,
    Decision,
    Message,
    Outcome,
    Priority,
    Reaction,
    RemedyType,
    Severity,
    Status,
    VulnerableGroup,
)
from redress.complaints.references import tracking_code_hash
from redress.complaints.rules import (
    audited_values,
    complainant_search_text,
    complaint_search_text,
    event_values,
    intake_priority_severity,
    is_significant,
    receive_event_values,
)
from redress.complaints.transitions import Action
from redress.core.text import MemoisedFold
from redress.intake.seed.demo import (
    EN_NAMES,
    EXTERNAL_BODIES,
    FAMILY,
    GIVEN,
    MIDDLE,
    PLACES,
    STREETS,
    TOPICS,
)

# The actions that lead to each state, as lifecycle steps (see complaints.testing.PATHS).
_STEPS: dict[str, list[str]] = {
    Status.RECEIVED: [],
    Status.ACKNOWLEDGED: ["acknowledge"],
    Status.ASSESSED: ["acknowledge", "assess"],
    Status.INVESTIGATING: ["acknowledge", "assess", "start_investigation"],
    Status.DECISION_PROPOSED: ["acknowledge", "assess", "start_investigation", "propose_decision"],
    Status.DECISION_APPROVED: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
    ],
    Status.DECISION_COMMUNICATED: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
        "communicate_decision",
    ],
    Status.RESOLVED: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
        "communicate_decision",
        "accepted",
    ],
    Status.UNDER_REVIEW: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
        "communicate_decision",
        "rejected",
    ],
    Status.REFERRED_EXTERNAL: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
        "communicate_decision",
        "rejected",
        "refer_external",
    ],
    Status.NOT_ACCEPTED: ["acknowledge", "not_accepted"],
    Status.WITHDRAWN: ["withdraw"],
    Status.CLOSED: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
        "communicate_decision",
        "accepted",
        "settle_remedy",
        "close",
    ],
}

# A complaint still open has come this far along the usual path, in proportion to the share of
# its handling time that has passed; one whose decision was communicated may instead be under
# internal review or referred to an external body.
_OPEN_PATH = [
    Status.RECEIVED,
    Status.ACKNOWLEDGED,
    Status.ASSESSED,
    Status.INVESTIGATING,
    Status.DECISION_PROPOSED,
    Status.DECISION_APPROVED,
    Status.DECISION_COMMUNICATED,
    Status.RESOLVED,
]
_AFTER_DECISION: dict[str, float] = {Status.UNDER_REVIEW: 0.15, Status.REFERRED_EXTERNAL: 0.08}
# How the finished ones ended: each was closed, after a decision (some after an internal review
# of a first decision the complainant rejected), after being found not to be a complaint, or
# after the complainant withdrew it (weights).
_CLOSED = _STEPS[Status.CLOSED]
# Rejected, reviewed: the review's own decision, then on as any closed complaint from its decision.
_REVIEWED_THEN_CLOSED = [
    *_STEPS[Status.UNDER_REVIEW],
    *_CLOSED[_CLOSED.index("propose_decision") :],
]
_FINISHED_PATHS: list[tuple[list[str], int]] = [
    (_CLOSED, 80),
    (_REVIEWED_THEN_CLOSED, 8),
    (["acknowledge", "not_accepted", "close"], 7),
    (["withdraw", "close"], 5),
]
# An open complaint not yet past assessment may instead be waiting to be closed as not a
# complaint, or as withdrawn.
_BEFORE_DECISION: dict[str, float] = {Status.NOT_ACCEPTED: 0.08, Status.WITHDRAWN: 0.04}
# The backlog is what arrived within about one handling time: 20 days on average, or longer in
# a small data set so that it still has complaints open at every stage to show (at least about
# OPEN_AT_LEAST of them).
HANDLING_DAYS = 20.0
OPEN_AT_LEAST = 100


def handling_days_mean(count: int, span_days: float) -> float:
    """The mean time to finish a complaint in a data set of ``count`` complaints received over
    ``span_days`` days (``HANDLING_DAYS``, longer for a small set: ``OPEN_AT_LEAST``)."""
    return max(HANDLING_DAYS, OPEN_AT_LEAST * span_days / max(count, 1))


def _branch(rng: random.Random, shares: dict[str, float]) -> str | None:
    draw = rng.random()
    for state, share in shares.items():
        if draw < share:
            return state
        draw -= share
    return None


def _state_and_steps(
    rng: random.Random, age_days: float, mean_days: float
) -> tuple[str, list[str], float]:
    """The state of a complaint received ``age_days`` ago, the lifecycle steps that led there
    and the days they took: its handling time is drawn (exponential, mean ``mean_days``);
    finished by now, it was closed the way most complaints are, else it is somewhere along
    the way."""
    handling = rng.expovariate(1 / mean_days)
    if handling <= age_days:
        paths, weights = zip(*_FINISHED_PATHS, strict=True)
        return Status.CLOSED, rng.choices(paths, weights)[0], handling
    reached: str = _OPEN_PATH[int(age_days / handling * len(_OPEN_PATH))]
    if reached in (Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSESSED):
        reached = _branch(rng, _BEFORE_DECISION) or reached
    elif reached in (Status.DECISION_COMMUNICATED, Status.RESOLVED):
        reached = _branch(rng, _AFTER_DECISION) or reached
    return reached, _STEPS[reached], age_days


_STEP_STATUS = {
    "acknowledge": Status.ACKNOWLEDGED,
    "assess": Status.ASSESSED,
    "not_accepted": Status.NOT_ACCEPTED,
    "start_investigation": Status.INVESTIGATING,
    "propose_decision": Status.DECISION_PROPOSED,
    "approve_decision": Status.DECISION_APPROVED,
    "communicate_decision": Status.DECISION_COMMUNICATED,
    "accepted": Status.RESOLVED,
    "rejected": Status.UNDER_REVIEW,
    "refer_external": Status.REFERRED_EXTERNAL,
    "settle_remedy": Status.RESOLVED,
    "close": Status.CLOSED,
    "withdraw": Status.WITHDRAWN,
}
_STEP_ACTION = {
    "not_accepted": Action.ASSESS,
    "accepted": Action.RECORD_REACTION,
    "rejected": Action.RECORD_REACTION,
}

_CHANNELS = [
    Channel.WEB,
    Channel.EMAIL,
    Channel.PHONE,
    Channel.IN_PERSON,
    Channel.LETTER,
    Channel.SOCIAL,
    Channel.API,
]
_CHANNEL_WEIGHTS = [35, 25, 20, 8, 4, 4, 4]
_VULNERABLE = [v for v in VulnerableGroup.values if v]
# What the intake rule gives a complaint it raises nothing for.
_ORDINARY = intake_priority_severity(vulnerable=False, health_safety=False)

Row = dict[str, Any]


@dataclass
class SeedContext:
    """What every generated complaint draws from (read once per run)."""

    rng: random.Random
    unit_ids: list[int]
    categories: dict[str, int]
    product_ids: list[int]
    handlers: list[int]
    # Each unit's handlers (a complaint's owner is one of its unit's when it has any).
    unit_handlers: dict[int, list[int]]
    managers: list[int]
    frontline: list[int]
    users: dict[int, str]
    now: dt.datetime
    currency: str
    tz: zoneinfo.ZoneInfo
    # The mean time to finish a complaint (``handling_days_mean``).
    handling_days: float = HANDLING_DAYS
    # Names and topics repeat: each word is folded once.
    fold: MemoisedFold = field(default_factory=MemoisedFold)


@dataclass
class Rows:
    """One batch of generated rows, without ids. ``complaints[i]`` is ``complainants[i]``'s;
    a child row names its parent row (``"complaint"``, ``"decision"``) until the parent is
    written and has an id. ``audits[i]`` holds the audited values of the complaint before and
    after ``events[i]``."""

    complainants: list[Row] = field(default_factory=list)
    complaints: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    audits: list[tuple[Row, Row]] = field(default_factory=list)
    decisions: list[Row] = field(default_factory=list)
    remedies: list[Row] = field(default_factory=list)
    messages: list[Row] = field(default_factory=list)
    referrals: list[Row] = field(default_factory=list)


def complaint_generate(ctx: SeedContext, rows: Rows, at: dt.datetime, reference: str) -> None:
    """One complainant, one complaint received at ``at`` as ``reference``, and its lifecycle."""
    rng = ctx.rng
    english = rng.random() < 0.15
    name = (
        rng.choice(EN_NAMES)
        if english
        else f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    )
    vulnerable = rng.choice(_VULNERABLE) if rng.random() < 0.08 else ""
    email = (
        f"{ctx.fold(name).replace(' ', '.')}{rng.randrange(1000)}@example.vn"
        if rng.random() < 0.8
        else ""
    )
    phone = f"09{rng.randrange(10**8):08d}"
    rows.complainants.append(
        {
            "full_name": name,
            "email": email,
            "phone": phone,
            "address": f"{rng.randrange(1, 400)} {rng.choice(STREETS)}, {rng.choice(PLACES)}",
            "preferred_language": "en" if english else "vi",
            "preferred_channel": rng.choice([Channel.EMAIL, Channel.PHONE]),
            "vulnerable_group": vulnerable,
            "created_at": at,
        }
    )
    topic = rng.choice(TOPICS)
    age_days = (ctx.now - at).total_seconds() / 86400
    state, steps, took_days = _state_and_steps(rng, age_days, ctx.handling_days)
    channel = rng.choices(_CHANNELS, _CHANNEL_WEIGHTS)[0]
    safety = topic[0] == "safety"
    priority, severity = intake_priority_severity(vulnerable=bool(vulnerable), health_safety=safety)
    amount = Decimal(rng.randrange(1, 400) * 50_000) if rng.random() < 0.6 else None
    subject, description = (topic[3], topic[4]) if english else (topic[1], topic[2])
    order_ref = f"DH{rng.randrange(10**7):07d}" if rng.random() < 0.7 else ""
    unit_id = rng.choice(ctx.unit_ids)
    handlers = ctx.unit_handlers.get(unit_id) or ctx.handlers
    owner = (
        rng.choice(handlers)
        if handlers and state != Status.RECEIVED and rng.random() < 0.9
        else None
    )
    complaint: Row = {
        "reference": reference,
        # Demo complaints are reached through the back office: their codes are never shown.
        "tracking_code_hash": tracking_code_hash(reference, f"seed-{rng.random()}"),
        "status": state,
        "channel": channel,
        "received_at": at,
        "received_by_id": rng.choice(ctx.frontline)
        if ctx.frontline and channel in (Channel.PHONE, Channel.IN_PERSON, Channel.LETTER)
        else None,
        "language": "en" if english else "vi",
        "subject": subject,
        "description": description,
        "occurred_on": (at - dt.timedelta(days=rng.randrange(0, 20))).astimezone(ctx.tz).date(),
        "category_id": ctx.categories.get(topic[0]),
        "product_id": rng.choice(ctx.product_ids) if ctx.product_ids else None,
        "order_ref": order_ref,
        "remedy_requested": ("Refund" if english else "Hoàn tiền") if amount else "",
        "amount_claimed": amount,
        "currency": ctx.currency,
        "is_negotiation_request": rng.random() < 0.1,
        "vulnerable_group": vulnerable,
        "health_safety": safety,
        "severity": severity,
        "priority": priority,
        "is_significant": is_significant(
            health_safety=safety, severity=severity, vulnerable=bool(vulnerable)
        ),
        "unit_id": unit_id,
        "owner_id": owner,
        "search_text": complaint_search_text(
            reference, subject, description, order_ref, folder=ctx.fold
        ),
        "search_personal": complainant_search_text(name, "", email, phone, folder=ctx.fold),
        "updated_at": ctx.now,
    }
    rows.complaints.append(complaint)
    _lifecycle(ctx, rows, complaint, steps, owner, vulnerable=bool(vulnerable), days=took_days)


def _event(rows: Rows, complaint: Row, event: Row, before: Row, after: Row) -> None:
    event["complaint"] = complaint
    rows.events.append(event)
    rows.audits.append((before, after))


def _lifecycle(
    ctx: SeedContext,
    rows: Rows,
    complaint: Row,
    steps: list[str],
    owner: int | None,
    *,
    vulnerable: bool,
    days: float,
) -> None:
    """The events (and decisions, remedies, notes, referrals) of ``steps``, in order,
    each with the audited values of the complaint before and after it."""
    rng = ctx.rng
    at: dt.datetime = complaint["received_at"]
    # Spread the steps over the ``days`` they took (never past now).
    room = min((ctx.now - at).total_seconds(), days * 86400)
    offsets = sorted(rng.random() * room for _ in steps)
    channel = complaint["channel"]
    current = audited_values({**complaint, "status": Status.RECEIVED})
    receipt = receive_event_values(
        channel=channel,
        at=at,
        actor_kind="channel",
        actor_label=channel,
        actor_user_id=None,
        negotiation_request=complaint["is_negotiation_request"],
    )
    _event(rows, complaint, receipt, {}, current)
    ordinary = (complaint["priority"], complaint["severity"]) == _ORDINARY
    status: str = Status.RECEIVED
    decision: Row | None = None
    decision_remedies: list[Row] = []
    handler = owner or (rng.choice(ctx.handlers) if ctx.handlers else None)
    manager = rng.choice(ctx.managers) if ctx.managers else handler
    amount: Decimal = complaint["amount_claimed"] or Decimal(0)
    for step, offset in zip(steps, offsets, strict=True):
        when = at + dt.timedelta(seconds=offset)
        action = _STEP_ACTION.get(step, step)
        new_status = _STEP_STATUS[step]
        who = manager if step in ("approve_decision", "refer_external") else handler
        data: Row = {}
        if step == "acknowledge":
            complaint["acknowledged_at"] = when
        elif step in ("assess", "not_accepted"):
            complaint["assessed_at"] = when
            complaint["classification"] = (
                Classification.COMPLAINT if step == "assess" else Classification.NOT_A_COMPLAINT
            )
            if step == "assess" and ordinary:
                # The assessment spreads what the intake rule left ordinary.
                complaint["priority"] = rng.choice(
                    [Priority.LOW, Priority.NORMAL, Priority.NORMAL, Priority.HIGH]
                )
                complaint["severity"] = rng.choice(
                    [Severity.LOW, Severity.MEDIUM, Severity.MEDIUM, Severity.HIGH]
                )
                complaint["is_significant"] = is_significant(
                    health_safety=complaint["health_safety"],
                    severity=complaint["severity"],
                    vulnerable=vulnerable,
                )
            data = {"classification": complaint["classification"]}
        elif step == "propose_decision":
            outcome = rng.choice([Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD])
            # A review's decision replaces the rejected one: its remedies are the ones settled.
            decision_remedies = []
            decision = {
                "complaint": complaint,
                "state": Decision.State.PROPOSED,
                "is_review": status == Status.UNDER_REVIEW,
                "outcome": outcome,
                "summary": "Hoàn tiền cho khách hàng"
                if outcome != Outcome.NOT_UPHELD
                else "Giữ nguyên",
                "reasons": "Đã xác minh với bộ phận liên quan.",
                "proposed_by_id": handler,
                "proposed_at": when,
            }
            rows.decisions.append(decision)
            if outcome != Outcome.NOT_UPHELD:
                value = amount if outcome == Outcome.UPHELD else (amount / 2).quantize(Decimal(1))
                remedy: Row = {
                    "decision": decision,
                    "type": RemedyType.REFUND if value else RemedyType.APOLOGY,
                    "amount": value,
                    "currency": complaint["currency"],
                }
                rows.remedies.append(remedy)
                decision_remedies.append(remedy)
            data = {"outcome": outcome}
        elif step == "approve_decision" and decision is not None:
            decision.update(state=Decision.State.APPROVED, approved_by_id=manager, approved_at=when)
        elif step == "communicate_decision" and decision is not None:
            decision.update(
                state=Decision.State.COMMUNICATED,
                communicated_at=when,
                communicated_via=Channel.EMAIL,
            )
            complaint["decision_communicated_at"] = when
        elif step in ("accepted", "rejected") and decision is not None:
            decision.update(
                reaction=Reaction.ACCEPTED if step == "accepted" else Reaction.REJECTED,
                reaction_at=when,
            )
            data = {"reaction": decision["reaction"]}
        elif step == "refer_external":
            rows.referrals.append(
                {
                    "complaint": complaint,
                    "provider": rng.choice(EXTERNAL_BODIES),
                    "consent_at": when,
                    "referred_at": when,
                    "referred_by_id": manager,
                }
            )
        elif step == "settle_remedy":
            if not decision_remedies:
                continue  # a decision that was not upheld has nothing to settle
            for settled in decision_remedies:
                settled["fulfilled_at"] = when
        elif step == "close":
            complaint["closed_at"] = when
        after = audited_values({**complaint, "status": new_status})
        event = event_values(
            action=action,
            from_status=status,
            to_status=new_status,
            at=when,
            actor_kind="user" if who else "system",
            actor_label=ctx.users.get(who, "system") if who else "system",
            actor_user_id=who,
            data=data,
        )
        _event(rows, complaint, event, current, after)
        current = after
        status = new_status
    if rng.random() < 0.3 and handler:
        rows.messages.append(
            {
                "complaint": complaint,
                "direction": Message.Direction.INTERNAL,
                "author_id": handler,
                "body": "Đã gọi điện cho khách hàng để xác minh.",
                "created_at": at + dt.timedelta(hours=2),
            }
        )
