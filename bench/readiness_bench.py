"""Benchmark of the readiness page (issue 23): ``GET /staff/certification/`` for the ISO 10002
map and the ISO 9001 cross-references, and one daily snapshot, on PostgreSQL with N seeded
complaints, in process.

    uv run python bench/readiness_bench.py 100000                 # seed a fresh database
    uv run python bench/readiness_bench.py 100000 --database NAME  # measure a seeded one

Requests go through Django's test client as a top-management person signed in with a second
factor, so the figures include the view, the template and every query, but no network. Beside
them it measures the cheapest staff page on the same stack (``GET /staff/notifications/``), so
that the report gives ratios. It prints p50 and p95 in milliseconds, the ratio to the cheapest
request, the queries of one readiness run, and the load average at the start and end.
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


def prepare(name: str, count: int) -> None:
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", PG + "/postgres", "-qc", sql], check=True)  # noqa: S603, S607
    env = dict(os.environ, DATABASE_URL=f"{PG}/{name}", REDRESS_LOG_LEVEL="ERROR")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env, cwd=ROOT)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*manage, "seed", "--complaints", str(count)], check=True, env=env, cwd=ROOT
    )


def timings(client, path: str, params: dict[str, str], n: int) -> list[float]:
    results = []
    for _ in range(n):
        started = time.perf_counter()
        answer = client.get(path, params)
        results.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    return results


def measure(name: str, repeat: int) -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["REDRESS_LOG_LEVEL"] = "ERROR"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from redress.certification.readiness import readiness_for
    from redress.complaints.models import Complaint
    from redress.core.models import Membership, OrgUnit, User
    from redress.core.roles import Role
    from redress.core.testing import second_factor_verified

    person, _ = User.objects.get_or_create(username="bench-readiness")
    if not Membership.objects.filter(user=person, role=Role.TOP_MANAGEMENT).exists():
        Membership.objects.create(
            user=person, unit=OrgUnit.objects.order_by("pk").first(), role=Role.TOP_MANAGEMENT
        )
    client = Client()
    client.force_login(person)
    second_factor_verified(client, person)
    load_start = os.getloadavg()
    print(f"{Complaint.objects.count()} complaints")
    print(f"load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}")
    timings(client, "/staff/notifications/", {}, 3)  # warm up
    baseline = timings(client, "/staff/notifications/", {}, repeat)
    cheapest = statistics.median(baseline)
    with CaptureQueriesContext(connection) as queries:
        readiness_for("iso10002", now=timezone.now())
    print(f"one ISO 10002 readiness run: {len(queries)} queries")
    rows = [("GET /staff/notifications/ (cheapest)", baseline)]
    for code in ("iso10002", "iso9001"):
        path = "/staff/certification/"
        rows.append(
            (f"GET {path}?standard={code}", timings(client, path, {"standard": code}, repeat))
        )
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
    parser.add_argument("--database", help="measure this already seeded database")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    name = args.database or f"redress_bench_readiness_{args.count}"
    if not args.database:
        prepare(name, args.count)
    measure(name, args.repeat)


if __name__ == "__main__":
    main()
