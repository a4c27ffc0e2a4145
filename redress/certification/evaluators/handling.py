"""Evaluators of the complaint records and their figures (ISO 10002 4, 7, 8.1–8.4): the KPIs
of the analytics catalogue against a target, complaints recorded in every month, the channels
in use, the public information, and satisfaction with the process. Every figure comes from the
analytics selectors over the last twelve months (the rollup when it covers them)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from redress.analytics.tables import breakdown_compute
from redress.certification.evaluation import (
    Context,
    Evaluation,
    Fact,
    Link,
    Reason,
    below,
    evaluator,
    evidenced,
    missing,
    page,
    weak,
)
from redress.transparency.selectors import external_bodies_active, notice_current


def _chart(code: str, label: Any) -> Link:
    return page("analytics_chart", label, code)


@evaluator("kpi_target")
def kpi_target_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """A KPI of the catalogue (``kpi``) over the window against ``target`` (``higher``: whether
    higher is better, default yes). Missing when there is nothing to measure, unless the KPI is
    of a step few complaints take (``unused_is_evidence``, e.g. the internal review): there,
    none in the window is no gap."""
    code = params["kpi"]
    figure = ctx.kpi(code)
    source = page("analytics_charts", _("Dashboards and charts"))
    facts = (
        Fact(_("Value"), figure.value),
        Fact(_("Out of"), figure.denominator),
        Fact(_("Target"), params.get("target")),
    )
    if figure.value is None and params.get("unused_is_evidence"):
        unused = _("None in the last %(days)s days") % {"days": ctx.window_days}
        return evidenced(*facts, Fact(_("Measured"), unused), source=source)
    if figure.value is None:
        gap = _("Nothing was measured in the last %(days)s days.") % {"days": ctx.window_days}
        return missing(gap, page("intake", _("Record complaints")), *facts, source=source)
    target = params.get("target")
    higher = bool(params.get("higher", True))
    if target is not None and below(figure.value, target, higher_is_better=higher):
        gap = _("The figure %(value)s misses its target %(target)s.") % {
            "value": figure.value,
            "target": target,
        }
        fix = page("queue", _("Overdue complaints"), "overdue")
        return weak(Reason.BELOW_TARGET, gap, fix, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("complaints_recorded")
def complaints_recorded_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Complaints recorded in the window, and in each of its last ``months`` months (a month
    with none is a gap in the record, or in the intake)."""
    table = breakdown_compute("trend_monthly", ctx.cohort)
    counts = [row.values["count"] for row in table.rows]
    total = sum(counts)
    source = _chart("trend_monthly", _("Complaints per month"))
    recent = counts[-int(params.get("months", 6)) :]
    empty = sum(1 for n in recent if not n)
    facts = (Fact(_("Complaints recorded"), total), Fact(_("Months without any"), empty))
    if not total:
        gap = _("No complaint was recorded in the last twelve months.")
        return missing(gap, page("intake", _("Record a complaint")), *facts, source=source)
    if empty:
        gap = _("Some recent months have no complaint recorded.")
        fix = page("channels", _("Check the intake channels"))
        return weak(Reason.GAP_IN_PERIOD, gap, fix, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("channels_in_use")
def channels_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """At least ``minimum`` channels through which complaints arrived in the window."""
    table = breakdown_compute("pareto_channel", ctx.cohort)
    used = [row.label for row in table.rows if row.values.get("count")]
    minimum = int(params.get("minimum", 4))
    source = _chart("pareto_channel", _("Complaints by channel"))
    facts = (Fact(_("Channels in use"), len(used)), Fact(_("Channels"), ", ".join(used)))
    fix = page("notices", _("Publish the channels on the public page"))
    if not used:
        return missing(_("No complaint arrived through any channel."), fix, source=source)
    if len(used) < minimum:
        gap = _("Fewer than %(minimum)s channels were used.") % {"minimum": minimum}
        return weak(Reason.BELOW_TARGET, gap, fix, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("public_notice")
def public_notice_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """The public page of how to complain is published, lists its steps with target times,
    and (``part``) says what the principle needs: ``charges``, ``review`` or ``privacy``;
    weak when older than ``max_age_months``."""
    source = page("notices", _("Public information"))
    notice = notice_current()
    if notice is None or notice.published_at is None:
        gap = _("The public page on how to complain is not published.")
        return missing(gap, source, source=source)
    steps = list(notice.steps.all())
    timed = sum(1 for step in steps if step.target_vi)
    facts = (
        Fact(_("Version published"), notice.version),
        Fact(_("Published on"), notice.published_at.astimezone(ctx.zone).date()),
        Fact(_("Steps with a target time"), timed),
    )
    part = params.get("part", "")
    if part and not (getattr(notice, f"{part}_vi", "") or "").strip():
        gap = _("The public page leaves out a part it should state.")
        return weak(Reason.GAP_IN_PERIOD, gap, source, *facts, source=source)
    if not timed:
        gap = _("The public page gives no target time for its steps.")
        return weak(Reason.GAP_IN_PERIOD, gap, source, *facts, source=source)
    months = int(params.get("max_age_months", 24))
    if ctx.days_since(notice.published_at) > months * 30:
        gap = _("The public page was not reviewed for %(months)s months.") % {"months": months}
        return weak(Reason.STALE, gap, source, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("external_recourse")
def external_recourse_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Bodies outside the organisation that complainants are told of (ISO 10002 7.9)."""
    source = page("notices", _("Public information"))
    bodies = external_bodies_active().count()
    if not bodies:
        gap = _("No external body is listed for complainants who reject the decision.")
        return missing(gap, source, source=source)
    return evidenced(Fact(_("External bodies listed"), bodies), source=source)


@evaluator("satisfaction_surveyed")
def satisfaction_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Answers to the satisfaction survey in the window: at least ``min_answers``, a response
    rate of ``min_response_pct`` and a mean of ``target_mean`` (1–5)."""
    results = ctx.satisfaction
    source = page("satisfaction", _("Satisfaction with the process"))
    facts = (
        Fact(_("Answers"), results.answers),
        Fact(_("Response rate (%)"), results.response_rate.value),
        Fact(_("Mean (1–5)"), results.overall_mean.value),
    )
    if not results.answers:
        gap = _("No complainant answered the satisfaction survey in the last twelve months.")
        return missing(gap, page("templates", _("Survey message")), *facts, source=source)
    if results.answers < int(params.get("min_answers", 30)) or below(
        results.response_rate.value, params.get("min_response_pct", 10)
    ):
        gap = _("Too few answers to the satisfaction survey to rely on.")
        return weak(Reason.BELOW_TARGET, gap, source, *facts, source=source)
    if below(results.overall_mean.value, params.get("target_mean", 3.5)):
        gap = _("Satisfaction with the process is below its target.")
        return weak(Reason.BELOW_TARGET, gap, page("issues", _("Systemic issues")), *facts)
    return evidenced(*facts, source=source)
