"""The management framework over /api/v1, read only: the complaints-handling policy (the
version in force and every version, each with its differences from the previous approved
one) and the objectives with their results (ISO 10002 5.2, 6.2). Every staff role reads them,
as in the back office (``framework.roles.FRAMEWORK_ROLES``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from redress.api.auth import READ, api_user
from redress.api.errors import error_responses
from redress.core.errors import NotFound, NotPermitted
from redress.core.models import User
from redress.framework.models import Objective, PolicyVersion
from redress.framework.roles import Permission, may
from redress.framework.selectors_objectives import objective_history, objectives_active
from redress.framework.selectors_policy import policy_current, policy_diff, policy_versions

router = Router(tags=["management system"])


def _reader(user: User) -> None:
    if not may(user, Permission.READ):
        raise NotPermitted(_("Your role does not let you read the management system."))


class PolicyVersionOut(Schema):
    number: int
    status: str
    title: str
    title_en: str
    effective_from: dt.date | None
    drafted_at: dt.datetime
    approved_at: dt.datetime | None
    change_summary: str


class PolicyVersionDetail(PolicyVersionOut):
    text: str
    text_en: str
    diff: list[dict[str, str]]


class PolicyOut(Schema):
    current: PolicyVersionDetail | None
    versions: list[PolicyVersionOut]


def _version(version: PolicyVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "status": version.status,
        "title": version.title,
        "title_en": version.title_en,
        "effective_from": version.effective_from,
        "drafted_at": version.drafted_at,
        "approved_at": version.approved_at,
        "change_summary": version.change_summary,
    }


def _version_detail(version: PolicyVersion) -> dict[str, Any]:
    return {
        **_version(version),
        "text": version.text,
        "text_en": version.text_en,
        "diff": [{"kind": line.kind, "text": line.text} for line in policy_diff(version)],
    }


@router.get(
    "/policy",
    auth=READ,
    response={200: PolicyOut, **error_responses(401, 403, 429)},
    summary="The complaints-handling policy in force and its versions",
)
def policy_get(request: HttpRequest) -> Any:
    _reader(api_user(request))
    current = policy_current()
    return {
        "current": _version_detail(current) if current else None,
        "versions": [_version(v) for v in policy_versions()[:200]],
    }


@router.get(
    "/policy/versions/{number}",
    auth=READ,
    response={200: PolicyVersionDetail, **error_responses(401, 403, 404, 429)},
    summary="One version of the policy, with its differences from the previous approved one",
)
def policy_version_get(request: HttpRequest, number: int) -> Any:
    _reader(api_user(request))
    version = PolicyVersion.objects.filter(number=number).first()
    if version is None:
        raise NotFound(_("There is no such version of the policy."))
    return _version_detail(version)


class ObjectiveResultOut(Schema):
    measured_on: dt.date
    window_start: dt.date
    window_end: dt.date
    value: Decimal | None
    numerator: int | None
    denominator: int | None
    status: str
    source: str
    note: str


class ObjectiveOut(Schema):
    id: int
    title: str
    title_en: str
    kpi: str
    manual_measure: str
    unit_of_measure: str
    direction: str
    baseline: Decimal | None
    target: Decimal
    actual: Decimal | None
    status: str
    owner: str
    unit: str | None
    period_start: dt.date
    period_end: dt.date
    frequency: str
    next_review: dt.date
    retired: bool


class ObjectiveDetail(ObjectiveOut):
    results: list[ObjectiveResultOut]


def _objective(objective: Objective) -> dict[str, Any]:
    return {
        "id": objective.pk,
        "title": objective.title,
        "title_en": objective.title_en,
        "kpi": objective.kpi,
        "manual_measure": objective.manual_measure,
        "unit_of_measure": objective.unit_of_measure,
        "direction": objective.direction,
        "baseline": objective.baseline,
        "target": objective.target,
        "actual": objective.actual,
        "status": objective.status,
        "owner": objective.owner.get_username(),
        "unit": objective.unit.code if objective.unit else None,
        "period_start": objective.period_start,
        "period_end": objective.period_end,
        "frequency": objective.frequency,
        "next_review": objective.next_review,
        "retired": objective.retired_at is not None,
    }


@router.get(
    "/objectives",
    auth=READ,
    response={200: list[ObjectiveOut], **error_responses(401, 403, 429)},
    summary="The objectives in force (at most 200), with their latest result",
)
def objective_list(request: HttpRequest) -> Any:
    _reader(api_user(request))
    return [_objective(o) for o in objectives_active().order_by("period_end", "pk")[:200]]


@router.get(
    "/objectives/{objective_id}",
    auth=READ,
    response={200: ObjectiveDetail, **error_responses(401, 403, 404, 429)},
    summary="One objective with every result measured",
)
def objective_get(request: HttpRequest, objective_id: int) -> Any:
    _reader(api_user(request))
    objective = Objective.objects.select_related("owner", "unit").filter(pk=objective_id).first()
    if objective is None:
        raise NotFound(_("There is no such objective."))
    results = [
        {
            "measured_on": r.measured_on,
            "window_start": r.window_start,
            "window_end": r.window_end,
            "value": r.value,
            "numerator": r.numerator,
            "denominator": r.denominator,
            "status": r.status,
            "source": r.source,
            "note": r.note,
        }
        for r in objective_history(objective)[:500]
    ]
    return {**_objective(objective), "results": results}
