"""Evaluators of continual improvement (ISO 10002 8.2, 8.7 and the principle of improvement):
systemic issues decided, CAPA closed effective, CAPA overdue, read through ``improvement``'s
selectors; every figure is a count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from redress.certification.evaluation import (
    Context,
    Evaluation,
    Fact,
    Reason,
    below,
    evaluator,
    evidenced,
    missing,
    page,
    weak,
)
from redress.improvement.models import Capa, CapaStatus, SystemicIssue
from redress.improvement.models.systemic import IssueStatus
from redress.improvement.selectors import capas_overdue


@evaluator("systemic_issues_decided")
def systemic_issues_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Complaints analysed for recurring problems: systemic issues opened in the window, and
    none left undecided for more than ``max_open_days``."""
    source = page("issues", _("Systemic issues"))
    start, _end = ctx.cohort.period.bounds(ctx.zone)
    late_before = ctx.now - dt.timedelta(days=int(params.get("max_open_days", 30)))
    found = SystemicIssue.objects.aggregate(
        opened=Count("pk", filter=Q(opened_at__gte=start, opened_at__lte=ctx.now)),
        decided=Count("pk", filter=Q(decided_at__gte=start, decided_at__lte=ctx.now)),
        undecided=Count("pk", filter=Q(status=IssueStatus.OPEN, opened_at__lt=late_before)),
    )
    facts = (
        Fact(_("Issues opened"), found["opened"]),
        Fact(_("Issues decided"), found["decided"]),
        Fact(_("Left undecided too long"), found["undecided"]),
    )
    if not found["opened"] and not found["decided"]:
        gap = _("No systemic issue was opened or decided in the last twelve months.")
        return missing(gap, page("issue_open", _("Open a systemic issue")), *facts, source=source)
    if found["undecided"]:
        gap = _("Systemic issues wait too long for a decision.")
        return weak(Reason.OVERDUE, gap, source, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("capa_effective")
def capa_effective_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Corrective actions verified in the window, at least ``target_pct`` of them effective."""
    source = page("capas", _("Corrective actions"))
    start, _end = ctx.cohort.period.bounds(ctx.zone)
    found = Capa.objects.filter(verified_at__gte=start, verified_at__lte=ctx.now).aggregate(
        verified=Count("pk"), effective=Count("pk", filter=Q(effective=True))
    )
    share = round(100 * found["effective"] / found["verified"], 1) if found["verified"] else None
    facts = (
        Fact(_("Verified"), found["verified"]),
        Fact(_("Effective"), found["effective"]),
        Fact(_("Effective (%)"), share),
    )
    if not found["verified"]:
        gap = _("No corrective action was checked for effectiveness in the last twelve months.")
        return missing(gap, page("capa_open", _("Open a corrective action")), *facts, source=source)
    if below(share, params.get("target_pct", 70)):
        gap = _("Too few corrective actions proved effective.")
        return weak(Reason.BELOW_TARGET, gap, source, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("capa_on_time")
def capa_on_time_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Corrective actions kept to their due dates: none overdue now (``max_overdue``)."""
    source = page("capas", _("Corrective actions"))
    total = Capa.objects.exclude(status=CapaStatus.DRAFT).count()
    overdue = capas_overdue(Capa.objects.all(), ctx.now).count()
    facts = (Fact(_("Corrective actions"), total), Fact(_("Overdue"), overdue))
    if not total:
        gap = _("No corrective action is recorded.")
        return missing(gap, page("capa_open", _("Open a corrective action")), source=source)
    if overdue > int(params.get("max_overdue", 0)):
        gap = _("%(count)s corrective actions are past their due date.") % {"count": overdue}
        fix = page("capas", _("Close the overdue corrective actions"))
        return weak(Reason.OVERDUE, gap, fix, *facts, source=source)
    return evidenced(*facts, source=source)
