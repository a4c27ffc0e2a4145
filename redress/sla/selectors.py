"""Reads of the deadline engine: which calendar and policy apply, what is due next."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.db.models import Case, Q, Value, When

from redress.complaints.models import Category, Complaint
from redress.core.memo import memo
from redress.core.models import OrgUnit
from redress.sla.calendar import PublicDays, WorkCalendar
from redress.sla.models import BusinessCalendar, SlaPolicy, StageClock
from redress.sla.rules import DUE_FIELDS, RUNNING_ONLY_STAGES, Stage

_public_days: dict[tuple[str, str | None], PublicDays] = {}
_public_days_lock = threading.Lock()


def public_days(country: str, language: str | None = None) -> PublicDays:
    """One ``PublicDays`` per country (and language of the names) per process: the package's
    dates never change at run time."""
    with _public_days_lock:
        key = (country, language)
        if key not in _public_days:
            _public_days[key] = PublicDays(country, language=language)
        return _public_days[key]


def holiday_names(country: str, language: str) -> PublicDays:
    """Public days whose names are in ``language`` when the package has it (else its own)."""
    if not country:
        return public_days("")
    supported = public_days(country)._days.supported_languages
    wanted = next(
        (code for code in supported if code.split("_")[0] == language.split("-")[0]), None
    )
    return public_days(country, wanted)


def calendar_default() -> BusinessCalendar | None:
    return BusinessCalendar.objects.filter(is_default=True).first()


def calendar_row_for_unit(unit_id: int | None) -> BusinessCalendar | None:
    """The unit's own calendar, else the organisation's default (None if there is none)."""
    if unit_id is not None:
        row = BusinessCalendar.objects.filter(orgunit__pk=unit_id).first()
        if row is not None:
            return row
    return calendar_default()


def work_calendar(row: BusinessCalendar | None) -> WorkCalendar:
    """The pure calendar of a row, with its overrides and its country's public days.

    Without a row (nothing configured) the Vietnamese default applies: Mon–Fri 08:00–17:00 with
    lunch 12:00–13:00 and Vietnamese public holidays.
    """
    if row is None:
        vn = public_days("VN")
        return WorkCalendar(public_holidays=vn.holidays, public_working_days=vn.working_days)
    periods: list[tuple[dt.time, dt.time]]
    if (
        row.lunch_start
        and row.lunch_end
        and row.day_start < row.lunch_start < row.lunch_end < row.day_end
    ):
        periods = [(row.day_start, row.lunch_start), (row.lunch_end, row.day_end)]
    else:
        periods = [(row.day_start, row.day_end)]
    days = public_days(row.country.upper()) if row.country else None
    weekdays = frozenset(
        int(part) for part in row.working_weekdays.split(",") if part.strip().isdigit()
    )
    return WorkCalendar(
        time_zone=row.time_zone,
        weekdays=weekdays,
        periods=tuple(periods),
        public_holidays=days.holidays if days else frozenset(),
        public_working_days=days.working_days if days else frozenset(),
        overrides={o.date: o.kind == o.Kind.WORKING_DAY for o in row.overrides.all()},
        always_open=row.is_24_7,
    )


@memo
def calendar_for_unit(unit_id: int | None) -> WorkCalendar:
    """The unit's working calendar (remembered for a few seconds: ``redress.core.memo``)."""
    return work_calendar(calendar_row_for_unit(unit_id))


@memo
def _parents(model: type) -> dict[int, int | None]:
    return dict(model.objects.values_list("pk", "parent_id"))  # type: ignore[attr-defined]


@memo
def _active_policies() -> list[SlaPolicy]:
    policies = SlaPolicy.objects.filter(is_active=True).prefetch_related("categories", "units")
    return list(policies.order_by("rank", "code"))


def _ancestors(model: type, pk: int | None) -> set[int]:
    return set() if pk is None else _ancestors_in(_parents(model), pk)


def _ancestors_in(parents: dict[int, int | None], pk: int | None) -> set[int]:
    found: set[int] = set()
    current: int | None = pk
    while current is not None and current not in found:
        found.add(current)
        current = parents.get(current)
    return found


def policy_matches(
    policy: SlaPolicy, complaint: Complaint, *, categories: set[int], units: set[int]
) -> bool:
    """Whether every condition the policy sets holds for the complaint (an empty one: any).
    ``categories`` and ``units`` are the complaint's category and unit with their parents."""
    if policy.priorities and complaint.priority not in policy.priorities:
        return False
    if policy.channels and complaint.channel not in policy.channels:
        return False
    if policy.vulnerable is not None and bool(complaint.vulnerable_group) != policy.vulnerable:
        return False
    if (
        policy.negotiation_request is not None
        and complaint.is_negotiation_request != policy.negotiation_request
    ):
        return False
    if policy.health_safety is not None and complaint.health_safety != policy.health_safety:
        return False
    wanted_categories = {c.pk for c in policy.categories.all()}
    if wanted_categories and not wanted_categories & categories:
        return False
    wanted_units = {u.pk for u in policy.units.all()}
    return not (wanted_units and not wanted_units & units)


def policy_for(complaint: Complaint) -> SlaPolicy | None:
    """The first active policy, in rank order, that matches the complaint."""
    categories = _ancestors(Category, complaint.category_id)
    units = _ancestors(OrgUnit, complaint.unit_id)
    for policy in _active_policies():
        if policy_matches(policy, complaint, categories=categories, units=units):
            return policy
    return None


class PolicyChooser:
    """``policy_for`` over the active policies and the category and unit trees read once, for
    the bulk paths: after it is made, choosing needs no database (the seed's worker processes
    plan deadlines with it)."""

    def __init__(self) -> None:
        self._policies = _active_policies()
        for policy in self._policies:
            # Read now, not at the first match: the prefetched sets are what the match reads.
            policy.categories.all()
            policy.units.all()
        self._parents = {Category: _parents(Category), OrgUnit: _parents(OrgUnit)}

    def __call__(self, complaint: Complaint) -> SlaPolicy | None:
        categories = _ancestors_in(self._parents[Category], complaint.category_id)
        units = _ancestors_in(self._parents[OrgUnit], complaint.unit_id)
        for policy in self._policies:
            if policy_matches(policy, complaint, categories=categories, units=units):
                return policy
        return None


def clocks_of(complaint: Complaint) -> list[StageClock]:
    return list(
        StageClock.objects.filter(complaint=complaint)
        .select_related("policy")
        .order_by("round", "pk")
    )


@dataclass(frozen=True)
class NextDeadline:
    """What the complainant is told: the next step we owe them and when (portal, emails)."""

    stage: str
    due_at: dt.datetime
    paused: bool

    @property
    def label(self) -> str:
        return str(Stage(self.stage).label)


def next_deadline(complaint: Complaint) -> NextDeadline | None:
    """The earliest deadline still running (None when nothing is due). While the complaint is
    paused the deadline shown is the one it had when paused, flagged ``paused``: it will move
    later by the time the clock stays stopped. A running review comes first."""
    # During an internal review the complainant waits for the review's decision: that is the
    # step owed to them, even if the closure deadline (from receipt) falls earlier.
    clock = (
        StageClock.objects.filter(
            complaint=complaint, outcome=StageClock.Outcome.RUNNING, due_at__isnull=False
        )
        .order_by(Case(When(stage=Stage.REVIEW, then=Value(0)), default=Value(1)), "due_at")
        .first()
    )
    if clock is None or clock.due_at is None:
        return None
    return NextDeadline(
        stage=clock.stage, due_at=clock.due_at, paused=complaint.paused_at is not None
    )


def overdue_q(now: dt.datetime, *, prefix: str = "") -> Q:
    """A filter for complaints with a stage deadline passed and the stage not done, not paused
    (a stopped clock cannot be late). Use on ``Complaint`` querysets (``prefix`` for joins)."""
    done = {
        Stage.ACKNOWLEDGE: "acknowledged_at",
        Stage.ASSESS: "assessed_at",
        Stage.DECISION: "decision_communicated_at",
        Stage.CLOSE: "closed_at",
    }
    late = Q()
    for stage, due_field in DUE_FIELDS.items():
        if stage in RUNNING_ONLY_STAGES:
            # Its deadline is on the complaint only while the stage is not done.
            late |= Q(**{f"{prefix}{due_field}__lt": now})
            continue
        late |= Q(**{f"{prefix}{due_field}__lt": now, f"{prefix}{done[stage]}__isnull": True})
    return late & Q(**{f"{prefix}paused_at__isnull": True})
