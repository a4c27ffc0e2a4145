"""Control charts of the complaint stream, week by week (ISO 10002 8.2; formulas and rules in
``analytics.spc`` and docs/analytics.md, "Control charts").

Weeks run Monday to Sunday in the organisation's time zone; only the weeks wholly inside the
period are charted (a part week would look like a drop). The limits come from a stated
baseline: the first ``BASELINE_WEEKS`` weeks shown, or all of them when there are fewer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from redress.analytics import spc
from redress.analytics.cohort import Cohort, Period
from redress.analytics.drill import Drill
from redress.analytics.measures import (
    _months,
    ack_overdue_by_day,
    complaint_conditions,
    first_close_clocks,
    memo_on,
)
from redress.analytics.models import ActivityMeasure, ActivityVolume
from redress.analytics.rollup_read import rollup_covers, rollup_grouped
from redress.analytics.tables import BREAKDOWNS, Column, Row, Table, breakdown

BASELINE_WEEKS = 20


def week_starts(period: Period) -> list[dt.date]:
    """The Mondays of the weeks wholly inside the period."""
    monday = period.first + dt.timedelta(days=(7 - period.first.weekday()) % 7)
    weeks = []
    while monday + dt.timedelta(days=6) <= period.last:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _weekly(cohort: Cohort, weeks: list[dt.date]) -> dict[dt.date, dict[str, Any]]:
    """Each week's complaints (by week of receipt): how many, acknowledged on time, late. Once
    per cohort: the volume chart and the on-time chart of a dashboard share it."""
    return memo_on(
        cohort, f"weekly:{weeks[0]}:{len(weeks)}", lambda: _weekly_counted(cohort, weeks)
    )


def _weekly_counted(cohort: Cohort, weeks: list[dt.date]) -> dict[dt.date, dict[str, Any]]:
    conditions = complaint_conditions(cohort.now)
    if rollup_covers(cohort):
        return _weekly_rolled(cohort, weeks)
    rows = (
        cohort.complaints.annotate(week=TruncWeek("received_at", tzinfo=cohort.zone))
        .values("week")
        .annotate(
            volume=Count("pk"),
            on_time=Count("pk", filter=conditions["ack_on_time"]),
            late=Count("pk", filter=conditions["ack_late"]),
        )
    )
    found: dict[dt.date, dict[str, Any]] = {_as_date(row["week"]): dict(row) for row in rows}
    return {w: found.get(w, {"volume": 0, "on_time": 0, "late": 0}) for w in weeks}


def _weekly_rolled(cohort: Cohort, weeks: list[dt.date]) -> dict[dt.date, dict[str, Any]]:
    """``_weekly`` from the rollup's days, the overdue counted live."""
    found = {w: {"volume": 0, "on_time": 0, "late": 0} for w in weeks}
    days = rollup_grouped(cohort, "total", "day", ("ack_on_time", "ack_late_done"))
    for day, counts in days.items():
        assert isinstance(day, dt.date)
        week = found.get(day - dt.timedelta(days=day.weekday()))
        if week is not None:
            week["volume"] += counts["volume"]
            week["on_time"] += counts["ack_on_time"]
            week["late"] += counts["ack_late_done"]
    for day, (count, _vulnerable) in ack_overdue_by_day(cohort).items():
        week = found.get(day - dt.timedelta(days=day.weekday()))
        if week is not None:
            week["late"] += count
    return found


def _weekly_closed(cohort: Cohort, weeks: list[dt.date]) -> dict[dt.date, tuple[int, int]]:
    """Each week's complaints (by week of receipt) closed at least once: how many, and their
    working days to the first closure added up (``measures.first_close_clocks``); from the
    rollup's days when it covers the cohort."""
    found = {w: (0, 0) for w in weeks}
    if rollup_covers(cohort):
        days = rollup_grouped(cohort, "total", "day", ("close_count", "close_total"))
        for day, counts in days.items():
            assert isinstance(day, dt.date)
            monday = day - dt.timedelta(days=day.weekday())
            if monday in found:
                count, total = found[monday]
                found[monday] = (count + counts["close_count"], total + counts["close_total"])
        return found
    rows = (
        first_close_clocks(cohort.complaints)
        .annotate(week=TruncWeek("complaint__received_at", tzinfo=cohort.zone))
        .values("week")
        .annotate(total=Sum("working_days"), n=Count("pk"))
    )
    for row in rows:
        week = _as_date(row["week"])
        if week in found:
            found[week] = (row["n"], row["total"])
    return found


def _weekly_exposure(cohort: Cohort, weeks: list[dt.date]) -> list[float] | None:
    """Thousands of orders (else customers, else contracts) per week, a month's figure spread
    evenly over its days; None unless every week is covered and the person sees everything."""
    if not weeks or not cohort.sees_everything:
        return None
    first, last = weeks[0], weeks[-1] + dt.timedelta(days=6)
    months = _months(first, last)
    recorded = {
        (month, measure): count
        for month, measure, count in ActivityVolume.objects.filter(
            month__gte=months[0][0], month__lte=months[-1][0]
        ).values_list("month", "measure", "count")
    }
    lengths = {month: length for month, _, length in months}
    for measure in ActivityMeasure.values:
        if all((month, measure) in recorded for month, _, _ in months):
            exposures = []
            for monday in weeks:
                total = Decimal(0)
                for offset in range(7):
                    day = monday + dt.timedelta(days=offset)
                    month = day.replace(day=1)
                    total += Decimal(recorded[month, measure]) / lengths[month]
                exposures.append(float(total / 1000))
            return exposures
    return None


def _baseline(count: int) -> tuple[int, int]:
    return (0, min(count, BASELINE_WEEKS))


def _table(
    code: str,
    chart: spc.ControlChart,
    weeks: list[dt.date],
    *,
    value_label: str,
    unit: str,
    drills: list[dict[str, str]],
    summary: str,
) -> Table:
    signals: dict[int, list[str]] = {}
    notes = []
    for signal in chart.signals:
        for index in signal.indexes:
            signals.setdefault(index, []).append(signal.rule)
        first, last = weeks[signal.indexes[0]], weeks[signal.indexes[-1]]
        notes.append(
            _("Weeks of %(first)s – %(last)s: %(rule)s")
            % {
                "first": f"{first:%d/%m/%Y}",
                "last": f"{last:%d/%m/%Y}",
                "rule": signal.description,
            }
        )
    start, end = chart.baseline
    if weeks:
        notes.insert(
            0,
            _("Limits from the weeks of %(first)s – %(last)s (%(count)d weeks).")
            % {
                "first": f"{weeks[start]:%d/%m/%Y}",
                "last": f"{weeks[end - 1]:%d/%m/%Y}",
                "count": end - start,
            },
        )
    rows = [
        Row(
            f"{week:%d/%m/%Y}",
            {
                "value": point.value,
                "centre": round(point.centre, 4),
                "ucl": None if point.ucl is None else round(point.ucl, 4),
                "lcl": None if point.lcl is None else round(point.lcl, 4),
                "signal": " ".join(signals.get(index, [])),
            },
            {"value": drills[index]} if drills else {},
        )
        for index, (week, point) in enumerate(zip(weeks, chart.points, strict=True))
    ]
    return Table(
        code=code,
        title=BREAKDOWNS[code][0],
        summary=summary,
        chart="control",
        columns=[
            Column("value", value_label, unit, "line"),
            Column("centre", _("Centre line"), unit, "line"),
            Column("ucl", _("Upper control limit"), unit, "limit"),
            Column("lcl", _("Lower control limit"), unit, "limit"),
            Column("signal", _("Signals"), "text", ""),
        ],
        rows=rows,
        notes=notes,
    )


def _empty(code: str, *, too_few: bool = False) -> Table:
    summary = (
        _("Too few weeks with figures at the start of the period to compute control limits.")
        if too_few
        else _("The period holds no whole week to chart.")
    )
    return Table(
        code=code,
        title=BREAKDOWNS[code][0],
        summary=summary,
        chart="control",
        columns=[],
        rows=[],
    )


def _week_period(monday: dt.date) -> Period:
    return Period(monday, monday + dt.timedelta(days=6))


def _summary(chart: spc.ControlChart) -> str:
    if not chart.signals:
        return _("%(weeks)d weeks, all within ordinary variation.") % {"weeks": len(chart.points)}
    return _("%(weeks)d weeks; %(signals)d signals of a change beyond ordinary variation.") % {
        "weeks": len(chart.points),
        "signals": len(chart.signals),
    }


@breakdown("control_volume", gettext_lazy("Complaints per week (control chart)"))
def control_volume(cohort: Cohort) -> Table:
    weeks = week_starts(cohort.period)
    if not weeks:
        return _empty("control_volume")
    counts = [row["volume"] for row in _weekly(cohort, weeks).values()]
    labels = [f"{w:%d/%m/%Y}" for w in weeks]
    exposures = _weekly_exposure(cohort, weeks)
    drill = Drill(cohort)
    drills = [drill.query("volume", period=_week_period(w)) for w in weeks]
    if exposures is not None:
        chart = spc.u_chart(labels, counts, exposures, baseline=_baseline(len(weeks)))
        label, unit = _("Complaints per 1,000"), "rate"
    else:
        chart = spc.c_chart(labels, counts, baseline=_baseline(len(weeks)))
        label, unit = _("Complaints"), "count"
    return _table(
        "control_volume",
        chart,
        weeks,
        value_label=label,
        unit=unit,
        drills=drills,
        summary=_summary(chart),
    )


@breakdown("control_ack_on_time", gettext_lazy("Acknowledged on time per week (p-chart)"))
def control_ack_on_time(cohort: Cohort) -> Table:
    weeks = week_starts(cohort.period)
    if not weeks:
        return _empty("control_ack_on_time")
    weekly = list(_weekly(cohort, weeks).values())
    try:
        chart = spc.p_chart(
            [f"{w:%d/%m/%Y}" for w in weeks],
            [row["on_time"] for row in weekly],
            [row["on_time"] + row["late"] for row in weekly],
            baseline=_baseline(len(weeks)),
        )
    except spc.BaselineTooShort:
        return _empty("control_ack_on_time", too_few=True)
    drill = Drill(cohort)
    drills = [drill.query("ack_late", period=_week_period(w)) for w in weeks]
    return _table(
        "control_ack_on_time",
        chart,
        weeks,
        value_label=_("Share acknowledged on time"),
        unit="proportion",
        drills=drills,
        summary=_summary(chart),
    )


@breakdown("control_time_to_close", gettext_lazy("Working days to close per week (XmR chart)"))
def control_time_to_close(cohort: Cohort) -> Table:
    """The mean working days to the first closure of each week's complaints (by week of
    receipt), on an individuals chart."""
    weeks = week_starts(cohort.period)
    if not weeks:
        return _empty("control_time_to_close")
    closed = _weekly_closed(cohort, weeks)
    found = {week: total / count for week, (count, total) in closed.items() if count}
    values = [found.get(w) for w in weeks]
    try:
        # Too few when the baseline has no two consecutive weeks with closures (sparse data,
        # e.g. a rare category): no moving range to set the limits from.
        chart = spc.xmr_chart(
            [f"{w:%d/%m/%Y}" for w in weeks], values, baseline=_baseline(len(weeks))
        )
    except spc.BaselineTooShort:
        return _empty("control_time_to_close", too_few=True)
    drill = Drill(cohort)
    drills = [drill.query("closed", period=_week_period(w)) for w in weeks]
    return _table(
        "control_time_to_close",
        chart,
        weeks,
        value_label=_("Mean working days to close"),
        unit="working_days",
        drills=drills,
        summary=_summary(chart),
    )
