"""The additive measures behind the KPIs, each computed in SQL over a cohort.

Every KPI of the catalogue is a ratio of these measures, or a median read from the cohort in
order. ``cohort_measures`` answers all the counts and sums of one cohort in one aggregate query;
the few measures that need another table (stage clocks, decisions, satisfaction answers) are one
query each. A measure that depends on the time ("overdue") reads ``cohort.now``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate

from redress.analytics.cohort import Cohort
from redress.analytics.models import ActivityMeasure, ActivityVolume
from redress.complaints.models import (
    Classification,
    Complaint,
    ComplaintEvent,
    Decision,
    ExternalReferral,
    Outcome,
    Reaction,
    SatisfactionResponse,
    Status,
)
from redress.complaints.models.records import Remedy
from redress.core.read_memo import remembered
from redress.sla.models import StageClock
from redress.sla.rules import Stage

# The stages whose timeliness is measured: (due field, done field) on the complaint. A reopened
# complaint is measured by its current round (reopening clears the decision and the closure).
STAGE_FIELDS = {
    "ack": ("acknowledge_due_at", "acknowledged_at"),
    "assess": ("assess_due_at", "assessed_at"),
    "decision": ("decision_due_at", "decision_communicated_at"),
    "close": ("close_due_at", "closed_at"),
}
T = TypeVar("T")
REPEAT_WINDOW = dt.timedelta(days=90)
SATISFACTION_DIMENSIONS = ("fairness", "clarity", "speed", "courtesy")
NOT_ACCEPTED = [Classification.NOT_A_COMPLAINT, Classification.OUT_OF_SCOPE]
IN_FAVOUR = [Outcome.UPHELD, Outcome.PARTLY_UPHELD]


VULNERABLE = ~Q(vulnerable_group="")


def _stage_conditions(stage: str, now: dt.datetime) -> dict[str, Q]:
    """For a stage with a deadline: done on time (at or before it), late (done after it, or not
    done and past it). Not done and not yet due is neither: it is left out.

    Late is split in two: done late, which stays true once true (the rollup keeps it), and not
    done and overdue, which depends on ``now`` (always counted live)."""
    due, done = STAGE_FIELDS[stage]
    has_due = Q(**{f"{due}__isnull": False})
    is_done = Q(**{f"{done}__isnull": False})
    on_time = has_due & is_done & Q(**{f"{done}__lte": F(due)})
    late_done = has_due & is_done & Q(**{f"{done}__gt": F(due)})
    overdue = has_due & ~is_done & Q(**{f"{due}__lt": now})
    return {
        f"{stage}_on_time": on_time,
        f"{stage}_late": late_done | overdue,
        f"{stage}_late_done": late_done,
        f"{stage}_overdue": overdue,
    }


def complaint_conditions(now: dt.datetime) -> dict[str, Q]:
    """Each measure that counts complaints, as the condition a complaint meets to be counted.

    The aggregates count with these conditions and the drill-down lists with them, so a chart's
    count and the queue behind it always agree. Built once per request for one instant (a
    dashboard asks several times; a condition is never changed, only combined into new ones).
    """
    return dict(remembered(("complaint_conditions", now), lambda: _conditions(now)))


def _conditions(now: dt.datetime) -> dict[str, Q]:
    reviewed = ComplaintEvent.objects.filter(
        complaint=OuterRef("pk"), to_status=Status.UNDER_REVIEW
    )
    withdrawn = ComplaintEvent.objects.filter(complaint=OuterRef("pk"), action="withdraw")
    referred = ExternalReferral.objects.filter(complaint=OuterRef("pk"))
    conditions: dict[str, Q] = {
        "volume": Q(),
        "significant": Q(is_significant=True),
        "open": ~Q(status=Status.CLOSED),
        "closed": Q(closed_at__isnull=False),
        "ever_closed": Q(closed_at__isnull=False) | Q(reopen_count__gt=0),
        "reopened": Q(reopen_count__gt=0),
        "not_accepted": Q(classification__in=NOT_ACCEPTED),
        "withdrawn": Q(Exists(withdrawn)),
        "reviewed": Q(Exists(reviewed)),
        "referred_closed": Q(Exists(referred), closed_at__isnull=False),
        "negotiation": Q(is_negotiation_request=True),
    }
    for stage in STAGE_FIELDS:
        conditions.update(_stage_conditions(stage, now))
    for part in ("on_time", "late", "late_done", "overdue"):
        conditions[f"vulnerable_ack_{part}"] = conditions[f"ack_{part}"] & VULNERABLE
    return conditions


# The measures that change with time alone: "not done and past the deadline". Every other
# count changes only when its complaint does, so the rollup keeps it; these are counted live.
OVERDUE = frozenset({*(f"{stage}_overdue" for stage in STAGE_FIELDS), "vulnerable_ack_overdue"})
# The sums of two measures (``late`` = done late + overdue), left out of the aggregates.
COMBINED = frozenset({*(f"{stage}_late" for stage in STAGE_FIELDS), "vulnerable_ack_late"})


def overdue_counts(
    complaints: QuerySet[Complaint],
    now: dt.datetime,
    by: tuple[str, ...] = (),
    stages: tuple[str, ...] = tuple(STAGE_FIELDS),
) -> dict[tuple[Any, ...], dict[str, int]]:
    """The ``OVERDUE`` counts of ``complaints``, grouped by the fields ``by`` (the key of each
    group is the tuple of their values; ``()`` without grouping), for ``stages`` (the others'
    counts are 0).

    One query per stage: each then reads only its stage's index of pending deadlines, which
    holds every column the gate and the filters ask for (``complaint_<stage>_due_pending``), and
    never the complaints' rows, however scattered the open ones are in the table."""
    conditions = complaint_conditions(now)
    found: dict[tuple[Any, ...], dict[str, int]] = {}
    for stage in stages:
        # The counts' own conditions name no column beyond the index's (the stage's "not done"
        # is its predicate): the vulnerable among the overdue acknowledgements.
        counts = {f"{stage}_overdue": Count("pk")}
        if stage == "ack":
            counts["vulnerable_ack_overdue"] = Count("pk", filter=VULNERABLE)
        names = list(counts)
        late = complaints.filter(conditions[f"{stage}_overdue"])
        rows = late.values(*by).annotate(**counts) if by else [late.aggregate(**counts)]
        for row in rows:
            key = tuple(row[field] for field in by)
            group = found.setdefault(key, dict.fromkeys(sorted(OVERDUE), 0))
            for name in names:
                group[name] = row[name]
    if not by:
        found.setdefault((), dict.fromkeys(sorted(OVERDUE), 0))
    return found


def ack_overdue_by_day(cohort: Cohort) -> dict[dt.date, tuple[int, int]]:
    """The cohort's acknowledgements overdue now by day of receipt (the organisation's): how
    many, and how many of them for a vulnerable complainant. Once per cohort, from one read of
    the stage's index of pending deadlines: a dashboard's KPI tiles add the days up and its
    weekly control chart adds them up by week."""

    def compute() -> dict[dt.date, tuple[int, int]]:
        rows = (
            cohort.complaints.filter(complaint_conditions(cohort.now)["ack_overdue"])
            .annotate(day=TruncDate("received_at", tzinfo=cohort.zone))
            .order_by()
            .values("day")
            .annotate(count=Count("pk"), vulnerable=Count("pk", filter=VULNERABLE))
        )
        return {row["day"]: (row["count"], row["vulnerable"]) for row in rows}

    return memo_on(cohort, "ack_overdue_by_day", compute)


def settled_names() -> list[str]:
    """The counts the rollup keeps: every condition but the overdue and combined ones."""
    names = complaint_conditions(dt.datetime.now(tz=dt.UTC))
    return [name for name in names if name not in OVERDUE | COMBINED]


def late_combine(totals: dict[str, Any]) -> dict[str, Any]:
    """Add ``late`` = done late + overdue for every stage (and the vulnerable)."""
    for name in COMBINED:
        totals[name] = totals[f"{name}_done"] + totals[name.replace("_late", "_overdue")]
    return totals


# Measures whose condition looks into another table: counted one by one (PostgreSQL joins a
# WHERE EXISTS as a semi-join, where inside an aggregate's FILTER it probes the other table once
# per complaint: 58,000 probes for a year of a 100,000-complaint register).
JOINED = frozenset({"withdrawn", "reviewed", "referred_closed"})


def _aggregates(now: dt.datetime) -> dict[str, Any]:
    return {
        name: Count("pk", filter=condition) if condition else Count("pk")
        for name, condition in complaint_conditions(now).items()
        if name not in JOINED | COMBINED
    }


def _cohort_counts(cohort: Cohort) -> dict[str, Any]:
    totals = cohort.complaints.aggregate(**_aggregates(cohort.now))
    conditions = complaint_conditions(cohort.now)
    for name in sorted(JOINED):
        totals[name] = cohort.complaints.filter(conditions[name]).count()
    return late_combine(totals)


def counted(totals: dict[str, Any], measure: str) -> int:
    """Complaints counted by an on-time share: on time and late (``measure`` without suffix)."""
    return int(totals[f"{measure}_on_time"] + totals[f"{measure}_late"])


def cohort_measures(cohort: Cohort) -> dict[str, Any]:
    """All the counts of the cohort that live on the complaint: one aggregate query, and one
    query for each measure that looks into another table (``JOINED``)."""
    return memo_on(cohort, "complaints", lambda: _cohort_counts(cohort))


def memo_on(cohort: Cohort, key: str, compute: Callable[[], T]) -> T:
    """What ``compute`` gives, once per cohort: every KPI of one answer shares it."""
    cache: dict[str, Any] = cohort.__dict__.setdefault("_measures", {})
    if key not in cache:
        cache[key] = compute()
    found: T = cache[key]
    return found


def median(values: Sequence[float]) -> float | None:
    """The middle value, or the mean of the two middle values (``values`` sorted)."""
    n = len(values)
    if n == 0:
        return None
    middle = n // 2
    if n % 2:
        return float(values[middle])
    return (float(values[middle - 1]) + float(values[middle])) / 2


def _ordered_median(queryset: QuerySet[Any], expression: str, count: int) -> Any:
    """The median of ``expression`` over ``queryset`` (of ``count`` rows) read in SQL order:
    only the one or two middle rows leave the database."""
    if count == 0:
        return None
    middle = count // 2
    window = slice(middle - 1, middle + 1) if count % 2 == 0 else slice(middle, middle + 1)
    rows = list(queryset.order_by(expression).values_list(expression, flat=True)[window])
    return rows


def ack_minutes(received_at: dt.datetime, acknowledged_at: dt.datetime) -> int:
    """The whole minutes from receipt to acknowledgement: the unit the median is taken in, so
    that the rollup's histograms give it exactly."""
    return int((acknowledged_at - received_at).total_seconds() // 60)


def hours_to_ack(cohort: Cohort) -> dict[str, Any]:
    """Count and median of the time from receipt to acknowledgement (clock time), in hours,
    from the delays in whole minutes."""

    def compute() -> dict[str, Any]:
        done = cohort.complaints.filter(acknowledged_at__isnull=False).annotate(
            ack_delay=ExpressionWrapper(
                F("acknowledged_at") - F("received_at"), output_field=DurationField()
            )
        )
        count = done.count()
        rows = _ordered_median(done, "ack_delay", count)
        # Whole minutes keep the order, so the middle rows of the delays are those of the minutes.
        minutes = [int(row.total_seconds() // 60) for row in rows] if rows else []
        middle = median(minutes)
        return {"count": count, "median": None if middle is None else middle / 60}

    return memo_on(cohort, "hours_to_ack", compute)


def first_close_clocks(complaints: QuerySet[Complaint]) -> QuerySet[StageClock]:
    """The first closure's clock of each of ``complaints`` that was closed, with its working
    days (a cancelled clock is not a closure)."""
    return StageClock.objects.filter(
        complaint__in=complaints,
        stage=Stage.CLOSE,
        round=1,
        completed_at__isnull=False,
        working_days__isnull=False,
    ).exclude(outcome=StageClock.Outcome.CANCELLED)


def working_days_to_close(cohort: Cohort) -> dict[str, Any]:
    """Count, total, mean and median of the working days from receipt to the first closure."""

    def compute() -> dict[str, Any]:
        clocks = first_close_clocks(cohort.complaints)
        totals = clocks.aggregate(count=Count("pk"), total=Sum("working_days"))
        rows = _ordered_median(clocks, "working_days", totals["count"])
        return {
            "count": totals["count"],
            "total": totals["total"] or 0,
            "median": median(rows or []),
        }

    return memo_on(cohort, "working_days_to_close", compute)


def first_contact_condition() -> Q:
    """Closed without a reopening or a review, the decision communicated on the day of receipt
    (before the next working day began)."""
    same_day = StageClock.objects.filter(
        complaint=OuterRef("pk"),
        stage=Stage.DECISION,
        round=1,
        working_days=0,
        outcome__in=[StageClock.Outcome.MET, StageClock.Outcome.BREACHED],
    )
    reviewed = ComplaintEvent.objects.filter(
        complaint=OuterRef("pk"), to_status=Status.UNDER_REVIEW
    )
    return Q(closed_at__isnull=False, reopen_count=0) & Q(Exists(same_day)) & ~Q(Exists(reviewed))


def first_contact(cohort: Cohort) -> int:
    """Complaints resolved at first contact (``first_contact_condition``)."""
    return memo_on(
        cohort, "first_contact", lambda: cohort.complaints.filter(first_contact_condition()).count()
    )


def decisions(cohort: Cohort) -> dict[str, int]:
    """Decisions communicated on the cohort's complaints (first-instance and review)."""

    def compute() -> dict[str, int]:
        return Decision.objects.filter(
            complaint__in=cohort.complaints, state=Decision.State.COMMUNICATED
        ).aggregate(
            communicated=Count("pk"),
            in_favour=Count("pk", filter=Q(outcome__in=IN_FAVOUR)),
            accepted=Count("pk", filter=Q(reaction=Reaction.ACCEPTED)),
        )

    return memo_on(cohort, "decisions", compute)


# An internal review's clock (each round has its own, counted from the day the complaint went to
# review, against the policy's review target) decided: met or missed once and for all, so the
# rollup keeps it. One still running is late once its deadline has passed, which changes with
# time alone, so it is counted live. Without a deadline, or not needed (cancelled): left out.
REVIEW_DECIDED = Q(
    outcome__in=[StageClock.Outcome.MET, StageClock.Outcome.BREACHED], completed_at__isnull=False
)


def review_clocks(complaints: QuerySet[Complaint]) -> QuerySet[StageClock]:
    """The internal reviews of ``complaints`` that have a deadline, one clock per round."""
    return StageClock.objects.filter(
        complaint__in=complaints, stage=Stage.REVIEW, due_at__isnull=False
    )


def review_overdue(now: dt.datetime) -> Q:
    """A review clock still running past its deadline at ``now``."""
    return Q(outcome=StageClock.Outcome.RUNNING, due_at__lt=now)


def reviews(cohort: Cohort) -> dict[str, int]:
    """The internal reviews of the cohort's complaints decided on time (``met``) over those
    decided or past their deadline (``counted``)."""

    def compute() -> dict[str, int]:
        found = review_clocks(cohort.complaints).aggregate(
            decided=Count("pk", filter=REVIEW_DECIDED),
            met=Count("pk", filter=REVIEW_DECIDED & Q(outcome=StageClock.Outcome.MET)),
            overdue=Count("pk", filter=review_overdue(cohort.now)),
        )
        return {"counted": found["decided"] + found["overdue"], "met": found["met"]}

    return memo_on(cohort, "reviews", compute)


def remedy_cost(cohort: Cohort, currency: str) -> Decimal:
    """What the remedies of communicated decisions cost, in the organisation's currency."""

    def compute() -> Decimal:
        total = Remedy.objects.filter(
            decision__complaint__in=cohort.complaints,
            decision__state=Decision.State.COMMUNICATED,
            currency=currency,
        ).aggregate(total=Sum("amount"))["total"]
        return Decimal(total or 0)

    return memo_on(cohort, "remedy_cost", compute)


def satisfaction(cohort: Cohort) -> dict[str, Any]:
    """Answers to the satisfaction survey on the cohort's complaints: count, sums and counts
    per dimension, answers of 4 or 5."""

    def compute() -> dict[str, Any]:
        aggregates: dict[str, Any] = {
            "answers": Count("pk"),
            "overall_sum": Sum("overall"),
            "top2": Count("pk", filter=Q(overall__gte=4)),
        }
        for name in SATISFACTION_DIMENSIONS:
            aggregates[f"{name}_sum"] = Sum(name)
            aggregates[f"{name}_count"] = Count(name)
        return SatisfactionResponse.objects.filter(complaint__in=cohort.complaints).aggregate(
            **aggregates
        )

    return memo_on(cohort, "satisfaction", compute)


def repeat_counts(complaints: QuerySet[Complaint], visible: QuerySet[Complaint]) -> dict[str, int]:
    """The complainants of ``complaints``, and those of them with another complaint among
    ``visible`` received within 90 days (either side) of one of theirs in ``complaints``."""
    another = visible.filter(
        complainant_id=OuterRef("complainant_id"),
        received_at__gte=OuterRef("received_at") - REPEAT_WINDOW,
        received_at__lte=OuterRef("received_at") + REPEAT_WINDOW,
    ).exclude(pk=OuterRef("pk"))
    return complaints.aggregate(
        complainants=Count("complainant_id", distinct=True),
        repeat=Count("complainant_id", distinct=True, filter=Exists(another)),
    )


def repeat_complainants(cohort: Cohort) -> dict[str, int]:
    """Complainants of the cohort, and those of them with another complaint (that the person
    looking may see, within the filters) received within 90 days of one of their complaints in
    the cohort."""
    return memo_on(
        cohort,
        "repeat_complainants",
        lambda: repeat_counts(cohort.complaints, cohort.visible),
    )


def _months(first: dt.date, last: dt.date) -> list[tuple[dt.date, int, int]]:
    """Each month the days ``first``..``last`` touch: (its first day, days of it inside, its
    length)."""
    months = []
    day = first.replace(day=1)
    while day <= last:
        following = (day + dt.timedelta(days=32)).replace(day=1)
        inside = (min(last, following - dt.timedelta(days=1)) - max(first, day)).days + 1
        months.append((day, inside, (following - day).days))
        day = following
    return months


def activity_denominator(cohort: Cohort) -> Decimal | None:
    """Orders (else customers, else contracts) in the period, a partly covered month counted
    pro rata by its days; None when no measure is recorded for every month the period touches,
    or when the cohort is not the whole organisation (the volumes are the organisation's)."""
    if cohort.filters.as_query() or not cohort.sees_everything:
        return None
    months = _months(cohort.period.first, cohort.period.last)
    recorded = {
        (month, measure): count
        for month, measure, count in ActivityVolume.objects.filter(
            month__gte=months[0][0], month__lte=months[-1][0]
        ).values_list("month", "measure", "count")
    }
    for measure in ActivityMeasure.values:
        if all((month, measure) in recorded for month, _, _ in months):
            return sum(
                (
                    Decimal(recorded[month, measure]) * inside / length
                    for month, inside, length in months
                ),
                Decimal(0),
            )
    return None
