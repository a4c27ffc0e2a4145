"""Rows written without building model instances, and writes kept for one statement.

Intake writes about a dozen rows in one transaction; through the ORM each costs a model
instance and a compiled query, and a round trip. ``insert`` and ``update`` write plain rows with
SQL made once per table and set of columns (values prepared by the fields, as the ORM would).
Inside ``writes_combined()``, those whose result nobody reads before the block ends (marks,
counters' deltas, the audit entry and head, task rows, the intake key) are kept and sent together
when it ends: on PostgreSQL as one statement (data-modifying ``WITH`` parts), elsewhere one by
one. The block must run inside the transaction that asks for the writes, so they still commit
or roll back with it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import functools
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone

Row = Mapping[str, Any]
M = TypeVar("M", bound=models.Model)
Statement = tuple[str, list[Any]]
# A kept statement and the table it writes.
Kept = tuple[str, list[Any], str]

_pending: contextvars.ContextVar[list[Kept] | None] = contextvars.ContextVar(
    "redress_writes_pending", default=None
)


@contextmanager
def writes_combined() -> Iterator[None]:
    """Keep the writes made with ``later=True`` and send them in one statement at the end of
    the block (nothing is sent if it raises). A nested block leaves them to the outer one."""
    if _pending.get() is not None:
        yield
        return
    statements: list[Kept] = []
    token = _pending.set(statements)
    try:
        yield
    finally:
        _pending.reset(token)
    _send(statements)


def writes_kept() -> bool:
    """Whether a ``writes_combined`` block is open (writes made ``later`` are kept)."""
    return _pending.get() is not None


def writes_flush(model: type[models.Model]) -> None:
    """Send what the open block keeps now if any of it writes ``model``'s table: for a writer
    that must read what an earlier one kept (the audit chain's head)."""
    statements = _pending.get()
    if statements and any(table == model._meta.db_table for _s, _p, table in statements):
        _send(list(statements))
        statements.clear()


def _send(statements: Sequence[Kept]) -> None:
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or len(statements) == 1:
            for sql, params, _table in statements:
                cursor.execute(sql, params)
            return
        # Every part of one statement sees the same snapshot and none sees another's rows:
        # the parts are independent writes (foreign keys are checked at commit).
        *parts, (last_sql, last_params, _table) = statements
        heads = ", ".join(f"w{n} AS ({sql})" for n, (sql, _params, _t) in enumerate(parts))
        params = [value for _sql, part_params, _t in parts for value in part_params]
        cursor.execute(f"WITH {heads} {last_sql}", [*params, *last_params])


def writes_keep(model: type[models.Model], sql: str, params: list[Any]) -> None:
    """Keep a statement of the caller's own (one that writes ``model``'s table and returns
    nothing) for the open block; at once when none is open."""
    _run(model, (sql, params), later=True)


def _run(
    model: type[models.Model], statement: Statement, *, later: bool, returning: bool = False
) -> Any:
    pending = _pending.get()
    sql, params = statement
    if later and pending is not None and not returning:
        pending.append((sql, params, model._meta.db_table))
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0] if returning else None


@functools.cache
def _fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    """The model's written fields by attribute name (``unit_id``, not ``unit``); a generated
    column is the database's."""
    return {
        field.attname: field
        for field in model._meta.concrete_fields
        if not getattr(field, "generated", False)
    }


def _column(field: models.Field[Any, Any] | None) -> str:
    """The quoted column of a stored field (only fields that are not stored have none)."""
    if field is None or field.column is None:
        raise ValueError(f"{field} has no column")
    return connection.ops.quote_name(field.column)


@functools.cache
def _insert_sql(model: type[models.Model], columns: tuple[str, ...], rows: int, pk: bool) -> str:
    quote = connection.ops.quote_name
    fields = _fields(model)
    names = ", ".join(_column(fields[name]) for name in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Names from the model's own metadata, values as parameters.
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * rows)}"  # noqa: S608
    if pk:
        sql += f" RETURNING {_column(model._meta.pk)}"
    return sql


# Values psycopg sends as they are, which the fields would hand over unchanged on PostgreSQL.
PLAIN = (str, int, bool, float, decimal.Decimal, dt.datetime, dt.date, uuid.UUID, type(None))


def _prepared(field: models.Field[Any, Any], value: Any, database: Any) -> Any:
    """The value as the field would send it (``get_db_prep_save``); skipped on PostgreSQL for
    plain values of fields other than JSON, where it changes nothing and costs most."""
    if (
        type(value) in PLAIN
        and database.vendor == "postgresql"
        and not isinstance(field, models.JSONField)
    ):
        return value
    return field.get_db_prep_save(value, database)


@functools.cache
def _stamps(model: type[models.Model]) -> frozenset[str]:
    """The dates the ORM stamps when it saves (``auto_now``, ``auto_now_add``)."""
    return frozenset(
        name
        for name, field in _fields(model).items()
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    )


def _values(model: type[models.Model], row: Row) -> dict[str, Any]:
    """Every stored field of a new row: those given, the others at their defaults (a field
    with a database default is left to the database; the auto primary key too)."""
    values: dict[str, Any] = {}
    database = connections[DEFAULT_DB_ALIAS]
    stamps = _stamps(model)
    for name, field in _fields(model).items():
        stamped = name in stamps
        if name in row:
            value = row[name]
        elif field.primary_key and isinstance(field, models.AutoField) or field.has_db_default():
            continue
        else:
            value = None if stamped else field.get_default()
        if value is None and stamped:
            value = timezone.now()
        values[name] = _prepared(field, value, database)
    return values


def insert(
    model: type[models.Model], rows: Sequence[Row], *, later: bool = False, pk: bool = False
) -> int | None:
    """Insert ``rows`` (by attribute name) in one statement. ``pk``: return the first row's
    primary key (written at once); ``later``: keep it for the open ``writes_combined`` block."""
    if not rows:
        return None
    prepared = [_values(model, row) for row in rows]
    columns = tuple(prepared[0])
    sql = _insert_sql(model, columns, len(prepared), pk)
    params = [row[name] for row in prepared for name in columns]
    return _run(model, (sql, params), later=later, returning=pk)  # type: ignore[no-any-return]


def update(model: type[models.Model], pk: Any, values: Row, *, later: bool = False) -> None:
    """Update one row by primary key: ``values`` by attribute name."""
    quote = connection.ops.quote_name
    fields = _fields(model)
    names = list(values)
    assignments = ", ".join(f"{_column(fields[name])} = %s" for name in names)
    table, key = quote(model._meta.db_table), _column(model._meta.pk)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
    database = connections[DEFAULT_DB_ALIAS]
    params = [_prepared(fields[name], values[name], database) for name in names]
    _run(model, (sql, [*params, pk]), later=later)


def insert_new(objs: Sequence[models.Model]) -> None:
    """Insert new instances of one model in one statement and give them their primary keys,
    as ``bulk_create`` would, without compiling a query (no ``save()``, no signals: Redress
    keeps no logic in them). A field left to its database default is left out; a creation
    stamp (``auto_now_add``) is set on the instance too."""
    if not objs:
        return
    model = type(objs[0])
    auto_pk = isinstance(model._meta.pk, models.AutoField)
    rows = []
    for obj in objs:
        row: dict[str, Any] = {}
        for name, field in _fields(model).items():
            value = getattr(obj, name)
            if isinstance(value, DatabaseDefault) or (field.primary_key and auto_pk):
                continue
            if value is None and name in _stamps(model):
                value = timezone.now()
                setattr(obj, name, value)
            row[name] = value
        rows.append(row)
    prepared = [_values(model, row) for row in rows]
    columns = tuple(prepared[0])
    if any(tuple(row) != columns for row in prepared):
        raise ValueError("insert_new: every instance must leave the same fields to the database")
    sql = _insert_sql(model, columns, len(prepared), auto_pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, [row[name] for row in prepared for name in columns])
        keys = [found[0] for found in cursor.fetchall()] if auto_pk else []
    for n, obj in enumerate(objs):
        if auto_pk:
            obj.pk = keys[n]
        obj._state.adding = False
        obj._state.db = connection.alias


@functools.cache
def _locked_sql(model: type[models.Model]) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = ", ".join(_column(field) for field in fields)
    table, key = quote(model._meta.db_table), _column(model._meta.pk)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = f"SELECT {columns} FROM {table} WHERE {key} = %s{lock}"  # noqa: S608
    return sql, [field.attname for field in fields]


def row_locked(model: type[M], pk: Any) -> M | None:
    """The row ``pk`` as an instance, locked until the transaction ends (``select_for_update``
    without compiling a query, for a row every writer locks: the audit chain's head)."""
    sql, names = _locked_sql(model)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        found = cursor.fetchone()
    return None if found is None else model.from_db(connection.alias, names, found)
