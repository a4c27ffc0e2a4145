"""Benchmark of the internal audit's sample (issue 14, item 5) at a million closed complaints,
on PostgreSQL: reading the population (primary keys only, in order, fingerprinted) and drawing
the sample, with the seed stored.

    uv run python bench/audit_sample_bench.py 1000000            # build the database, then measure
    uv run python bench/audit_sample_bench.py 1000000 --reuse    # measure an already built one

The database ``redress_bench_audit_<N>`` is created and migrated, one complaint is received
through the real services and closed, then copied N − 1 times by SQL (``generate_series``, a new
reference each): the audit reads keys, so what the rows hold beyond unit, status and closing time
does not matter. It prints the seconds of ``population_ids`` and of the whole draw
(``audit_sample_draw``: population, draw, 59 rows written, audit entry) and the peak memory the
population took.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    name = f"redress_bench_audit_{args.count}"
    if not args.reuse:
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", PG + "/postgres", "-qc", sql], check=True)  # noqa: S603, S607
    os.environ["DATABASE_URL"] = f"{PG}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from redress.complaints.models import Complaint, Status
    from redress.core.actors import Actor
    from redress.core.models import User
    from redress.framework.models import Audit
    from redress.framework.services.audit_sample import audit_sample_draw, population_ids
    from redress.framework.services.audits import audit_plan, audit_start
    from redress.intake.seed import demo_organisation
    from tests.e2e.test_backoffice_journey import new_complaint

    if not args.reuse:
        call_command("migrate", verbosity=0)
        demo_organisation()
        first = new_complaint()
        Complaint.objects.filter(pk=first.pk).update(
            status=Status.CLOSED, closed_at=timezone.now() - timezone.timedelta(days=10)
        )
        columns = [
            f.column for f in Complaint._meta.concrete_fields if f.column not in ("id", "reference")
        ]
        listed = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO {Complaint._meta.db_table} ("reference", {listed}) '  # noqa: S608
                f"SELECT 'BENCH-' || n, {listed} FROM {Complaint._meta.db_table}, "
                f"generate_series(1, %s) AS n WHERE id = %s",
                [args.count - 1, first.pk],
            )
            cursor.execute(f"ANALYZE {Complaint._meta.db_table}")
    manager = Actor.for_user(User.objects.get(username="quanly"))
    auditor = User.objects.get(username="kiemtoan")
    today = timezone.localdate()
    Audit.objects.all().delete()
    audit = audit_plan(
        actor=manager,
        title="Bench",
        unit=auditor.memberships.get().unit,
        period_start=today - timezone.timedelta(days=30),
        period_end=today,
        planned_on=today,
        risk_level="high",
        rationale="bench",
        auditors=[auditor],
    )
    audit = audit_start(audit=audit, actor=Actor.for_user(auditor))
    tracemalloc.start()
    started = time.perf_counter()
    ids, _digest = population_ids(audit)
    read = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    started = time.perf_counter()
    audit = audit_sample_draw(
        audit=audit, actor=Actor.for_user(auditor), confidence=95, tolerable_pct=5
    )
    whole = time.perf_counter() - started
    print(f"population {len(ids):,}: read in {read:.2f} s, peak {peak / 2**20:.1f} MiB")
    print(f"draw of {audit.sample_size} (seed {audit.sample_seed}): {whole:.2f} s")


if __name__ == "__main__":
    main()
