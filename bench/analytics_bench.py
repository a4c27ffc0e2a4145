"""Benchmark of the figures (issue 12, item 9): ``GET /api/v1/kpis`` for twelve months and each
``GET /api/v1/analytics/{breakdown}``, on PostgreSQL with N seeded complaints, in process.

    uv run python bench/analytics_bench.py 100000            # seed a fresh database, then measure
    uv run python bench/analytics_bench.py 100000 --reuse    # measure an already seeded one
    uv run python bench/analytics_bench.py 100000 --explain  # print the KPI queries' plans

The database is ``redress_bench_analytics_<N>`` on the local PostgreSQL (created, migrated and
seeded with ``manage.py seed --complaints N`` unless --reuse). Requests go through Django's test
client with a top-management token (the widest scope), so the figures include the view, the
serialisation and every query, but no network. Beside them it measures the cheapest request on
the same stack (``GET /api/v1/categories``), so that the report can give ratios, which hold on a
machine whose speed varies through the day. It prints p50 and p95 in milliseconds, the ratio to
the cheapest request, and the load average at the start and end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"


def database(count: int) -> str:
    # BENCH_DATABASE names another (e.g. a clone of a seeded template) when several people
    # measure on one machine.
    return os.environ.get("BENCH_DATABASE") or f"redress_bench_analytics_{count}"


def prepare(count: int) -> None:
    name = database(count)
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", PG + "/postgres", "-qc", sql], check=True)  # noqa: S603, S607
    env = dict(os.environ, DATABASE_URL=f"{PG}/{name}", REDRESS_LOG_LEVEL="ERROR")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env, cwd=ROOT)  # noqa: S603
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        [*manage, "seed", "--complaints", str(count)], check=True, env=env, cwd=ROOT
    )
    print(f"seeded {count} complaints in {time.monotonic() - started:.0f} s", flush=True)


def timings(
    client, path: str, params: dict[str, str], headers: dict[str, str], n: int
) -> list[float]:
    results = []
    for _ in range(n):
        started = time.perf_counter()
        answer = client.get(path, params, headers=headers)
        results.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (path, answer.status_code, answer.content[:300])
    return results


def parts(user: object, period: object, repeat: int) -> list[tuple[str, list[float]]]:
    """Repeat complainants alone, for top management over the period: by the definition (a
    search per complaint) and from the links (``analytics.repeats``), each on a fresh cohort."""
    from redress.analytics import figures, measures
    from redress.analytics.cohort import Cohort

    found = []
    for label, compute in (
        ("repeat complainants, by the definition", measures.repeat_complainants),
        ("repeat complainants, from the links", figures.repeat_complainants),
    ):
        values = []
        for _ in range(max(repeat // 2, 3)):
            cohort = Cohort(user=user, period=period)  # type: ignore[arg-type]
            if compute is figures.repeat_complainants:
                figures.cohort_measures(cohort)  # read with the other KPIs in an answer
            started = time.perf_counter()
            compute(cohort)
            values.append((time.perf_counter() - started) * 1000)
        found.append((f"  part: {label}", values))
    return found


def top_management_token(username: str) -> tuple[object, str]:
    """A top-management account (every complaint in scope) and a read token of its own, for
    the API's requests; Django must be set up."""
    from redress.core.actors import Actor
    from redress.core.models import Membership, OrgUnit, User
    from redress.core.roles import Role
    from redress.integrations.services import token_create

    user, _ = User.objects.get_or_create(username=username)
    if not Membership.objects.filter(user=user, role=Role.TOP_MANAGEMENT).exists():
        Membership.objects.create(
            user=user, unit=OrgUnit.objects.order_by("pk").first(), role=Role.TOP_MANAGEMENT
        )
    token = token_create(
        actor=Actor.system("bench"),
        user=user,
        name=username,
        scopes=["read"],
        rate_limit_per_minute=1000000,
    ).raw
    return user, token


def measure(count: int, repeat: int, explain: bool) -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{database(count)}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["REDRESS_LOG_LEVEL"] = "ERROR"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from redress.core import startup

    # As the web server starts (config/wsgi.py), where the code measured has it.
    if hasattr(startup, "heap_settle"):
        startup.heap_settle()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from redress.analytics.request import default_period
    from redress.analytics.tables import BREAKDOWNS
    from redress.complaints.models import Complaint
    from redress.core.models import Membership, OrgUnit, User
    from redress.core.roles import Role
    from redress.core.testing import second_factor_verified

    user, token = top_management_token("bench-top")
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "vi"}
    latest = Complaint.objects.order_by("-received_at").values_list("received_at", flat=True)[0]
    period = default_period(timezone.localtime(latest).date())
    params = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    in_period = Complaint.objects.filter(
        received_at__date__gte=period.first, received_at__date__lte=period.last
    ).count()
    client = Client()
    load_start = os.getloadavg()
    print(f"{count} complaints, {in_period} received in {params['from']} – {params['to']}")
    print(f"load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}")
    timings(client, "/api/v1/categories", {}, headers, 3)  # warm up
    baseline = timings(client, "/api/v1/categories", {}, headers, repeat)
    cheapest = statistics.median(baseline)
    rows = [("GET /api/v1/categories (cheapest)", baseline)]
    with CaptureQueriesContext(connection) as queries:
        timings(client, "/api/v1/kpis", params, headers, 1)
    if explain:
        for query in queries.captured_queries:
            if "SELECT" in query["sql"] and "complaints_complaint" in query["sql"]:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                    print("\n".join(line for (line,) in cursor.fetchall()))
    rows.append(
        (
            f"GET /api/v1/kpis ({len(queries)} queries)",
            timings(client, "/api/v1/kpis", params, headers, repeat),
        )
    )
    # The dashboards, as a complaints manager of every top-level unit and as top management,
    # signed in with a second factor given.
    manager, _ = User.objects.get_or_create(username="bench-manager")
    for unit in OrgUnit.objects.filter(parent__isnull=True):
        Membership.objects.get_or_create(user=manager, unit=unit, role=Role.COMPLAINTS_MANAGER)
    for label, person in (("manager", manager), ("top management", user)):
        staff = Client()
        staff.force_login(person)
        second_factor_verified(staff, person)
        staff.get("/staff/")  # warm up
        rows.append((f"GET /staff/ ({label} dashboard)", timings(staff, "/staff/", {}, {}, repeat)))
    for code in sorted(BREAKDOWNS):
        rows.append(
            (
                f"GET /api/v1/analytics/{code}",
                timings(client, f"/api/v1/analytics/{code}", params, headers, max(repeat // 2, 3)),
            )
        )
    rows.extend(parts(user, period, repeat))
    print(f"{'request':<52} {'p50 ms':>8} {'p95 ms':>8} {'p50 / cheapest':>15}")
    for label, values in rows:
        p50 = statistics.median(values)
        p95 = sorted(values)[max(int(len(values) * 0.95) - 1, 0)]
        print(f"{label:<52} {p50:8.1f} {p95:8.1f} {p50 / cheapest:15.1f}")
    load_end = os.getloadavg()
    print(f"load average at end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--reuse", action="store_true", help="measure an existing database")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if not args.reuse:
        prepare(args.count)
    measure(args.count, args.repeat, args.explain)


if __name__ == "__main__":
    main()
