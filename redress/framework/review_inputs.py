"""The inputs of a management review (ISO 10002 8.6), gathered once into plain JSON: the
snapshot that is frozen at the review date and never recomputed.

Every figure is read where the rest of Redress reads it: the KPIs from the analytics catalogue
(``kpis_compute``, as ``GET /api/v1/kpis``) over the whole organisation, satisfaction from
``analytics.satisfaction``, systemic issues and CAPA from continual improvement, audit results
from ``framework.audit_summary``. Values are made plain JSON (``audit.services.jsonable``:
numbers as strings) so that the digest of the canonical JSON computed at the freeze is the one
recomputed from the database later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from typing import Any

from django.db.models import Count

from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.kpis import kpis_compute
from redress.analytics.satisfaction import satisfaction_totals
from redress.audit.services import jsonable
from redress.framework.audit_summary import audit_results_between
from redress.framework.models import Objective
from redress.framework.models.review import ManagementReview
from redress.framework.selectors_review import output_state, review_outputs, review_previous
from redress.improvement.models import Capa, CapaStatus, SystemicIssue
from redress.improvement.selectors import capas_overdue, issues_open

# Bounded lists: the pack names at most this many issues or overdue CAPA (the counts are whole).
MAX_ITEMS = 200
SNAPSHOT_SCHEMA = 1


def canonical_json(data: Any) -> str:
    """One spelling of the data: keys sorted, no spaces, UTF-8 as is."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def snapshot_digest(data: Any) -> str:
    """The SHA-256 of the canonical JSON, in hex."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def _kpis(cohort: Cohort) -> list[dict[str, Any]]:
    return [
        {
            "code": result.kpi.code,
            "name": result.kpi.name_in("vi"),
            "name_en": result.kpi.name_in("en"),
            "value": result.figure.value,
            "numerator": result.figure.numerator,
            "denominator": result.figure.denominator,
            "unit": result.kpi.unit.value,
            "period_based": result.kpi.cohort_based,
        }
        for result in kpis_compute(cohort)
    ]


def _objectives() -> list[dict[str, Any]]:
    rows = (
        Objective.objects.filter(retired_at__isnull=True)
        .select_related("owner")
        .order_by("period_end", "title")
    )
    return [
        {
            "id": objective.pk,
            "title": objective.title,
            "title_en": objective.title_en,
            "kpi": objective.kpi,
            "measure": objective.manual_measure,
            "unit_of_measure": objective.unit_of_measure,
            "direction": objective.direction,
            "baseline": objective.baseline,
            "target": objective.target,
            "actual": objective.actual,
            "status": objective.status,
            "period_start": objective.period_start,
            "period_end": objective.period_end,
            "owner": _person(objective.owner),
        }
        for objective in rows
    ]


def _satisfaction(cohort: Cohort) -> dict[str, Any]:
    totals = satisfaction_totals(cohort)
    return {
        "closed": totals.closed,
        "answers": totals.answers,
        "response_rate_pct": totals.response_rate.value,
        "mean": totals.overall_mean.value,
        "top2_pct": totals.top2_share.value,
        "dimensions": {name: figure.value for name, _label, figure in totals.dimension_means},
    }


def _issues(start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    opened = SystemicIssue.objects.filter(opened_at__gte=start, opened_at__lt=end)
    decided = SystemicIssue.objects.filter(decided_at__gte=start, decided_at__lt=end)
    listed = (
        (opened | decided)
        .distinct()
        .select_related("owner")
        .order_by("opened_at", "pk")[:MAX_ITEMS]
    )
    return {
        "opened": opened.count(),
        "decided": decided.count(),
        "open_now": issues_open(SystemicIssue.objects.all()).count(),
        "items": [
            {
                "reference": issue.reference,
                "title": issue.title,
                "status": issue.status,
                "decision": issue.decision,
                "opened_at": issue.opened_at,
                "decided_at": issue.decided_at,
            }
            for issue in listed
        ],
    }


def _capa(now: dt.datetime) -> dict[str, Any]:
    by_status = dict(
        Capa.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    overdue = capas_overdue(Capa.objects.all(), now).select_related("owner").order_by("due_at")
    return {
        "by_status": {status: by_status.get(status, 0) for status in CapaStatus.values},
        "total": sum(by_status.values()),
        "overdue": overdue.count(),
        "overdue_items": [
            {
                "reference": capa.reference,
                "title": capa.title,
                "status": capa.status,
                "owner": _person(capa.owner),
                "due_at": capa.due_at,
            }
            for capa in overdue[:MAX_ITEMS]
        ],
    }


def _previous_actions(review: ManagementReview, today: dt.date) -> dict[str, Any] | None:
    previous = review_previous(review)
    if previous is None:
        return None
    actions = []
    for output in review_outputs(previous):
        state = output_state(output, today)
        if state is None:
            continue
        actions.append(
            {
                "text": output.text,
                "owner": _person(output.owner),
                "due_on": output.due_on,
                "capa": output.capa.reference if output.capa is not None else None,
                "status": output.capa.status if output.capa is not None else output.task_status,
                "done": state.done,
                "overdue": state.overdue,
            }
        )
    counts = Counter(
        "done" if a["done"] else "overdue" if a["overdue"] else "open" for a in actions
    )
    return {
        "reference": previous.reference,
        "review_date": previous.review_date,
        "actions": actions,
        "counts": {key: counts.get(key, 0) for key in ("done", "open", "overdue")},
    }


def review_inputs_gather(review: ManagementReview, *, now: dt.datetime) -> dict[str, Any]:
    """Everything the review looks at, as of ``now``, over its period, as plain JSON."""
    period = Period(review.period_start, review.period_end)
    cohort = Cohort(user=None, period=period, filters=Filters(), now=now)
    start, end = period.bounds(cohort.zone)
    today = now.astimezone(cohort.zone).date()
    data = {
        "schema": SNAPSHOT_SCHEMA,
        "review": {
            "reference": review.reference,
            "title": review.title,
            "review_date": review.review_date,
            "period": {"from": period.first, "to": period.last},
        },
        "taken_at": now,
        "kpis": _kpis(cohort),
        "objectives": _objectives(),
        "satisfaction": _satisfaction(cohort),
        "systemic_issues": _issues(start, end),
        "capa": _capa(now),
        "audits": audit_results_between(period.first, period.last),
        "previous_review": _previous_actions(review, today),
        "free_text": {
            "context_changes": review.context_changes,
            "resources": review.resources,
            "other": review.other_inputs,
        },
    }
    return jsonable(data)  # type: ignore[no-any-return]
