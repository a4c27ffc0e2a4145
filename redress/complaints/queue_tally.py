"""The queue tally: complaints counted per unit, owner, status and pause, so that the queues'
counts read a few hundred rows instead of the register (issue 19; DESIGN.md rule 8).

- **Kept current in the action's transaction**: ``queue_tally_move`` adds -1 to the cell the
  complaint left and +1 to the one it entered (one insert, only when the cell changed), called
  by every lifecycle action and at receipt (``handling.kernel.record``). Inserting, rather than
  updating one row per cell, never makes two actions wait for each other.
- **Merged** by ``queue_tally_compact`` (a periodic job): each cell's rows become one row with
  their sum. It deletes exactly the rows it read, so an action committed meanwhile is kept.
- **Rebuilt** set-based from the register by ``queue_tally_rebuild`` (after a bulk load: seed,
  import; and by ``redress queues rebuild``), under a lock that makes actions wait for it.

A cell's count is the sum of its rows and always equals a count of the register: both change
in the same transaction (a test compares them after random lifecycle actions).
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When

from redress.complaints.models import Complaint, DeadlineTally, QueueTally
from redress.complaints.selectors import scope_corrections_any, visible_scope
from redress.core.read_memo import remembered
from redress.core.writes import insert

if TYPE_CHECKING:
    from redress.core.models import User

Cell = tuple[int, int, str, str]
T = TypeVar("T", QueueTally, DeadlineTally)


class TallyRaced(Exception):
    """Another merge took some of the rows this one read: it gives up (nothing is lost)."""


def pause_key(paused_at: object, pause_reason: str) -> str:
    """ "" while the clock runs; the pause's reason (or "other") while it is stopped."""
    if paused_at is None:
        return ""
    return pause_reason or "other"


def pause_key_expression() -> Case:
    """``pause_key`` in SQL."""
    return Case(
        When(paused_at__isnull=True, then=Value("")),
        When(pause_reason="", then=Value("other")),
        default=F("pause_reason"),
    )


def tally_cell(values: Mapping[str, Any]) -> Cell:
    """The cell of a complaint's audited values (``complaints.rules.audited_values``)."""
    return (
        values["unit_id"],
        values["owner_id"] or 0,
        values["status"],
        pause_key(values["paused_at"], values["pause_reason"]),
    )


def queue_tally_move(*, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """Count a complaint out of the cell of ``before`` (empty at receipt) and into the cell of
    ``after``: at most one insert, none when the cell did not change."""
    entered = tally_cell(after)
    left = tally_cell(before) if before else None
    if left == entered:
        return
    rows = [(entered, 1)] if left is None else [(left, -1), (entered, 1)]
    # A delta nobody reads back in the action's transaction: sent with its combined write.
    insert(
        QueueTally,
        [
            {"unit_id": unit, "owner_key": owner, "status": status, "pause": pause, "count": n}
            for (unit, owner, status, pause), n in rows
        ],
        later=True,
    )


def queue_tally_add(complaints: QuerySet[Complaint]) -> int:
    """Count complaints just written in bulk (an import) into the tally: one grouped query over
    them and one insert; returns the cells written. They must not have been counted before."""
    rows = _rows(register_cells(complaints))
    QueueTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def register_cells(complaints: QuerySet[Complaint] | None = None) -> dict[Cell, int]:
    """The cells counted directly from the register (one grouped query)."""
    queryset = Complaint.objects.all() if complaints is None else complaints
    cells: dict[Cell, int] = defaultdict(int)
    for cell, n, _leading in _grouped_by_cell(queryset):
        cells[cell] += n
    return dict(cells)


def _grouped_by_cell(
    complaints: QuerySet[Complaint], *first: str
) -> Iterator[tuple[Cell, int, tuple[Any, ...]]]:
    """How many of ``complaints`` fall in each tally cell, grouped also by the columns
    ``first`` (their values last), in one grouped query."""
    rows = (
        complaints.annotate(pause_key=pause_key_expression())
        .values_list(*first, "unit_id", "owner_id", "status", "pause_key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for *leading, unit, owner, status, pause, n in rows:
        yield (unit, owner or 0, status, pause), n, tuple(leading)


def tally_cells() -> dict[Cell, int]:
    """The cells as the tally holds them (cells summing to zero left out)."""
    rows = (
        QueueTally.objects.values_list("unit_id", "owner_key", "status", "pause")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {(u, o, s, p): total for u, o, s, p, total in rows if total}


def _rows(cells: Mapping[Cell, int]) -> list[QueueTally]:
    return [
        QueueTally(unit_id=unit, owner_key=owner, status=status, pause=pause, count=count)
        for (unit, owner, status, pause), count in sorted(cells.items())
        if count
    ]


@dataclass(frozen=True)
class TallyScope:
    """What to read of the tally for a person: its rows for the units they see, and the
    corrections, conditions on complaints counted in (+1: seen outside those units, the ones
    they own) or out (-1: inside them but hidden from the person). Both kinds are few and
    found by their own index (owner; subject of the complaint, restricted)."""

    allowed: list[int] | None  # the units whose cells are read (None: every unit)
    corrections: list[tuple[Q, int]]

    def cells_of(self, model: type[T]) -> QuerySet[T]:
        """The rows of a tally (this one, or the deadline tally) for the units in scope."""
        cells = model.objects.all()
        return cells if self.allowed is None else cells.filter(unit_id__in=self.allowed)

    @property
    def cells(self) -> QuerySet[QueueTally]:
        return self.cells_of(QueueTally)

    def correction_index(self) -> Case:
        """The index in ``corrections`` of the one a complaint falls under, for a query over
        complaints that fall under one of them: they are disjoint (counted in: outside the
        person's units; out: inside them), so that a query grouped by it compiles each
        correction once, not once per figure."""
        return Case(
            *(
                When(part, then=Value(index))
                for index, (part, _sign) in enumerate(self.corrections)
            ),
            output_field=IntegerField(),
        )


def tally_scope(user: User | None, *, units: set[int] | None = None) -> TallyScope | None:
    """The tally as ``complaints_visible_to(user)`` sees it (everything for None), narrowed to
    ``units`` when given; None when the person sees nothing."""
    scope = visible_scope(user) if user is not None else None
    if scope is not None and scope.nothing:
        return None
    allowed = None if scope is None or scope.everything else set(scope.units)
    if units is not None:
        allowed = set(units) if allowed is None else allowed & set(units)
    corrections: list[tuple[Q, int]] = []
    if scope is not None and not scope.everything and scope.also is not None:
        elsewhere = scope.also & ~Q(unit_id__in=sorted(scope.units))
        if units is not None:
            elsewhere &= Q(unit_id__in=sorted(units))
        if scope.hidden is not None:
            elsewhere &= ~scope.hidden
        corrections.append((elsewhere, 1))
    if scope is not None and scope.hidden is not None:
        inside = scope.hidden
        if allowed is not None:
            inside &= Q(unit_id__in=sorted(allowed))
        corrections.append((inside, -1))
    if not corrections:
        return TallyScope(None if allowed is None else sorted(allowed), [])
    # Most people own nothing outside their units and have nothing hidden from them: a
    # correction no complaint falls under is left out, and their counts read the tally alone.
    # Whether any complaint does is asked of the whole register first (once per GET request,
    # shared with the rollup's reads); only where one does, of the correction itself.
    assert user is not None and scope is not None
    anywhere = dict(zip((1, -1), scope_corrections_any(user, scope), strict=True))
    exact = units is None and scope.also is not None
    narrowed = None if units is None else tuple(sorted(units))
    kept = [
        (part, sign)
        for part, sign in corrections
        if anywhere[sign]
        and (
            (sign == 1 and exact)
            or remembered(
                ("tally_correction_any", user.pk, sign, narrowed),
                _any_under(part),
            )
        )
    ]
    return TallyScope(None if allowed is None else sorted(allowed), kept)


def correction_cells(scope: TallyScope) -> list[tuple[Cell, int, int]]:
    """The complaints under the scope's corrections, counted per tally cell: (cell, the
    correction's sign, how many); one grouped query over their few complaints."""
    either = functools.reduce(operator.or_, (part for part, _sign in scope.corrections))
    under = Complaint.objects.filter(either).annotate(correction=scope.correction_index())
    return [
        (cell, scope.corrections[index][1], n)
        for cell, n, (index,) in _grouped_by_cell(under, "correction")
    ]


def _any_under(part: Q) -> Callable[[], bool]:
    return lambda: Complaint.objects.filter(part).exists()


def queue_tally_rebuild() -> int:
    """Count the register again into the tally (one grouped scan); returns the cells written.
    Actions wait meanwhile (on PostgreSQL the tally is locked against inserts), so none is
    counted twice or missed."""
    with transaction.atomic():
        tally_emptied(QueueTally)
        rows = _rows(register_cells())
        QueueTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def tally_emptied(model: type[T]) -> None:
    """Empty a tally to count it again, in the caller's transaction; on PostgreSQL the tally is
    locked against inserts first, so that the writers that would move it wait until the new
    count is committed (none is counted twice or missed)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")  # noqa: S608 - model's table
    model.objects.all().delete()


def queue_tally_compact() -> int:
    """Merge each cell's rows into one (a cell summing to zero goes), in the queue tally and in
    the deadline tally; returns the rows merged (a tally another merge was working on at the
    same time is left to that one)."""
    return _compact(QueueTally, ("unit_id", "owner_key", "status", "pause")) + _compact(
        DeadlineTally, ("unit_id", "status", "due_hour")
    )


def _compact(model: type[T], cell: tuple[str, ...]) -> int:
    try:
        with transaction.atomic():
            read = list(model.objects.values_list("pk", *cell, "count"))
            grouped: dict[tuple[Any, ...], list[tuple[int, int]]] = defaultdict(list)
            for pk, *key, count in read:
                grouped[tuple(key)].append((pk, count))
            merged = {key: rows for key, rows in grouped.items() if len(rows) > 1 or not rows[0][1]}
            if not merged:
                return 0
            pks = [pk for rows in merged.values() for pk, _count in rows]
            removed = 0
            for start in range(0, len(pks), 2000):
                chunk = pks[start : start + 2000]
                removed += model.objects.filter(pk__in=chunk).delete()[0]
            if removed != len(pks):
                raise TallyRaced
            sums = {key: sum(count for _pk, count in rows) for key, rows in merged.items()}
            model.objects.bulk_create(
                [
                    model(**dict(zip(cell, key, strict=True)), count=total)
                    for key, total in sorted(sums.items())
                    if total
                ],
                batch_size=2000,
            )
            return removed
    except TallyRaced:
        return 0


def queue_tally_compact_job() -> None:
    """The periodic merge (``REDRESS_PERIODIC_JOBS``)."""
    queue_tally_compact()
