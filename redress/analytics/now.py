"""Open work now: the open complaints, those past their running deadline and those due by the
end of this week, by the stage whose deadline runs and by unit (the manager's dashboard).

The running deadline is the one the register stores (``Complaint.next_due_at``): a paused
complaint has none, so it is open but neither overdue nor due. Each figure is one condition,
shared by the dashboard's counts and the drill-down (measures ``now_open``, ``now_overdue`` and
``now_due_week``, each also narrowed to a stage, e.g. ``now_overdue_decision``), so a tile and
the list behind it always agree. These figures are about now: the period does not narrow them.

They are read without scanning the open complaints where the filters allow (none, or a unit):
the open ones from the queue tally (``complaints.queue_tally``), the overdue and due ones from
the deadline tally (``complaints.deadline_tally``) and, for today and the week's last day, the
running deadlines' index. ``open_work_direct`` counts
the register itself, the definition the fast path is tested against.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum

from redress.analytics.cohort import Cohort
from redress.complaints.deadline_tally import DueRange, due_counts
from redress.complaints.models import Complaint, Status
from redress.complaints.queue_tally import tally_scope
from redress.complaints.queues import STAGE_STATUSES
from redress.complaints.selectors import complaints_visible_to
from redress.core.selectors import unit_descendant_ids

if TYPE_CHECKING:
    from redress.core.models import User

FIGURES = ("open", "overdue", "due_week")
STAGES = tuple(STAGE_STATUSES)
_STAGE_OF: dict[str, str] = {
    status: stage for stage, statuses in STAGE_STATUSES.items() for status in statuses
}


def week_end(now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The first instant after this week's Sunday (weeks run Monday to Sunday, in the
    organisation's time zone)."""
    today = now.astimezone(zone).date()
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(next_monday, dt.time.min, tzinfo=zone)


def now_conditions(now: dt.datetime, zone: ZoneInfo) -> dict[str, Q]:
    """Each "now" measure as the condition an open complaint meets to be counted."""
    still_open = ~Q(status=Status.CLOSED)
    base = {
        "open": still_open,
        "overdue": still_open & Q(next_due_at__lt=now),
        "due_week": still_open & Q(next_due_at__gte=now, next_due_at__lt=week_end(now, zone)),
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


def _add(work: OpenWork, status: str, unit_id: int, figure: str, count: int) -> None:
    if not count:
        return
    unit = work.by_unit.setdefault(unit_id, _zeros())
    stage = work.by_stage.get(_STAGE_OF.get(status, ""))
    work.totals[figure] += count
    unit[figure] += count
    if stage is not None:
        stage[figure] += count


def open_work_direct(cohort: Cohort) -> OpenWork:
    """The open work of what the person sees, within the cohort's filters (not its period),
    counted from the register: one grouped query over the open complaints."""
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
        for figure in FIGURES:
            _add(work, found["status"], found["unit_id"], figure, found[figure])
    return work


def open_work(cohort: Cohort) -> OpenWork:
    """``open_work_direct``, read from the queue tally and the deadline tally when the cohort
    is narrowed by a unit at most (a fixed number of queries, none over the open
    complaints)."""
    f = cohort.filters
    if any(value not in (None, "") for value in (f.category, f.channel, f.priority, f.product)):
        return open_work_direct(cohort)
    units = unit_descendant_ids([f.unit]) if f.unit is not None else None
    scope = tally_scope(cohort.user, units=units)
    work = OpenWork()
    if scope is None:
        return work
    still_open = ~Q(status=Status.CLOSED)
    cells = (
        scope.cells.filter(still_open)
        .values_list("status", "unit_id")
        .annotate(total=Sum("count"))
        .order_by()
    )
    for status, unit_id, total in cells:
        _add(work, status, unit_id, "open", total)
    if scope.corrections:
        either = functools.reduce(operator.or_, (part for part, _sign in scope.corrections))
        rows = (
            Complaint.objects.filter(either & still_open)
            .values_list("status", "unit_id")
            .annotate(
                **{
                    f"part{index}": Count("pk", filter=part)
                    for index, (part, _sign) in enumerate(scope.corrections)
                }
            )
            .order_by()
        )
        for status, unit_id, *found in rows:
            for (_part, sign), count in zip(scope.corrections, found, strict=True):
                _add(work, status, unit_id, "open", sign * count)
    due = due_counts(
        scope,
        cohort.visible,
        {
            "overdue": DueRange(until=cohort.now),
            "due_week": DueRange(since=cohort.now, until=week_end(cohort.now, cohort.zone)),
        },
        by=("status", "unit_id"),
    )
    for figure, per_key in due.items():
        for (status, unit_id), count in per_key.items():
            _add(work, status, unit_id, figure, count)
    # A unit whose open complaints all came out by the corrections is not listed.
    work.by_unit = {unit: counts for unit, counts in work.by_unit.items() if any(counts.values())}
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
