"""The stage clocks of one complaint worked out from its recorded events, in memory. Pure: no
database, no clock.

This is the bulk twin of ``sla_clocks_rebuild`` (``redress.sla.services.recompute``): the same
steps in the same order, with the same rules (``plan_stage`` and the functions of
``redress.sla.rules``), on plain objects instead of rows, so that a million complaints can be
timed without a query per step. ``tests/test_bulk_clocks.py`` holds the two to the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from redress.sla.calendar import WorkCalendar
from redress.sla.rules import (
    DUE_FIELDS,
    RECEIPT_STAGES,
    RUNNING_ONLY_STAGES,
    Pause,
    Stage,
    TimeUnit,
    measure,
    paused_within,
)

if TYPE_CHECKING:
    from redress.complaints.models import Complaint
    from redress.sla.models import SlaPolicy
    from redress.sla.services.clocks import Plan

RUNNING, MET, BREACHED, CANCELLED = "running", "met", "breached", "cancelled"
STAGE_DONE_BY = {
    "acknowledge": Stage.ACKNOWLEDGE,
    "assess": Stage.ASSESS,
    "communicate_decision": Stage.DECISION,
    "close": Stage.CLOSE,
}
REVIEW_DONE_BY = "communicate_decision"
REVIEW_STARTED_BY = frozenset({"record_reaction", "escalate"})
REVIEW_ENDED_BY = frozenset({"refer_external", "withdraw", "close", "reopen"})
# The actions the replay reacts to (the others change no clock).
TIMED_ACTIONS = frozenset(
    {"pause", "resume", *STAGE_DONE_BY, "withdraw", "reopen", *REVIEW_STARTED_BY} | REVIEW_ENDED_BY
)


@dataclass(frozen=True)
class Subject:
    """What the rules read of a complaint."""

    id: int
    received_at: dt.datetime
    is_negotiation_request: bool
    paused_at: dt.datetime | None


@dataclass(frozen=True)
class Event:
    action: str
    to_status: str
    at: dt.datetime
    reason: str


class Clock:
    """A stage clock as ``StageClock`` stores it."""

    __slots__ = (
        "stage",
        "round",
        "started_at",
        "policy_id",
        "target_amount",
        "target_unit",
        "statutory",
        "due_at",
        "near_due_at",
        "completed_at",
        "outcome",
        "working_seconds",
        "working_days",
        "paused_seconds",
        "margin_seconds",
        "next_check_at",
    )

    def __init__(self, stage: str, round_number: int, started_at: dt.datetime) -> None:
        self.stage, self.round, self.started_at = stage, round_number, started_at
        self.policy_id: int | None = None
        self.target_amount: int | None = None
        self.target_unit = ""
        self.statutory = False
        self.due_at: dt.datetime | None = None
        self.near_due_at: dt.datetime | None = None
        self.completed_at: dt.datetime | None = None
        self.outcome = RUNNING
        self.working_seconds: int | None = None
        self.working_days: int | None = None
        self.paused_seconds = 0
        self.margin_seconds: int | None = None
        self.next_check_at: dt.datetime | None = None

    def row(self, complaint_id: int) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__} | {
            "complaint_id": complaint_id
        }


class Replay:
    """One complaint's clocks and pauses, advanced event by event as the services would."""

    def __init__(self, subject: Subject, policy: SlaPolicy | None, calendar: WorkCalendar) -> None:
        # Imported here: the services import the models, which need the app registry.
        from redress.sla.services.clocks import plan_stage

        self._plan_stage = plan_stage
        self.subject, self.policy, self.calendar = subject, policy, calendar
        self.clocks: list[Clock] = []
        self.pauses: list[list] = []  # type: ignore[type-arg]  # [started, ended or None, reason]
        # The same stage is planned again on the same terms (at its end, at the final
        # recomputation): the rules are pure, so the first answer stands.
        self._plans: dict[tuple[object, ...], Plan] = {}

    def _pauses(self, until: dt.datetime | None = None) -> list[Pause]:
        return [(p[0], p[1] or until) for p in sorted(self.pauses, key=lambda p: p[0])]

    def _plan(
        self, stage: str, started_at: dt.datetime, round_number: int, pauses: Sequence[Pause]
    ) -> Plan:
        key = (stage, started_at, round_number, *pauses)
        known = self._plans.get(key)
        if known is None:
            known = self._plans[key] = self._plan_stage(
                complaint=cast("Complaint", self.subject),
                stage=stage,
                started_at=started_at,
                round_number=round_number,
                policy=self.policy,
                calendar=self.calendar,
                pauses=pauses,
            )
        return known

    @staticmethod
    def _set(clock: Clock, plan: Plan) -> None:
        clock.policy_id = plan.policy.pk if plan.policy else None
        clock.target_amount = plan.target.amount if plan.target else None
        clock.target_unit = plan.target.unit if plan.target else ""
        clock.statutory = plan.statutory
        clock.due_at, clock.near_due_at = plan.due_at, plan.near_due_at
        times = [t for t in (clock.near_due_at, clock.due_at) if t is not None]
        clock.next_check_at = min(times) if clock.outcome == RUNNING and times else None

    def _new(self, stage: str, round_number: int, at: dt.datetime) -> Clock:
        clock = Clock(stage, round_number, at)
        self._set(clock, self._plan(stage, at, round_number, self._pauses()))
        self.clocks.append(clock)
        return clock

    def run(self, events: Iterable[Event]) -> list[Clock]:
        """Open the receipt clocks, follow the events, then recompute what still runs."""
        for stage in RECEIPT_STAGES:
            self._new(stage, 1, self.subject.received_at)
        for event in events:
            self._follow(event)
        for clock in self.clocks:
            if clock.outcome != RUNNING:
                continue
            self._set(clock, self._plan(clock.stage, clock.started_at, clock.round, self._pauses()))
            if self.subject.paused_at is not None:
                clock.next_check_at = None
        return self.clocks

    def _follow(self, event: Event) -> None:
        action, at = event.action, event.at
        if action == "pause":
            self.pauses.append([at, None, event.reason])
        elif action in ("resume", "close"):
            for pause in self.pauses:
                if pause[1] is None:
                    pause[1] = at
        if action in STAGE_DONE_BY:
            self._complete(STAGE_DONE_BY[action], at)
        if action == "assess" and event.to_status == "not_accepted":
            self._cancel((Stage.DECISION,), at)
        if action == "withdraw":
            self._cancel((Stage.ACKNOWLEDGE, Stage.ASSESS, Stage.DECISION), at)
        if action == "reopen":
            self._round_start(at, (Stage.DECISION, Stage.CLOSE))
        if event.to_status == "under_review" and action in REVIEW_STARTED_BY:
            self._review_start(at)
        elif action == REVIEW_DONE_BY:
            self._complete(Stage.REVIEW, at)
        elif action in REVIEW_ENDED_BY:
            self._cancel((Stage.REVIEW,), at)

    def _running(self, stage: str) -> Clock | None:
        found = [c for c in self.clocks if c.stage == stage and c.outcome == RUNNING]
        return max(found, key=lambda c: c.round) if found else None

    def _cancel(self, stages: Sequence[str], at: dt.datetime) -> None:
        for clock in self.clocks:
            if clock.stage in stages and clock.outcome == RUNNING:
                clock.outcome, clock.completed_at, clock.next_check_at = CANCELLED, at, None

    def _round_start(self, at: dt.datetime, stages: Sequence[str]) -> None:
        rounds = [c.round for c in self.clocks if c.stage != Stage.REVIEW]
        round_number = max(rounds, default=1) + 1
        self._cancel(stages, at)
        for stage in stages:
            self._new(stage, round_number, at)

    def _review_start(self, at: dt.datetime) -> None:
        if self._running(Stage.REVIEW) is not None:
            return
        rounds = [c.round for c in self.clocks if c.stage == Stage.REVIEW]
        clock = self._new(Stage.REVIEW, max(rounds, default=0) + 1, at)
        if self.subject.paused_at is not None:
            clock.next_check_at = None

    def _complete(self, stage: str, at: dt.datetime) -> None:
        clock = self._running(stage)
        if clock is None:
            return
        calendar = self.calendar
        pauses = self._pauses(until=at)
        plan = self._plan(stage, clock.started_at, clock.round, pauses)
        clock.due_at, clock.near_due_at, clock.completed_at = plan.due_at, plan.near_due_at, at
        paused = paused_within(calendar, TimeUnit.WORKING_HOURS, clock.started_at, at, pauses)
        worked = calendar.working_time_between(clock.started_at, at) - paused
        clock.working_seconds = max(int(worked.total_seconds()), 0)
        clock.paused_seconds = int(paused.total_seconds())
        clock.working_days = calendar.working_days_between(clock.started_at, at)
        if clock.due_at is None:
            clock.outcome, clock.margin_seconds = MET, None
        else:
            unit = (
                TimeUnit.WORKING_DAYS
                if clock.statutory
                else (clock.target_unit or TimeUnit.WORKING_HOURS)
            )
            if at <= clock.due_at:
                clock.outcome = MET
                clock.margin_seconds = int(
                    measure(calendar, unit, at, clock.due_at).total_seconds()
                )
            else:
                clock.outcome = BREACHED
                clock.margin_seconds = -int(
                    measure(calendar, unit, clock.due_at, at).total_seconds()
                )
        clock.next_check_at = None


def due_fields(clocks: Sequence[Clock]) -> dict[str, dt.datetime | None]:
    """The deadlines the complaint carries: each stage's latest round (see ``_sync_complaint``)."""
    latest: dict[str, Clock] = {}
    for clock in clocks:
        if clock.stage not in latest or clock.round >= latest[clock.stage].round:
            latest[clock.stage] = clock
    return {
        DUE_FIELDS[Stage(stage)]: (
            None
            if clock.outcome == CANCELLED
            or (stage in RUNNING_ONLY_STAGES and clock.outcome != RUNNING)
            else clock.due_at
        )
        for stage, clock in latest.items()
    }
