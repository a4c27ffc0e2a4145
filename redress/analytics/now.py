"""Open work now: the open complaints, those past their running deadline and those due by the
end of this week, by the stage whose deadline runs and by unit (the manager's dashboard).

The running deadline is the queues' (``complaints.queues.next_due_expression``): a paused
complaint has none, so it is open but neither overdue nor due. Each figure is one condition,
shared by the dashboard's counts and the drill-down (measures ``now_open``, ``now_overdue`` and
``now_due_week``, each also narrowed to a stage, e.g. ``now_overdue_decision``), so a tile and
the list behind it always agree. These figures are about now: the period does not narrow them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from redress.analytics.cohort import Cohort
from redress.complaints.models import Status
from redress.complaints.queues import STAGE_STATUSES, next_due_expression
from redress.complaints.selectors import complaints_visible_to

if TYPE_CHECKING:
    from redress.core.models import User

FIGURES = ("open", "overdue", "due_week")
STAGES = tuple(STAGE_STATUSES)
_STAGE_OF = {status: stage for stage, statuses in STAGE_STATUSES.items() for status in statuses}


def week_end(now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The first instant after this week's Sunday (weeks run Monday to Sunday, in the
    organisation's time zone)."""
    today = now.astimezone(zone).date()
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(next_monday, dt.time.min, tzinfo=zone)


def now_conditions(now: dt.datetime, zone: ZoneInfo) -> dict[str, Q]:
    """Each "now" measure as the condition an open complaint meets to be counted."""
    due = next_due_expression()
    still_open = ~Q(status=Status.CLOSED)
    base = {
        "open": still_open,
        "overdue": still_open & Q(LessThan(due, now)),
        "due_week": still_open
        & Q(GreaterThanOrEqual(due, now))
        & Q(LessThan(due, week_end(now, zone))),
    }
    conditions: dict[str, Q] = {}
    for figure, condition in base.items():
        conditions[f"now_{figure}"] = condition
        for stage, statuses in STAGE_STATUSES.items():
            conditions[f"now_{figure}_{stage}"] = condition & Q(status__in=statuses)
    return conditions


def _zeros() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


@dataclass
class OpenWork:
    """Open, overdue and due-this-week counts: in all, by stage, by unit (unit id)."""

    totals: dict[str, int] = field(default_factory=_zeros)
    by_stage: dict[str, dict[str, int]] = field(
        default_factory=lambda: {stage: _zeros() for stage in STAGES}
    )
    by_unit: dict[int, dict[str, int]] = field(default_factory=dict)


def open_work(cohort: Cohort) -> OpenWork:
    """The open work of what the person sees, within the cohort's filters (not its period):
    one grouped query."""
    conditions = now_conditions(cohort.now, cohort.zone)
    rows = (
        cohort.visible.filter(conditions["now_open"])
        .values("status", "unit_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=conditions["now_overdue"]),
            due_week=Count("pk", filter=conditions["now_due_week"]),
        )
        .order_by()
    )
    work = OpenWork()
    for row in rows:
        found: dict[str, Any] = dict(row)
        unit = work.by_unit.setdefault(found["unit_id"], _zeros())
        stage = work.by_stage.get(_STAGE_OF.get(found["status"], ""))
        for figure in FIGURES:
            work.totals[figure] += found[figure]
            unit[figure] += found[figure]
            if stage is not None:
                stage[figure] += found[figure]
    return work


def owned_work(user: User, *, now: dt.datetime, zone: ZoneInfo) -> dict[str, int]:
    """The person's own open complaints: open, overdue and due this week (one query)."""
    conditions = now_conditions(now, zone)
    found: dict[str, int] = (
        complaints_visible_to(user)
        .filter(owner=user)
        .aggregate(
            **{figure: Count("pk", filter=conditions[f"now_{figure}"]) for figure in FIGURES}
        )
    )
    return found
