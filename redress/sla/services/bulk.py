"""Deadlines for volume data: the clocks of many complaints built at once from their events
(``redress sla rebuild``, the seed, the complaint import).

Per batch of complaints: one query for the complaints, one for the events that move a clock,
the clocks worked out in memory (``redress.sla.replay``, on calendars whose days are worked out
once per run, ``redress.sla.calendar_index``), then the clocks and pauses written with the bulk
writer (``COPY`` on PostgreSQL) and the complaints' deadlines with one ``UPDATE``. The answers
are those of ``sla_clocks_rebuild``, one complaint at a time (``tests/test_bulk_clocks.py``).

No check task is queued per clock: each clock's next check time is stored and the sweep
(``sla_sweep``) finds the clocks whose time has come.

With ``jobs`` above one the batches are ranges of ids built by that many worker processes
(``core.batch_processes``), each range in its own transaction, as one process builds them. The
writers never wait on each other: their complaints, clocks and pauses are disjoint, and the
deadline tally's triggers (migration ``complaints.0020``) only insert signed rows into a table
without a unique key, so no two transactions lock the same tally row.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from django.db import connection, transaction
from django.db.models.fields.json import KT

from redress.complaints.models import Complaint, ComplaintEvent
from redress.core.batch_processes import batches_in_processes, in_processes_possible
from redress.core.bulk import bulk_insert
from redress.core.models import OrgUnit
from redress.sla.calendar_index import IndexedCalendar
from redress.sla.models import ClockPause, SlaPolicy, StageClock
from redress.sla.replay import TIMED_ACTIONS, Clock, Event, Replay, Subject, due_fields
from redress.sla.rules import DUE_FIELDS, RECEIPT_STAGES, Stage
from redress.sla.selectors import PolicyChooser, calendar_row_for_unit, work_calendar

BUILD_BATCH = 5000
_COMPLAINT_FIELDS = (
    "pk",
    "received_at",
    "paused_at",
    "unit_id",
    "category_id",
    "priority",
    "channel",
    "vulnerable_group",
    "is_negotiation_request",
    "health_safety",
)
_RECEIPT_FIELDS = [DUE_FIELDS[stage] for stage in RECEIPT_STAGES]
_REVIEW_FIELD = DUE_FIELDS[Stage.REVIEW]


class _Rules:
    """The calendar and the policy of each kind of complaint, looked up once per run."""

    def __init__(self) -> None:
        self._calendar_of_unit: dict[int | None, IndexedCalendar] = {}
        self._calendar_of_row: dict[int | None, IndexedCalendar] = {}
        self._policies: dict[tuple[Any, ...], SlaPolicy | None] = {}
        self._asked: tuple[str, ...] | None = None
        self._chooser: PolicyChooser | None = None

    def preload(self, unit_ids: Iterable[int | None]) -> None:
        """Read now everything choosing a calendar and a policy reads (for ``unit_ids``)."""
        for unit_id in unit_ids:
            self.calendar(unit_id)
        self._asked = self._asked if self._asked is not None else _conditions_asked()
        self._chooser = self._chooser or PolicyChooser()

    def calendar(self, unit_id: int | None) -> IndexedCalendar:
        found = self._calendar_of_unit.get(unit_id)
        if found is None:
            row = calendar_row_for_unit(unit_id)
            key = row.pk if row else None
            if key not in self._calendar_of_row:
                self._calendar_of_row[key] = IndexedCalendar.of(work_calendar(row))
            found = self._calendar_of_unit[unit_id] = self._calendar_of_row[key]
        return found

    def policy(self, values: dict[str, Any]) -> SlaPolicy | None:
        if self._asked is None:
            self._asked = _conditions_asked()
        key = tuple(
            bool(values[name]) if name == "vulnerable_group" else values[name]
            for name in self._asked
        )
        if key not in self._policies:
            fields = {k: v for k, v in values.items() if k not in ("pk", "received_at")}
            self._chooser = self._chooser or PolicyChooser()
            self._policies[key] = self._chooser(Complaint(**fields))
        return self._policies[key]


def _conditions_asked() -> tuple[str, ...]:
    """The complaint fields some active policy has a condition on: complaints alike in these
    get the same policy (``policy_matches``), so it is looked up once for each kind."""
    asked: set[str] = set()
    for policy in SlaPolicy.objects.filter(is_active=True).prefetch_related("categories", "units"):
        if policy.priorities:
            asked.add("priority")
        if policy.channels:
            asked.add("channel")
        if policy.vulnerable is not None:
            asked.add("vulnerable_group")
        if policy.negotiation_request is not None:
            asked.add("is_negotiation_request")
        if policy.health_safety is not None:
            asked.add("health_safety")
        if policy.categories.all():
            asked.add("category_id")
        if policy.units.all():
            asked.add("unit_id")
    return tuple(sorted(asked))


def _batches(complaint_ids: Sequence[int] | None, size: int) -> Iterator[list[int]]:
    if complaint_ids is not None:
        ordered = sorted(set(complaint_ids))
        for start in range(0, len(ordered), size):
            yield ordered[start : start + size]
        return
    last = 0
    while True:
        ids = list(
            Complaint.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def event_of(action: str, to_status: str, at: dt.datetime, data: Any) -> Event:
    """A recorded event as the replay reads it (the pause's reason from its data)."""
    reason = data.get("reason", "") if isinstance(data, dict) else data
    return Event(action, to_status, at, "" if reason is None else str(reason))


class DeadlineBuilder:
    """The clocks of complaints being loaded in bulk (seed, import): planned from the rows and
    events before they are written, so that each complaint is inserted with its deadlines,
    then written once the complaints have their ids. One builder per load: each calendar's
    days and each kind of complaint's policy are looked up once."""

    def __init__(self) -> None:
        self._rules = _Rules()
        self._defaults = {
            name: Complaint._meta.get_field(name).get_default()  # type: ignore[union-attr]
            for name in _COMPLAINT_FIELDS
            if name not in ("pk", "received_at", "unit_id", "category_id")
        }

    def preload(self, unit_ids: Iterable[int | None]) -> None:
        """Read the calendars of ``unit_ids`` and the policies now: planning for complaints of
        these units then needs no database (the seed plans in worker processes)."""
        self._rules.preload(unit_ids)

    def plan(self, complaint: Mapping[str, Any], events: Iterable[Event]) -> Replay:
        """Work out the clocks of one complaint (a row: field attribute name → value) from its
        timed events in the order they happened. ``due_fields(replay.clocks)`` are the
        deadlines it carries."""
        values = {**self._defaults, "unit_id": None, "category_id": None}
        values.update((k, complaint[k]) for k in _COMPLAINT_FIELDS if k in complaint)
        subject = Subject(
            id=complaint.get("id") or 0,
            received_at=values["received_at"],
            is_negotiation_request=values["is_negotiation_request"],
            paused_at=values["paused_at"],
        )
        replay = Replay(
            subject, self._rules.policy(values), self._rules.calendar(values["unit_id"])
        )
        replay.run(events)
        return replay

    def write(self, planned: Sequence[tuple[int, Planned]]) -> None:
        """Insert the clocks and pauses planned, for the complaints of the ids given."""
        bulk_insert(
            StageClock,
            [clock.row(pk) for pk, replay in planned for clock in replay.clocks],
        )
        bulk_insert(
            ClockPause,
            [
                {"complaint_id": pk, "started_at": p[0], "ended_at": p[1], "reason": p[2]}
                for pk, replay in planned
                for p in replay.pauses
            ],
        )


class Planned(Protocol):
    """A complaint's clocks and pauses worked out (a ``Replay``, or ``PlannedClocks``)."""

    @property
    def clocks(self) -> Sequence[Clock]: ...

    @property
    def pauses(self) -> Sequence[Sequence[Any]]: ...


class PlannedClocks(NamedTuple):
    """What a ``Replay`` worked out, without its calendar and policy: what a seed's worker
    process sends back to be written."""

    clocks: list[Clock]
    pauses: list[list[Any]]


def sla_clocks_build(
    *,
    complaint_ids: Sequence[int] | None = None,
    batch: int = BUILD_BATCH,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Build the clocks of every complaint (of ``complaint_ids``, or all) that has none, from
    its recorded events, in batches each in its own transaction (inside the caller's when there
    is one). With ``jobs`` above one, on PostgreSQL and outside a transaction, ``jobs`` worker
    processes build the batches (raises ``core.batch_processes.BatchFailed`` when one fails:
    the batches committed stay, and a rerun builds the rest). Returns how many complaints got
    clocks; ``progress`` is told how many complaints each batch went through."""
    builder = DeadlineBuilder()
    if in_processes_possible(jobs):
        # Read now what every worker needs (calendars, policies): they inherit it.
        builder.preload([None, *OrgUnit.objects.values_list("pk", flat=True)])
        spans = (
            [list(ids) for ids in _batches(complaint_ids, batch)]
            if complaint_ids is not None
            else _id_ranges(batch)
        )
        built = 0
        for _span, (seen, made) in batches_in_processes(
            functools.partial(_span_build, builder=builder), spans, jobs=jobs
        ):
            built += made
            if progress:
                progress(seen)
        return built
    built = 0
    for ids in _batches(complaint_ids, batch):
        with transaction.atomic():
            built += _build(ids, builder)
        if progress:
            progress(len(ids))
    return built


IdRange = tuple[int, int | None]


def _id_ranges(size: int) -> list[IdRange]:
    """The complaints cut into ranges (after this id, up to and including that one; None: to
    the end) of ``size`` complaints each, reading only the ids at the cuts."""
    ranges: list[IdRange] = []
    after = 0
    while True:
        cut = list(
            Complaint.objects.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[size - 1 : size]
        )
        if not cut:
            ranges.append((after, None))
            return ranges
        ranges.append((after, cut[0]))
        after = cut[0]


def _span_build(span: IdRange | list[int], *, builder: DeadlineBuilder) -> tuple[int, int]:
    """Build the clocks of the complaints of ``span`` (a range of ids, or the ids) in the
    caller's transaction: (how many complaints it holds, how many got clocks)."""
    if isinstance(span, list):
        ids = span
    else:
        after, upto = span
        found = Complaint.objects.filter(pk__gt=after)
        if upto is not None:
            found = found.filter(pk__lte=upto)
        ids = list(found.order_by("pk").values_list("pk", flat=True))
    return len(ids), (_build(ids, builder) if ids else 0)


def _build(ids: list[int], builder: DeadlineBuilder) -> int:
    timed = set(
        StageClock.objects.filter(complaint_id__in=ids).values_list("complaint_id", flat=True)
    )
    complaints = Complaint.objects.filter(pk__in=[pk for pk in ids if pk not in timed])
    if connection.features.has_select_for_update:
        complaints = complaints.select_for_update()
    rows = list(complaints.order_by("pk").values(*_COMPLAINT_FIELDS))
    if not rows:
        return 0
    todo = [row["pk"] for row in rows]
    events: dict[int, list[Event]] = defaultdict(list)
    found = (
        ComplaintEvent.objects.filter(complaint_id__in=todo, action__in=TIMED_ACTIONS)
        .annotate(reason=KT("data__reason"))
        .order_by("complaint_id", "at", "pk")
        .values_list("complaint_id", "action", "to_status", "at", "reason")
    )
    for complaint_id, action, to_status, at, reason in found:
        events[complaint_id].append(Event(action, to_status, at, reason or ""))
    ClockPause.objects.filter(complaint_id__in=todo).delete()
    planned = [(row["pk"], builder.plan(row, events.get(row["pk"], ()))) for row in rows]
    builder.write(planned)
    _deadlines_write([(pk, due_fields(replay.clocks)) for pk, replay in planned])
    return len(rows)


# The deadlines of a batch on their way to the complaints (PostgreSQL): a table of this
# session's, emptied at each commit.
_DEADLINES_IN = "sla_deadlines_in"


def _deadlines_write(deadlines: Sequence[tuple[int, dict[str, dt.datetime | None]]]) -> None:
    """Copy each complaint's stage deadlines onto it in one statement (the review's only when
    the complaint has a review clock, as ``_sync_complaint`` does)."""
    quote = connection.ops.quote_name
    table = quote(Complaint._meta.db_table)
    receipt = [f"{quote(name)} = v.{name}" for name in _RECEIPT_FIELDS]
    review = quote(_REVIEW_FIELD)
    columns: list[list[Any]] = [[pk for pk, _fields in deadlines]]
    columns += [[fields[name] for _pk, fields in deadlines] for name in _RECEIPT_FIELDS]
    columns.append([_REVIEW_FIELD in fields for _pk, fields in deadlines])
    columns.append([fields.get(_REVIEW_FIELD) for _pk, fields in deadlines])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY in binary into a table of the session, then one UPDATE joined to it: a
            # fraction of the work of sending the deadlines as arrays of parameters. The
            # complaints are found by their ids from it (the primary key's index, whatever the
            # planner guesses of the table's size).
            names = ["id", *_RECEIPT_FIELDS, "has_review", _REVIEW_FIELD]
            types = ["bigint", *["timestamptz"] * 4, "boolean", "timestamptz"]
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {_DEADLINES_IN} "
                f"({', '.join(f'{n} {t}' for n, t in zip(names, types, strict=True))}) "
                "ON COMMIT DELETE ROWS"
            )
            cursor.execute(f"DELETE FROM {_DEADLINES_IN}")  # noqa: S608 - a name of this module's
            with cursor.cursor.copy(f"COPY {_DEADLINES_IN} FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} SET {', '.join(receipt)}, "  # noqa: S608 - names from the model
                f"{review} = CASE WHEN v.has_review THEN v.{_REVIEW_FIELD} ELSE {table}.{review} END "
                f"FROM {_DEADLINES_IN} AS v WHERE {table}.id = v.id "
                f"AND {table}.id = ANY(ARRAY(SELECT id FROM {_DEADLINES_IN}))"
            )
            return
        sets = ", ".join(f"{quote(name)} = %s" for name in _RECEIPT_FIELDS)
        cursor.executemany(
            f"UPDATE {table} SET {sets}, "  # noqa: S608 - names from the model
            f"{review} = CASE WHEN %s THEN %s ELSE {review} END WHERE id = %s",
            [
                [
                    *(connection.ops.adapt_datetimefield_value(v) for v in values[1:5]),
                    values[5],
                    connection.ops.adapt_datetimefield_value(values[6]),
                    values[0],
                ]
                for values in zip(*columns, strict=True)
            ],
        )
