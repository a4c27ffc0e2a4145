"""The inputs and outputs of the continual improvement endpoints (``api.improvement``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, StrictBool, StrictInt

from redress.api.schemas import Code, Day, In, Required300, Text150, Text200, Text5000
from redress.improvement.models import (
    CapaSource,
    CapaStatus,
    CapaType,
    IssueDecision,
    IssueSource,
    IssueStatus,
)


class ImprovementEventOut(Schema):
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    actor: str
    complaint: str | None
    data: dict[str, Any]


class IssueSummary(Schema):
    id: int
    reference: str
    title: str
    source: IssueSource
    status: IssueStatus
    unit: str | None
    category: str | None
    cause: str | None
    owner: str | None
    is_significant: bool
    opened_at: dt.datetime


class IssuePage(Schema):
    items: list[IssueSummary]
    next_cursor: str | None


class IssueDetail(IssueSummary):
    description: str
    product: str | None
    decision: IssueDecision | Literal[""]
    decision_reason: str
    decided_at: dt.datetime | None
    closed_at: dt.datetime | None
    evidence: dict[str, Any]
    complaints: list[str] = Field(description="References of the linked complaints you may see.")
    capa: list[int]
    events: list[ImprovementEventOut]


class IssueFilters(In):
    status: IssueStatus | Literal[""] = ""
    source: IssueSource | Literal[""] = ""
    unit: Code = ""
    cursor: Text200 = ""
    limit: int = Field(50, ge=1, le=200)


class IssueCreateIn(In):
    title: Required300
    description: Text5000 = ""
    unit: Code = Field("", description="Empty: the whole organisation.")
    category: Code = ""
    product: Code = ""
    cause: Code = ""
    is_significant: StrictBool = False
    complaints: list[Text150] = Field(default_factory=list, max_length=200)


class ReferenceIn(In):
    reference: Text150


class DecisionIn(In):
    decision: IssueDecision
    reason: Text5000 = ""


class TaskOut(Schema):
    id: int
    title: str
    owner: str
    due_on: dt.date
    done_at: dt.datetime | None


class CapaSummary(Schema):
    id: int
    reference: str
    title: str
    type: CapaType
    source: CapaSource
    status: CapaStatus
    unit: str
    owner: str
    due_at: dt.datetime | None
    overdue: bool


class CapaPage(Schema):
    items: list[CapaSummary]
    next_cursor: str | None


class CapaDetail(CapaSummary):
    source_issue: int | None
    source_complaint: str | None
    source_note: str
    cause: str | None
    category: str | None
    plan: str
    due_working_days: int | None
    check_window_days: int
    implemented_at: dt.datetime | None
    check_due_at: dt.datetime | None
    check_figures: dict[str, Any]
    proposed_effective: bool | None
    effective: bool | None
    verifier: str | None
    verification_reason: str
    closed_at: dt.datetime | None
    reopen_count: int
    tasks: list[TaskOut]
    complaints: list[str] = Field(description="References of the linked complaints you may see.")
    events: list[ImprovementEventOut]


class CapaFilters(In):
    status: CapaStatus | Literal[""] = ""
    type: CapaType | Literal[""] = ""
    unit: Code = ""
    overdue: bool | None = None
    cursor: Text200 = ""
    limit: int = Field(50, ge=1, le=200)


class CapaCreateIn(In):
    title: Required300
    type: CapaType
    source: CapaSource
    owner: Text150 = Field(description="The owner's username.")
    unit: Code = Field(description="The responsible unit's code.")
    source_issue: StrictInt | None = Field(None, ge=1, le=2**62)
    source_complaint: Text150 = ""
    source_note: Text5000 = ""
    cause: Code = ""
    category: Code = ""
    check_window_days: StrictInt | None = Field(None, ge=1, le=3660)


class CapaActionIn(In):
    plan: Text5000 = Field("", description="plan: the plan (required).")
    due_working_days: StrictInt | None = Field(
        None, ge=1, le=1000, description="plan: working days to complete, on the unit's calendar."
    )
    effective: StrictBool | None = Field(None, description="verify: the verifier's conclusion.")
    reason: Text5000 = Field(
        "", description="verify (when overriding the proposal) and reopen: why."
    )


class TaskIn(In):
    title: Required300
    owner: Text150 = Field(description="The task owner's username.")
    due_on: Day
