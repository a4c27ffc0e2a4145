"""Internal audits over /api/v1 (read only): the programme and one audit with its checklist,
sample and findings (ISO 10002 8.5).

Checked as in the back office: complaints managers, top management and auditors read audits;
anyone else gets 403; an unknown reference is a 404. The sample lists only the complaints
the token's person may see (``complaints_visible_to``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from redress.api.auth import READ, api_user
from redress.api.errors import error_responses
from redress.api.output import cursor_encode, cursor_pk
from redress.api.schemas import In, Text200
from redress.framework.audit_summary import scope_text
from redress.framework.models import Audit, AuditStatus
from redress.framework.selectors_audit import (
    audit_findings,
    audit_get_by_reference,
    audit_list,
    audit_read_check,
    audit_sample_for_user,
)

router = Router(tags=["internal audit"])


class AuditFilters(In):
    year: int | None = Field(None, ge=2000, le=2999)
    status: AuditStatus | Literal[""] = ""
    cursor: Text200 = ""
    limit: int = Field(50, ge=1, le=200)


class AuditSummary(Schema):
    reference: str
    title: str
    year: int
    unit: str
    categories: list[str]
    scope: str
    period_start: dt.date
    period_end: dt.date
    planned_on: dt.date
    risk_level: str
    status: AuditStatus
    auditors: list[str] = Field(description="The auditors' usernames.")
    planned_by: str
    started_at: dt.datetime | None
    reported_at: dt.datetime | None
    closed_at: dt.datetime | None


class AuditPage(Schema):
    items: list[AuditSummary]
    next_cursor: str | None


class QuestionOut(Schema):
    position: int
    clause: str
    text: str
    text_en: str
    answer: str
    evidence: str
    answered_at: dt.datetime | None


class SampleItemOut(Schema):
    position: int
    complaint: str
    checks: list[str]
    result: str
    note: str
    checked_at: dt.datetime | None


class SampleOut(Schema):
    confidence: int | None
    tolerable_pct: Decimal | None
    size: int | None
    seed: int | None
    population: int | None
    population_digest: str
    drawn_at: dt.datetime | None
    items: list[SampleItemOut] = Field(description="The sampled complaints you may see.")


class FindingOut(Schema):
    reference: str
    type: str
    statement: str
    clause: str
    question: int | None = Field(description="The checklist question's position.")
    complaint: str | None
    capa: str | None


class AuditDetail(AuditSummary):
    rationale: str
    conclusion: str
    checklist: list[QuestionOut]
    sample: SampleOut
    findings: list[FindingOut]


def _summary(audit: Audit) -> dict[str, Any]:
    return {
        "reference": audit.reference,
        "title": audit.title,
        "year": audit.year,
        "unit": audit.unit.code,
        "categories": [c.code for c in audit.categories.all()],
        "scope": scope_text(audit),
        "period_start": audit.period_start,
        "period_end": audit.period_end,
        "planned_on": audit.planned_on,
        "risk_level": audit.risk_level,
        "status": audit.status,
        "auditors": [a.get_username() for a in audit.auditors.all()],
        "planned_by": audit.planned_by.get_username(),
        "started_at": audit.started_at,
        "reported_at": audit.reported_at,
        "closed_at": audit.closed_at,
    }


@router.get(
    "/audits",
    auth=READ,
    response={200: AuditPage, **error_responses(400, 401, 403, 422, 429)},
    operation_id="audit_list",
    summary="List the internal audits of the programme",
)
def audit_list_api(request: HttpRequest, filters: Query[AuditFilters]) -> Any:
    """Audits newest first (by id), ``limit`` at a time; filtered by year and status."""
    user = api_user(request)
    audit_read_check(user)
    queryset = audit_list(user, year=filters.year).prefetch_related("categories")
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.cursor:
        queryset = queryset.filter(pk__lt=cursor_pk(filters.cursor))
    rows = list(queryset.order_by("-pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "items": [_summary(a) for a in rows],
        "next_cursor": cursor_encode(rows[-1].pk) if more else None,
    }


@router.get(
    "/audits/{reference}",
    auth=READ,
    response={200: AuditDetail, **error_responses(401, 403, 404, 422, 429)},
    operation_id="audit_get",
    summary="Get an internal audit with its checklist, sample and findings",
)
def audit_get(request: HttpRequest, reference: str) -> Any:
    user = api_user(request)
    audit_read_check(user)
    audit = audit_get_by_reference(user, reference)
    questions = list(audit.questions.order_by("position", "pk"))
    positions = {q.pk: q.position for q in questions}
    visible = audit_sample_for_user(user, audit)
    shown = {item.pk for item in visible}
    return {
        **_summary(audit),
        "rationale": audit.rationale,
        "conclusion": audit.conclusion,
        "checklist": [
            {
                "position": q.position,
                "clause": q.clause,
                "text": q.text,
                "text_en": q.text_en,
                "answer": q.answer,
                "evidence": q.evidence,
                "answered_at": q.answered_at,
            }
            for q in questions
        ],
        "sample": {
            "confidence": audit.sample_confidence,
            "tolerable_pct": audit.sample_tolerable_pct,
            "size": audit.sample_size,
            "seed": audit.sample_seed,
            "population": audit.population_size,
            "population_digest": audit.population_digest,
            "drawn_at": audit.sampled_at,
            "items": [
                {
                    "position": item.position,
                    "complaint": item.complaint.reference,
                    "checks": item.checks,
                    "result": item.result,
                    "note": item.note,
                    "checked_at": item.checked_at,
                }
                for item in visible
            ],
        },
        "findings": [
            {
                "reference": f.reference,
                "type": f.type,
                "statement": f.statement,
                "clause": f.clause,
                "question": positions.get(f.question_id) if f.question_id else None,
                "complaint": f.sample_item.complaint.reference
                if f.sample_item is not None and f.sample_item.pk in shown
                else None,
                "capa": f.capa.reference if f.capa is not None else None,
            }
            for f in audit_findings(audit)
        ],
    }
