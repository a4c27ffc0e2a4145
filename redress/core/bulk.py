"""Writing many rows at once, with their ids: the bulk paths (complaint import, demo seed).

``bulk_insert(model, rows)`` takes plain dicts (field attribute name → value) rather than model
instances: building 100,000 instances costs more than writing them. Fields a row leaves out take
their default; ``auto_now``/``auto_now_add`` fields left out take the time of the call (a value
given for them is kept: historical data keeps its dates). The primary key is always chosen here.

- PostgreSQL: the ids come from the table's sequence and the rows are sent with ``COPY``, an
  order of magnitude faster than ``INSERT`` at 100,000 rows.
- SQLite: the ids are taken from the table's ``AUTOINCREMENT`` counter (``sqlite_sequence``, which
  SQLite lets programs update) and the rows go through one prepared ``executemany``, about three
  times faster than ``bulk_create``.
- Other databases: ``bulk_create``, which sets ``auto_now`` fields to the time of the call even
  when a row gives them.

Nothing here runs ``save()``, signals or validation: the callers are services that check their
rows first.

A load split over processes (the seed) turns its rows into value lists in another process
(``bulk_values``, JSON already encoded) and inserts them with ``bulk_insert_values``: the
process that writes then does no per-row work but filling in the parents' ids
(``bulk_column``) and sending the row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import NotSupportedError, connection, models
from django.utils import timezone

CHUNK = 2000  # rows per INSERT statement on databases that go through ``bulk_create``

Row = Mapping[str, Any]


class JsonText(str):
    """A JSON column's value already encoded (by ``bulk_values``): written as it is."""

    __slots__ = ()


class _Layout:
    """The columns of a model's table (all concrete fields but the primary key) and the value
    each takes when a row leaves it out: a constant, or a callable default called for each row
    (a fresh ``dict`` for each JSON column, say)."""

    def __init__(self, model: type[models.Model]) -> None:
        now = timezone.now()
        meta = model._meta
        assert meta.pk is not None
        self.table = meta.db_table
        self.pk_column = _column_name(meta.pk)
        # Generated columns are the database's to compute: a write that names them fails.
        self.fields = [f for f in meta.concrete_fields if not f.primary_key and not f.generated]
        self.columns = [_column_name(f) for f in self.fields]
        self.names = [f.attname for f in self.fields]
        self.json = [i for i, f in enumerate(self.fields) if f.get_internal_type() == "JSONField"]
        self.constants: list[Any] = []
        self.factories: list[tuple[int, str, Callable[[], Any]]] = []
        for i, f in enumerate(self.fields):
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.constants.append(now)
            elif f.has_default() and callable(f.default):
                self.constants.append(None)
                self.factories.append((i, f.attname, f.get_default))
            else:
                self.constants.append(f.get_default())

    def values(self, row: Row) -> list[Any]:
        """The row's value for each column, in column order."""
        get = row.get
        values = [
            get(name, constant) for name, constant in zip(self.names, self.constants, strict=True)
        ]
        for i, name, factory in self.factories:
            if name not in row:
                values[i] = factory()
        return values


def bulk_values(model: type[models.Model], rows: Sequence[Row]) -> list[list[Any]]:
    """``rows`` as ``bulk_insert_values`` takes them: each a list of its column values in the
    table's order (``bulk_column`` gives a column's place), JSON columns encoded. Pure: it can
    run in any process."""
    layout = _Layout(model)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    values = [layout.values(row) for row in rows]
    for i in layout.json:
        for row_values in values:
            if row_values[i] is not None:
                row_values[i] = JsonText(dumps(row_values[i]))
    return values


def bulk_column(model: type[models.Model], name: str) -> int:
    """The place of the field ``name`` (attribute name, ``complaint_id``) in ``bulk_values``."""
    return _Layout(model).names.index(name)


def bulk_insert_values(model: type[models.Model], values: Sequence[Sequence[Any]]) -> list[int]:
    """Insert rows given as ``bulk_values`` makes them and return their primary keys, in order."""
    if not values:
        return []
    layout = _Layout(model)
    if connection.vendor == "postgresql":
        return _copy_values(layout, values)
    rows = [dict(zip(layout.names, row, strict=True)) for row in values]
    return bulk_insert(model, rows)


def _column_name(field: models.Field[Any, Any]) -> str:
    if field.column is None:  # only fields that are not stored have none
        raise ValueError(f"{field} has no column")
    return field.column


def bulk_insert(model: type[models.Model], rows: Sequence[Row]) -> list[int]:
    """Insert ``rows`` and return their primary keys, in the order of ``rows``.

    Run it inside the caller's transaction when the rows must appear together or not at all.
    """
    if not rows:
        return []
    write = _WRITERS.get(connection.vendor, _bulk_create)
    return write(model, _Layout(model), rows)


def _copy(model: type[models.Model], layout: _Layout, rows: Sequence[Row]) -> list[int]:
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with connection.cursor() as cursor:
        ids = _ids_take(cursor, layout, len(rows))
        with _copy_stream(cursor, layout) as copy:
            for pk, row in zip(ids, rows, strict=True):
                values = layout.values(row)
                for i in layout.json:
                    # JSON goes as text, which COPY parses into jsonb; None stays SQL NULL, as
                    # Django stores it. Text encoded already (``bulk_values``) goes as it is.
                    if values[i] is not None and not isinstance(values[i], JsonText):
                        values[i] = dumps(values[i])
                copy.write_row([pk, *values])
    return ids


def _copy_values(layout: _Layout, values: Sequence[Sequence[Any]]) -> list[int]:
    with connection.cursor() as cursor:
        ids = _ids_take(cursor, layout, len(values))
        with _copy_stream(cursor, layout) as copy:
            write = copy.write_row
            for pk, row in zip(ids, values, strict=True):
                write((pk, *row))
    return ids


def _ids_take(cursor: Any, layout: _Layout, count: int) -> list[int]:
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [layout.table, layout.pk_column, count],
    )
    return [pk for (pk,) in cursor.fetchall()]


# The column types whose values COPY sends in PostgreSQL's binary format: several times less
# work than writing them as text and parsing the text again (timestamps above all). A table
# with a column of any other type (JSON, decimals, ...) goes as text.
_BINARY_TYPES = frozenset(
    {
        "bigint",
        "integer",
        "smallint",
        "boolean",
        "character varying",
        "text",
        "timestamp with time zone",
    }
)


def _binary_types(cursor: Any, layout: _Layout) -> list[str] | None:
    """The types of the columns COPY writes, when all of them go in binary; otherwise None."""
    cursor.execute(
        "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [layout.table],
    )
    types = dict(cursor.fetchall())
    found = [types[column] for column in [layout.pk_column, *layout.columns]]
    return found if all(kind in _BINARY_TYPES for kind in found) else None


@contextmanager
def _copy_stream(cursor: Any, layout: _Layout) -> Iterator[Any]:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in [layout.pk_column, *layout.columns])
    types = _binary_types(cursor, layout)
    binary = " (FORMAT BINARY)" if types else ""
    with cursor.cursor.copy(f"COPY {quote(layout.table)} ({names}) FROM STDIN{binary}") as copy:
        if types:
            copy.set_types(types)
        yield copy


def _executemany(model: type[models.Model], layout: _Layout, rows: Sequence[Row]) -> list[int]:
    quote = connection.ops.quote_name
    table, count = quote(layout.table), len(rows)
    with connection.cursor() as cursor:
        # Moving the counter first takes SQLite's write lock, so no other writer can take the
        # same numbers; a rollback gives them back. The counter never lags the table's largest id
        # (rows inserted before it existed), and a table never written to has no counter yet.
        largest = f"(SELECT COALESCE(MAX({quote(layout.pk_column)}), 0) FROM {table})"  # noqa: S608 - names from the model
        cursor.execute(
            f"UPDATE sqlite_sequence SET seq = MAX(seq, {largest}) + %s WHERE name = %s",  # noqa: S608
            [count, layout.table],
        )
        if cursor.rowcount == 0:
            cursor.execute(
                f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, {largest} + %s",  # noqa: S608
                [layout.table, count],
            )
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [layout.table])
        last = cursor.fetchone()[0]
        ids = list(range(last - count + 1, last + 1))
        preps = [f.get_db_prep_save for f in layout.fields]
        prepared = [
            [
                pk,
                *(
                    v if isinstance(v, JsonText) else prep(v, connection)
                    for prep, v in zip(preps, layout.values(row), strict=True)
                ),
            ]
            for pk, row in zip(ids, rows, strict=True)
        ]
        names = ", ".join(quote(c) for c in [layout.pk_column, *layout.columns])
        marks = ", ".join(["%s"] * (len(layout.columns) + 1))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)  # noqa: S608
    return ids


def _bulk_create(model: type[models.Model], layout: _Layout, rows: Sequence[Row]) -> list[int]:
    if not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError(f"{connection.vendor} does not return the ids of a bulk insert")
    objects = model._default_manager.bulk_create(
        [model(**dict(zip(layout.names, layout.values(row), strict=True))) for row in rows],
        batch_size=CHUNK,
    )
    return [obj.pk for obj in objects]


_Writer = Callable[[type[models.Model], _Layout, Sequence[Row]], list[int]]
# The fast path of each database; any other goes through ``bulk_create``.
_WRITERS: dict[str, _Writer] = {"postgresql": _copy, "sqlite": _executemany}


# A load this large changes the tables enough for the query planner's statistics to mislead it.
STATISTICS_AFTER_ROWS = 5000


def statistics_refresh(models_loaded: Sequence[type[models.Model]], *, rows: int) -> None:
    """After a bulk load of ``rows`` rows, refresh PostgreSQL's statistics of the tables loaded,
    as part of leaving every derived state current: without it the planner keeps estimating
    the tables at their old size until autovacuum comes by, and can pick plans thousands of
    times slower (a year of figures over 100,000 seeded complaints: 52 s instead of 0.5 s)."""
    if connection.vendor != "postgresql" or rows < STATISTICS_AFTER_ROWS:
        return
    with connection.cursor() as cursor:
        for model in models_loaded:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@contextmanager
def indexes_deferred(models_loaded: Sequence[type[models.Model]], *, rows: int) -> Iterator[None]:
    """During a bulk load of ``rows`` rows into tables that hold fewer, drop their secondary
    indexes and build them once at the end (the usual PostgreSQL bulk-load practice: one sort
    per index instead of a B-tree insertion per row, several times faster at 100,000 rows and
    more). Unique indexes and constraints stay, so the load is checked as it goes; the indexes
    are built again even when the load fails. Elsewhere, or for a small load, nothing changes.
    """
    if connection.vendor != "postgresql" or rows < DEFER_INDEXES_FROM:
        yield
        return
    tables = [model._meta.db_table for model in models_loaded]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reltuples FROM pg_class c WHERE c.relname = ANY(%s)", [tables]
        )
        small = [name for name, tuples in cursor.fetchall() if tuples < rows]
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class t ON t.oid = i.indrelid"
            " WHERE t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            [small],
        )
        deferred = cursor.fetchall()
        for name, _definition in deferred:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, definition in deferred:
                cursor.execute(
                    definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                )


# From this many rows on, ``indexes_deferred`` drops and rebuilds the secondary indexes.
DEFER_INDEXES_FROM = 20_000
