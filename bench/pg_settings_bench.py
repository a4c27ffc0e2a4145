"""PostgreSQL settings that matter for Redress (docs/deployment.md, "PostgreSQL settings").

    uv run python bench/pg_settings_bench.py                 # 1,000,000 rows, 5 runs of each
    uv run python bench/pg_settings_bench.py --rows 200000

It (re)creates the database ``redress_pgsettings`` (``REDRESS_PGSETTINGS_DB`` to change it) on
the local PostgreSQL, fills one table shaped like the register's hot columns (status, unit,
received and due dates) and times, with the settings a session may change (``SET``):

- the queue counts of a whole unit tree (one aggregate of eight ``COUNT … FILTER`` terms over
  every row), with ``jit`` on and off: the query PostgreSQL's JIT compiles, because its
  estimated cost passes ``jit_above_cost``;
- a sort of every open complaint by due date (what an export or a large report does), with
  ``work_mem`` at the stock 4 MB and at 64 MB;
- an indexed look-up of one row (what each statement of an intake is), with ``jit`` on and off.

``shared_buffers`` needs a restart and is not changed here. The server's current values are
printed first. Only 127.0.0.1 is used; the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import psycopg

DSN = "postgresql://postgres@127.0.0.1:5432"
DB = os.environ.get("REDRESS_PGSETTINGS_DB", "redress_pgsettings")

COUNTS = """
SELECT count(*) FILTER (WHERE status = 'received'),
       count(*) FILTER (WHERE status = 'acknowledged'),
       count(*) FILTER (WHERE status = 'assessed'),
       count(*) FILTER (WHERE status = 'in_progress'),
       count(*) FILTER (WHERE status = 'paused'),
       count(*) FILTER (WHERE status = 'decided'),
       count(*) FILTER (WHERE status <> 'closed' AND due_at < now()),
       count(*) FILTER (WHERE status <> 'closed' AND due_at < now() + interval '2 days')
FROM register WHERE unit_id = ANY(%s)
"""
SORT = "SELECT id, reference, due_at FROM register WHERE status <> 'closed' ORDER BY due_at, id"
ONE = "SELECT * FROM register WHERE id = %s"


def timed(cursor: psycopg.Cursor, sql: str, params: tuple[object, ...], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        samples.append(time.perf_counter() - started)
    return round(statistics.median(samples) * 1000, 2)


def _find(plan: dict[str, object], node: str) -> dict[str, object]:
    if plan.get("Node Type") == node:
        return plan
    for child in plan.get("Plans", []):  # type: ignore[union-attr]
        found = _find(child, node)
        if found:
            return found
    return {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with psycopg.connect(f"{DSN}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB}")
        admin.execute(f"CREATE DATABASE {DB}")
    try:
        with psycopg.connect(f"{DSN}/{DB}", autocommit=True) as conn, conn.cursor() as cursor:
            server = {
                name: cursor.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
                for name in (
                    "server_version",
                    "shared_buffers",
                    "work_mem",
                    "effective_cache_size",
                    "jit",
                    "jit_above_cost",
                    "max_connections",
                )
            }
            print(json.dumps({"server": server}), flush=True)
            cursor.execute(
                """
                CREATE TABLE register AS
                SELECT n AS id, 'KN-2026-' || lpad(n::text, 7, '0') AS reference,
                       (ARRAY['received','acknowledged','assessed','in_progress','paused',
                              'decided','closed','closed','closed','closed'])[1 + n %% 10]
                           AS status,
                       1 + n %% 40 AS unit_id,
                       now() - (n %% 700) * interval '1 day' AS received_at,
                       now() + ((n %% 61) - 30) * interval '1 day' AS due_at,
                       repeat('x', 200) AS description
                FROM generate_series(1, %s) AS n
                """,
                (args.rows,),
            )
            cursor.execute("ALTER TABLE register ADD PRIMARY KEY (id)")
            cursor.execute("CREATE INDEX ON register (unit_id, status)")
            cursor.execute("VACUUM ANALYZE register")
            units = (list(range(1, 41)),)
            results: dict[str, object] = {}
            plan = cursor.execute("EXPLAIN (FORMAT JSON) " + COUNTS, units).fetchone()
            results["queue counts: estimated cost (jit_above_cost 100000)"] = plan[0][0]["Plan"][  # type: ignore[index]
                "Total Cost"
            ]
            # "jit on, every query": the thresholds at 0, as for a register large enough that
            # the estimate passes them (the figures' aggregates at a million complaints).
            for label, settings in (
                ("jit off", "SET jit = off"),
                ("jit on, stock thresholds", "SET jit = on; RESET jit_above_cost"),
                (
                    "jit on, every query",
                    "SET jit = on; SET jit_above_cost = 0; SET jit_inline_above_cost = 0;"
                    " SET jit_optimize_above_cost = 0",
                ),
            ):
                for statement in settings.split(";"):
                    cursor.execute(statement)
                timed(cursor, COUNTS, units, 1)  # warm the cache
                results[f"queue counts, {label}"] = timed(cursor, COUNTS, units, args.runs)
                results[f"one row by id, {label}"] = timed(cursor, ONE, (4242,), args.runs * 20)
                explained = cursor.execute(
                    "EXPLAIN (ANALYZE, FORMAT JSON) " + COUNTS, units
                ).fetchone()
                jit_info = explained[0][0].get("JIT", {})  # type: ignore[index]
                results[f"queue counts, {label}: JIT compile ms"] = round(
                    jit_info.get("Timing", {}).get("Total", 0.0), 2
                )
            cursor.execute("SET jit = off")
            for work_mem in ("4MB", "64MB"):
                cursor.execute(f"SET work_mem = '{work_mem}'")
                explained = cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + SORT).fetchone()[0][
                    0
                ]  # type: ignore[index]
                sort = _find(explained["Plan"], "Sort")
                results[f"sort of open complaints, work_mem {work_mem}"] = {
                    "ms": round(explained["Execution Time"], 1),
                    "method": sort.get("Sort Method"),
                    "space_kb": sort.get("Sort Space Used"),
                    "space": sort.get("Sort Space Type"),
                }
            print(json.dumps({"rows": args.rows, "median_ms": results}, indent=2), flush=True)
    finally:
        with psycopg.connect(f"{DSN}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
