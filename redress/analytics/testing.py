"""Test helpers for figures: complaints written straight into the register with the
timestamps a case needs, and a random register for checks that compare two computations."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any
from zoneinfo import ZoneInfo

from redress.analytics.repeats import repeat_links_refresh
from redress.analytics.rollup import rollup_mark
from redress.complaints.models import (
    Channel,
    Classification,
    Complaint,
    ComplaintEvent,
    Decision,
    Outcome,
    Priority,
    Reaction,
    SatisfactionResponse,
    Status,
)
from redress.complaints.models.records import Remedy
from redress.complaints.queue_tally import queue_tally_move
from redress.complaints.rules import audited_values
from redress.complaints.testing import ComplainantFactory
from redress.core.models import OrgUnit, User
from redress.sla.models import StageClock

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_numbers = itertools.count(1)


def at(text: str) -> dt.datetime:
    """A local time in Hanoi, written "2026-03-02 09:00"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN)


def register_row(unit: OrgUnit, received: str | dt.datetime, **fields: Any) -> Complaint:
    """A complaint in the register as the lifecycle would have left it."""
    number = next(_numbers)
    fields.setdefault("complainant", ComplainantFactory.create())
    fields.setdefault("status", Status.INVESTIGATING)
    complaint = Complaint.objects.create(
        reference=f"KN-T-{number:06d}",
        tracking_code_hash="x",
        channel=fields.pop("channel", Channel.WEB),
        received_at=at(received) if isinstance(received, str) else received,
        subject=f"Khiếu nại {number}",
        description="…",
        unit=unit,
        **fields,
    )
    # Written past the lifecycle: its day and unit are marked for the rollup, it is counted in
    # the queue tally as an action would, and its complainant's links are rewritten as a
    # receipt would.
    rollup_mark(complaint)
    queue_tally_move(before={}, after=audited_values(complaint))
    repeat_links_refresh([complaint.complainant_id])
    return complaint


def random_register(
    rng: random.Random,
    *,
    units: list[OrgUnit],
    categories: list[Any],
    decider: User,
    count: int,
    first: dt.datetime,
    days: int,
) -> list[Complaint]:
    """``count`` complaints spread over ``days`` from ``first``, in every state a figure
    distinguishes: on time and late at each stage, open and closed, decided each way,
    withdrawn, not accepted, with remedies and satisfaction answers."""
    complaints = []
    complainants = [ComplainantFactory.create() for _ in range(max(count // 3, 1))]
    # Draws of their own for the decision clocks, so that the rest of the register is the same
    # as before they were varied.
    clocks = random.Random(count)  # noqa: S311
    reviews = random.Random(count + 1)  # noqa: S311 - the internal reviews' own draws, likewise
    for _ in range(count):
        received = first + dt.timedelta(minutes=rng.randrange(days * 24 * 60))

        def later(hours: float, base: dt.datetime = received) -> dt.datetime:
            return base + dt.timedelta(hours=hours)

        fields: dict[str, Any] = {
            "channel": rng.choice(Channel.values),
            "priority": rng.choice(Priority.values),
            "category": rng.choice([*categories, None]),
            "complainant": rng.choice(complainants),
            "is_significant": rng.random() < 0.1,
            "is_negotiation_request": rng.random() < 0.2,
            "acknowledge_due_at": later(24),
            "assess_due_at": later(72),
            "decision_due_at": later(24 * 15),
            "close_due_at": later(24 * 30),
        }
        stage = rng.randrange(6)
        if stage >= 1:
            fields["acknowledged_at"] = later(rng.uniform(0.5, 48))
        if stage >= 2:
            fields["assessed_at"] = later(rng.uniform(24, 120))
        if stage >= 3:
            fields["decision_communicated_at"] = later(rng.uniform(24 * 5, 24 * 20))
        if stage >= 5:
            fields["closed_at"] = later(rng.uniform(24 * 21, 24 * 40))
            fields["status"] = Status.CLOSED
            fields["reopen_count"] = int(rng.random() < 0.1)
        if stage == 0 and rng.random() < 0.3:
            fields["classification"] = Classification.OUT_OF_SCOPE
        complaint = register_row(rng.choice(units), received, **fields)
        if stage >= 3:
            decision = Decision.objects.create(
                complaint=complaint,
                outcome=rng.choice(Outcome.values),
                summary="…",
                reasons="…",
                state=Decision.State.COMMUNICATED,
                proposed_by=decider,
                proposed_at=later(24 * 4),
                communicated_at=fields["decision_communicated_at"],
                reaction=rng.choice([*Reaction.values, ""]),
            )
            if rng.random() < 0.5:
                Remedy.objects.create(
                    decision=decision, type="refund", amount=rng.randrange(1, 50) * 100_000
                )
            # The decision clock carries the legal limit, or the policy's earlier target (then
            # a missed target may still meet the law: the 7-working-day rule works it out).
            statutory = clocks.random() < 0.6
            StageClock.objects.create(
                complaint=complaint,
                stage="decision",
                started_at=received,
                completed_at=fields["decision_communicated_at"],
                working_days=rng.randrange(0, 12),
                statutory=statutory,
                due_at=later(24 * 9) if statutory else later(24 * clocks.choice([4, 6])),
                outcome=rng.choice(["met", "breached"]),
            )
        elif stage == 2:
            # Waiting for a decision: the clock runs (or has been marked missed) and counts for
            # the 7-working-day rule only once the limit has passed.
            statutory = clocks.random() < 0.6
            StageClock.objects.create(
                complaint=complaint,
                stage="decision",
                started_at=received,
                statutory=statutory,
                due_at=later(24 * 9) if statutory else later(24 * 4),
                outcome=clocks.choice(["running", "running", "breached"]),
            )
        if stage >= 3 and reviews.random() < 0.4:
            _reviews(reviews, complaint, fields["decision_communicated_at"])
        if stage >= 5:
            StageClock.objects.create(
                complaint=complaint,
                stage="close",
                started_at=received,
                completed_at=fields["closed_at"],
                working_days=rng.randrange(3, 40),
                outcome="met",
            )
            if rng.random() < 0.5:
                SatisfactionResponse.objects.create(
                    complaint=complaint,
                    overall=rng.randrange(1, 6),
                    fairness=rng.choice([None, 1, 2, 3, 4, 5]),
                    submitted_at=later(24 * 41),
                )
        if stage in (1, 2) and rng.random() < 0.2:
            ComplaintEvent.objects.create(
                complaint=complaint,
                at=later(50),
                action="withdraw",
                to_status=Status.WITHDRAWN,
                actor_kind="complainant",
                actor_label="…",
            )
        complaints.append(complaint)
    return complaints


def _reviews(rng: random.Random, complaint: Complaint, decided: dt.datetime) -> None:
    """One or two rounds of internal review after the first decision, in every state the
    measure of reviews on time tells apart: decided on time or late, running before or past
    its deadline (the deadlines fall up to ten weeks after the decision), not needed, and
    without a deadline."""
    started = decided + dt.timedelta(days=1)
    for round_ in range(1, rng.choice([2, 2, 3])):
        due = started + dt.timedelta(days=rng.uniform(5, 70))
        outcome = rng.choice(["met", "breached", "running", "cancelled"])
        done = None if outcome == "running" else started + dt.timedelta(days=rng.uniform(1, 40))
        StageClock.objects.create(
            complaint=complaint,
            stage="review",
            round=round_,
            started_at=started,
            due_at=None if rng.random() < 0.1 else due,
            completed_at=done,
            outcome=outcome,
        )
        started = (done or due) + dt.timedelta(days=1)
